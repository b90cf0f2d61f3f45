"""Normalization: what changes on every run goes, how things link together stays.

Four steps over a view's data, each a walk guided by the view's shape (``shapes.py``):

1. drop ignored paths (the user's ``ignore`` globs plus SDK bookkeeping), unless kept;
2. sort every list of entities into canonical order (``canonical_order.py``): by name and
   type, then by content with ids and timestamps masked, then by how it links — so neither
   arrival order nor a client's concurrency nor the ids themselves move anything;
3. number the ids in that order: ``<trace:1>``, ``<observation:2>``…; every reference gets
   the placeholder of what it names, or ``<missing:observation:1>`` when nothing captured
   has that id;
4. replace ids and timestamps (``<timestamp>``; an end before its start is reported as
   ``<timestamp: ends before it starts>``, never hidden) and leave out null fields of
   entities (user data inside ``input``, ``output`` or ``metadata`` keeps its nulls).

Normalizing normalized data changes nothing.
"""

from __future__ import annotations

import enum
import fnmatch
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from mockfuse.langfuse.timestamps import parse_timestamp
from mockfuse.snapshot.canonical_order import (
    TIMESTAMP_KEYS,
    VOLATILE_KIND,
    CanonicalOrder,
)
from mockfuse.snapshot.shapes import (
    VIEW_SHAPES,
    Derived,
    Entities,
    IdField,
    Nested,
    Shape,
    ShapeOf,
    Spec,
)
from mockfuse.snapshot.volatile import TIMESTAMP, VolatileValues

ENDS_BEFORE_START = "<timestamp: ends before it starts>"

# SDK bookkeeping, dropped unless kept: it changes with SDK versions, keys and batching, and
# SDK 2.x fills ``release`` from CI variables such as GITHUB_SHA. OpenTelemetry spans carry
# their process's resource attributes (host, pid, service instance) and instrumentation
# scope into metadata, as Langfuse keeps them: per process, so dropped too.
EMPTY_SHAPE: Shape = {}
OTEL_PROCESS = ("*metadata.resourceAttributes", "*metadata.scope")

DEFAULT_IGNORE: dict[str, tuple[str, ...]] = {
    "traces": ("release", *OTEL_PROCESS),
    "events": ("body.release", *OTEL_PROCESS),
    "requests": (
        "body.metadata.sdk_name",
        "body.metadata.sdk_version",
        "body.metadata.sdk_variant",
        "body.metadata.public_key",
        "body.metadata.batch_size",
        "body.batch.body.release",
    ),
}


class PathRules:
    """Globs over dotted key paths (list positions are not part of a path).

    A capture repeats the same few hundred paths many thousand times, so each path's verdict
    is worked out once."""

    def __init__(self, ignore: Iterable[str], keep: Iterable[str]) -> None:
        ignore, keep = tuple(ignore), tuple(keep)
        self._ignore = _compile(ignore)
        self._keep = _compile(keep)
        # What ``_drop`` does with a key, and what a key is to ``_replace``.
        self.step = _PerKey(self._plan)
        self.role = _PerKey(self._role)
        self._globs = (*ignore, *keep)
        self._below: dict[str, bool] = {}

    def kept(self, path: str) -> bool:
        return self._keep is not None and self._keep.match(path) is not None

    def dropped(self, path: str) -> bool:
        return (
            self._ignore is not None
            and self._ignore.match(path) is not None
            and not self.kept(path)
        )

    def matters_below(self, path: str) -> bool:
        """Whether a rule could drop or keep a path under ``path``."""
        known = self._below.get(path)
        if known is None:
            prefix = path + "."
            known = self._below[path] = any(_could_reach(glob, prefix) for glob in self._globs)
        return known

    def _plan(self, path: str, key: str, shape: Shape | None) -> Step:
        child = _join(path, key)
        if self.dropped(child):
            return Step(child, Action.DROP, None)
        if self.kept(child):
            return Step(child, Action.SHARE, None)
        spec = shape.get(key) if shape is not None else None
        if isinstance(spec, Derived):
            return Step(child, Action.DROP, None)
        if isinstance(spec, Entities):
            return Step(child, Action.ENTITIES, spec)
        if isinstance(spec, Nested):
            return Step(child, Action.NESTED, spec)
        return Step(child, Action.WALK if self.matters_below(child) else Action.SHARE, None)

    def _role(self, path: str, key: str, shape: Shape | None) -> tuple[str, Role, Spec | None]:
        child = _join(path, key)
        spec = shape.get(key) if shape is not None else None
        if self.kept(child):
            role = Role.KEPT
        elif isinstance(spec, IdField):
            role = Role.ID
        elif key in TIMESTAMP_KEYS:
            role = Role.TIMESTAMP
        elif isinstance(spec, Entities):
            role = Role.ENTITIES
        elif isinstance(spec, Nested):
            role = Role.NESTED
        else:
            role = Role.VALUE
        return child, role, spec


