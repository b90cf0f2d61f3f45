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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mockfuse.snapshot.canonical_order import MASKED_TIMESTAMP, TIMESTAMP_KEYS, CanonicalOrder
from mockfuse.snapshot.shapes import VIEW_SHAPES, Entities, IdField, Nested, Shape, ShapeOf
from mockfuse.timestamps import parse_timestamp

TIMESTAMP = MASKED_TIMESTAMP
ENDS_BEFORE_START = "<timestamp: ends before it starts>"

# SDK bookkeeping, dropped unless kept: it changes with SDK versions, keys and batching, and
# SDK 2.x fills ``release`` from CI variables such as GITHUB_SHA.
DEFAULT_IGNORE: dict[str, tuple[str, ...]] = {
    "traces": ("release",),
    "events": ("body.release",),
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
        self._ignore = _compile(ignore)
        self._keep = _compile(keep)
        self._children: dict[str, dict[str, tuple[str, Verdict]]] = {}

    def kept(self, path: str) -> bool:
        return self._keep is not None and self._keep.match(path) is not None

    def dropped(self, path: str) -> bool:
        return (
            self._ignore is not None
            and self._ignore.match(path) is not None
            and not self.kept(path)
        )

    def children(self, path: str) -> dict[str, tuple[str, Verdict]]:
        """The path and verdict of each key under ``path`` seen so far; ``child`` adds one."""
        known = self._children.get(path)
        if known is None:
            known = self._children[path] = {}
        return known

    def child(self, path: str, key: str) -> tuple[str, Verdict]:
        child = _join(path, key)
        verdict = Verdict.DROP if self.dropped(child) else Verdict.WALK
        if verdict is Verdict.WALK and self.kept(child):
            verdict = Verdict.KEEP
        self._children[path][key] = (child, verdict)
        return child, verdict


class Verdict(enum.Enum):
    WALK = "walk"  # keep the key, and look at what is under it
    KEEP = "keep"  # keep the key and everything under it as it is
    DROP = "drop"


def _compile(globs: Iterable[str]) -> re.Pattern[str] | None:
    patterns = [fnmatch.translate(glob) for glob in globs]
    return re.compile("|".join(patterns)) if patterns else None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# -- 1. drop ---------------------------------------------------------------------------------


def _drop(value: Any, path: str, rules: PathRules) -> Any:
    """A copy of ``value`` without the dropped paths."""
    if isinstance(value, dict):
        copy: dict[str, Any] = {}
        children = rules.children(path)
        for key, item in value.items():
            known = children.get(key)
            child, verdict = known if known is not None else rules.child(path, key)
            if verdict is Verdict.WALK:
                copy[key] = _drop(item, child, rules) if isinstance(item, (dict, list)) else item
            elif verdict is Verdict.KEEP:
                copy[key] = item
        return copy
    if isinstance(value, list):
        return [_drop(item, path, rules) for item in value]
    return value


# -- 3. number -------------------------------------------------------------------------------


class Placeholders:
    """The placeholder of every id, numbered per kind in the order ids are defined."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, str], str] = {}
        self._counts: Counter[str] = Counter()

    def _name(self, kind: str, raw: str) -> str:
        key = (kind, raw)
        if key not in self._names:
            self._counts[kind] += 1
            self._names[key] = f"<{kind}:{self._counts[kind]}>"
        return self._names[key]

    def define(self, kind: str, raw: str) -> None:
        self._name(kind, raw)

    def position(self, key: tuple[str, str]) -> tuple[int, int]:
        """Where an id stands in the numbering: (0, n) for ``<kind:n>``, after all of them
        when it is not numbered (a missing reference)."""
        name = self._names.get(key)
        return (0, int(name[name.rindex(":") + 1 : -1])) if name else (1, 0)

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


def _replace(
    entity: Any, shape: Shape, path: str, placeholders: Placeholders, rules: PathRules
) -> Any:
    if not isinstance(entity, dict):
        return entity
    result: dict[str, Any] = {}
    for key, value in entity.items():
        child = _join(path, key)
        spec = shape.get(key)
        if value is None:
            continue  # absent and null mean the same to Langfuse; SDKs differ in which they send
        if rules.kept(child):
            result[key] = value
        elif isinstance(spec, IdField) and isinstance(value, str):
            result[key] = placeholders.of(spec, value)
        elif key in TIMESTAMP_KEYS and isinstance(value, str):
            result[key] = _timestamp(entity, key, value)
        elif isinstance(spec, Entities) and isinstance(value, list):
            result[key] = [
                _replace(
                    item,
                    spec.shape(item) if isinstance(item, dict) else {},
                    child,
                    placeholders,
                    rules,
                )
                for item in value
            ]
        elif isinstance(spec, Nested) and isinstance(value, dict):
            result[key] = _replace(value, spec.shape(entity), child, placeholders, rules)
        else:
            result[key] = value
    return result


@dataclass(frozen=True)
class Normalizer:
    view: str
    ignore: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.view not in VIEW_SHAPES:
            raise ValueError(f"unknown view {self.view!r}; choose one of {sorted(VIEW_SHAPES)}")

    def __call__(self, data: list[Any]) -> list[Any]:
        shape_of = VIEW_SHAPES[self.view]
        rules = PathRules(DEFAULT_IGNORE[self.view] + self.ignore, self.keep)
        items: list[Any] = _drop(data, "", rules)
        order = CanonicalOrder(items, shape_of)
        order.sort()
        placeholders = Placeholders()
        _number(items, shape_of, placeholders)
        # Interchangeable entities follow the numbering of what they link to; numbering
        # again after that settles within two rounds (a link to a link).
        for _ in range(2):
            order.sort(placeholders.position)
            placeholders = Placeholders()
            _number(items, shape_of, placeholders)
        return [
            _replace(
                item, shape_of(item) if isinstance(item, dict) else {}, "", placeholders, rules
            )
            for item in items
        ]


def normalize(
    view: str, data: list[Any], *, ignore: Iterable[str] = (), keep: Iterable[str] = ()
) -> list[Any]:
    """``data`` of ``view`` normalized for a snapshot."""
    return Normalizer(view, tuple(ignore), tuple(keep))(data)