Answer = TypeVar("Answer")


class _PerKey(Generic[Answer]):
    """``work(path, key, shape)`` done once for each path, shape and key."""

    def __init__(self, work: Callable[[str, str, Shape | None], Answer]) -> None:
        self._work = work
        # Each shape is kept with its answers, so that its id names no other shape meanwhile.
        self._tables: dict[tuple[str, int], tuple[Shape | None, dict[str, Answer]]] = {}

    def __call__(self, path: str, key: str, shape: Shape | None) -> Answer:
        known = self._tables.get((path, id(shape)))
        if known is None:
            known = self._tables[(path, id(shape))] = (shape, {})
        answers = known[1]
        found = answers.get(key)
        if found is None:
            found = answers[key] = self._work(path, key, shape)
        return found


class Role(enum.Enum):
    KEPT = "kept"
    ID = "id"
    TIMESTAMP = "timestamp"
    ENTITIES = "entities"
    NESTED = "nested"
    VALUE = "value"


class Action(enum.Enum):
    DROP = "drop"
    SHARE = "share"  # kept as it is: nothing under it is dropped, and nothing sorts it
    WALK = "walk"  # copied, looking for what a rule drops under it
    ENTITIES = "entities"  # a list of entities: copied, since putting them in order sorts it
    NESTED = "nested"  # a part of an entity that holds ids or entities: copied likewise


class Step(NamedTuple):
    child: str
    action: Action
    spec: Entities | Nested | None


def _could_reach(glob: str, prefix: str) -> bool:
    """Whether ``glob`` could match a path that starts with ``prefix``."""
    literal = re.split(r"[*?\[]", glob, maxsplit=1)[0]
    if literal == glob:  # no wildcard: one exact path
        return glob.startswith(prefix)
    # The wildcard may stand for anything, dots included, after the literal part.
    return literal.startswith(prefix) or prefix.startswith(literal)


def _compile(globs: Iterable[str]) -> re.Pattern[str] | None:
    patterns = [fnmatch.translate(glob) for glob in globs]
    return re.compile("|".join(patterns)) if patterns else None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# -- 1. drop ---------------------------------------------------------------------------------


def _drop(value: Any, path: str, rules: PathRules, shape: Shape | None = None) -> Any:
    """``value`` without the dropped paths. Entities and their nested parts are copied, since
    putting them in order sorts their lists; any other part is shared unless a rule could
    drop something under it (input, output and metadata are most of a capture's bytes)."""
    if isinstance(value, dict):
        copy: dict[str, Any] = {}
        for key, item in value.items():
            child, action, spec = rules.step(path, key, shape)
            if action is Action.SHARE:
                copy[key] = item
            elif action is Action.DROP:
                continue
            elif action is Action.ENTITIES and isinstance(item, list):
                assert isinstance(spec, Entities)
                copy[key] = [
                    _drop(
                        entry, child, rules, spec.shape(entry) if isinstance(entry, dict) else None
                    )
                    for entry in item
                ]
            elif action is Action.NESTED and isinstance(item, dict):
                assert isinstance(spec, Nested)
                copy[key] = _drop(item, child, rules, spec.shape(value))
            elif isinstance(item, (dict, list)):
                copy[key] = _drop(item, child, rules)
            else:
                copy[key] = item
        return copy
    if isinstance(value, list):
        return [_drop(item, path, rules, shape) for item in value]
    return value


# -- 3. number -------------------------------------------------------------------------------


class Placeholders:
    """The placeholder of every id, numbered per kind in the order ids are defined."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, str], str] = {}
        self._counts: Counter[str] = Counter()
        self._langfuse: dict[str, str] = {}  # raw -> the first Langfuse placeholder it got

    def _name(self, kind: str, raw: str) -> str:
        key = (kind, raw)
        if key not in self._names:
            self._counts[kind] += 1
            self._names[key] = f"<{kind}:{self._counts[kind]}>"
            if kind != VOLATILE_KIND:
                self._langfuse.setdefault(raw, self._names[key])
        return self._names[key]

    def define(self, kind: str, raw: str) -> None:
        self._name(kind, raw)

    def position(self, key: tuple[str, str]) -> tuple[int, int]:
        """Where an id stands in the numbering: (0, n) for ``<kind:n>``, after all of them
        when it is not numbered (a missing reference)."""
        name = self._names.get(key)
        return (0, int(name[name.rindex(":") + 1 : -1])) if name else (1, 0)

    def volatile(self, raw: str) -> str:
        """A volatile id's placeholder: the Langfuse id's it is, else ``<id:n>``."""
        return self._langfuse.get(raw) or self._name(VOLATILE_KIND, raw)

    def of(self, spec: IdField, raw: str) -> str:
        if spec.role == "refer" and (spec.kind, raw) not in self._names:
            return self._name(f"missing:{spec.kind}", raw)
        return self._name(spec.kind, raw)


def _number(items: list[Any], shape_of: ShapeOf, placeholders: Placeholders) -> None:
    for item in items:
        if isinstance(item, dict):
            _number_within(item, shape_of(item), placeholders)


def _number_within(entity: dict[str, Any], shape: Shape, placeholders: Placeholders) -> None:
    for key, spec in shape.items():
        value = entity.get(key)
        if isinstance(spec, IdField):
            if spec.role != "refer" and isinstance(value, str):
                placeholders.define(spec.kind, value)
        elif isinstance(spec, Entities) and isinstance(value, list):
            _number(value, spec.shape, placeholders)
        elif isinstance(spec, Nested) and isinstance(value, dict):
            _number_within(value, spec.shape(entity), placeholders)


def _number_volatile(
    items: list[Any], shape_of: ShapeOf, placeholders: Placeholders, order: CanonicalOrder
) -> None:
    """Number the volatile ids in canonical order, once every Langfuse id is numbered (a
    volatile id that is one of them takes its placeholder)."""
    for item in items:
        if isinstance(item, dict):
            for raw in order.volatile_ids(item):
                placeholders.volatile(raw)
            _number_volatile_within(item, shape_of(item), placeholders, order)


def _number_volatile_within(
    value: dict[str, Any], shape: Shape, placeholders: Placeholders, order: CanonicalOrder
) -> None:
    for key, spec in shape.items():
        found = value.get(key)
        if isinstance(spec, Entities) and isinstance(found, list):
            _number_volatile(found, spec.shape, placeholders, order)
        elif isinstance(spec, Nested) and isinstance(found, dict):
            _number_volatile_within(found, spec.shape(value), placeholders, order)


# -- 4. replace ------------------------------------------------------------------------------


def _is_placeholder(value: str) -> bool:
    return value.startswith("<") and value.endswith(">")


def _timestamp(entity: Mapping[str, Any], key: str, value: str) -> str:
    if _is_placeholder(value):
        return value
    if key == "endTime":
        start, end = parse_timestamp(entity.get("startTime")), parse_timestamp(value)
        if start is not None and end is not None and end < start:
            return ENDS_BEFORE_START
    return TIMESTAMP


@dataclass(frozen=True)
class _Replacing:
    placeholders: Placeholders
    rules: PathRules
    volatile: VolatileValues
    order: CanonicalOrder


def _replace(
    entity: Any, shape: Shape, path: str, replacing: _Replacing, part_of: Any = None
) -> Any:
    """``entity`` (or a nested part of the entity ``part_of``) with its placeholders."""
    if not isinstance(entity, dict):
        return entity
    rules, placeholders = replacing.rules, replacing.placeholders
    # An entity in which ordering found nothing volatile needs no second look.
    volatile = replacing.order.holds_volatile(entity if part_of is None else part_of)
    result: dict[str, Any] = {}
    for key, value in entity.items():
        if value is None:
            continue  # absent and null mean the same to Langfuse; SDKs differ in which they send
        child, role, spec = rules.role(path, key, shape)
        if role is Role.KEPT:
            result[key] = value
        elif role is Role.ID and isinstance(value, str):
            assert isinstance(spec, IdField)
            result[key] = placeholders.of(spec, value)
        elif role is Role.TIMESTAMP and isinstance(value, str):
            result[key] = _timestamp(entity, key, value)
        elif role is Role.ENTITIES and isinstance(value, list):
            assert isinstance(spec, Entities)
            result[key] = [
                _replace(
                    item,
                    spec.shape(item) if isinstance(item, dict) else EMPTY_SHAPE,
                    child,
                    replacing,
                )
                for item in value
            ]
        elif role is Role.NESTED and isinstance(value, dict):
            assert isinstance(spec, Nested)
            result[key] = _replace(
                value, spec.shape(entity), child, replacing, entity if part_of is None else part_of
            )
        elif volatile:
            kept = rules.kept if rules.matters_below(child) else None
            result[key] = replacing.volatile.rewrite(value, key, placeholders.volatile, kept, child)
        else:
            result[key] = value
    return result


@dataclass(frozen=True)
class Normalizer:
    view: str
    ignore: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    volatile: tuple[str, ...] = ()  # the user's own patterns of volatile values

    def __post_init__(self) -> None:
        if self.view not in VIEW_SHAPES:
            raise ValueError(f"unknown view {self.view!r}; choose one of {sorted(VIEW_SHAPES)}")

    def __call__(self, data: list[Any]) -> list[Any]:
        shape_of = VIEW_SHAPES[self.view]
        rules = PathRules(DEFAULT_IGNORE[self.view] + self.ignore, self.keep)
        volatile = VolatileValues(self.volatile)
        items = [
            _drop(item, "", rules, shape_of(item) if isinstance(item, dict) else None)
            for item in data
        ]
        order = CanonicalOrder(items, shape_of, volatile)
        order.sort()
        placeholders = self._numbered(items, order)
        # Interchangeable entities follow the numbering of what they link to; numbering
        # again after that settles within two rounds (a link to a link).
        for _ in range(2):
            order.sort(placeholders.position)
            placeholders = self._numbered(items, order)
        replacing = _Replacing(placeholders, rules, volatile, order)
        return [
            _replace(item, shape_of(item) if isinstance(item, dict) else EMPTY_SHAPE, "", replacing)
            for item in items
        ]

    def _numbered(self, items: list[Any], order: CanonicalOrder) -> Placeholders:
        shape_of = VIEW_SHAPES[self.view]
        placeholders = Placeholders()
        _number(items, shape_of, placeholders)
        if order.holds_volatile_ids:
            _number_volatile(items, shape_of, placeholders, order)
        return placeholders


def normalize(
    view: str,
    data: list[Any],
    *,
    ignore: Iterable[str] = (),
    keep: Iterable[str] = (),
    volatile: Iterable[str] = (),
) -> list[Any]:
    """``data`` of ``view`` normalized for a snapshot; ``volatile`` names patterns of
    values that change on every run besides the built-in rules."""
    return Normalizer(view, tuple(ignore), tuple(keep), tuple(volatile))(data)
