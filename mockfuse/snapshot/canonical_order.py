"""Canonical order: sort every list of entities so that no run-to-run accident shows.

Arrival order, batching, a client's concurrency and the ids themselves change from run to
run; the order must not. Entities are sorted by name and type, then by their content with
ids and timestamps masked. That leaves ties between entities that differ only in how they
link: two identical spans of which only one carries a score, two identical creates of which
only one gets an update. Those ties are broken by colour refinement, as graph
canonicalization does: each id gets a colour from the content of the items that define it,
then, for a few rounds, from the colours of what it links to and of what links to it.
Entities still tied after that are interchangeable; among them, the ones that link to
something follow the numbering of what they link to (``CanonicalOrder.sort(position)``).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mockfuse.snapshot.shapes import Entities, IdField, Nested, Shape, ShapeOf
from mockfuse.snapshot.volatile import ID_PLACEHOLDER, TIMESTAMP, VolatileValues

TIMESTAMP_KEYS = frozenset(
    {"timestamp", "startTime", "endTime", "completionStartTime", "createdAt", "updatedAt"}
)
VOLATILE_KIND = "id"  # the kind of a volatile id's placeholder: ``<id:1>``
REFINEMENT_ROUNDS = 3

IdKey = tuple[str, str]  # (kind, raw id)


@dataclass
class _Item:
    """One entity of a list, with the ids it defines and the ids it refers to."""

    name: str = ""
    kind: str = ""
    content: str = ""
    defines: list[IdKey] = field(default_factory=list)
    shares: list[IdKey] = field(default_factory=list)
    refers: list[tuple[str, IdKey]] = field(default_factory=list)
    co_defines: list[IdKey] = field(default_factory=list)
    volatile: _Volatile = field(default_factory=lambda: _Volatile())
    signature: str = ""


# One encoder for every call: json.dumps with options builds a new one each time, which
# costs more than the encoding itself for the small values hashed here.
_ENCODE = json.JSONEncoder(sort_keys=True, default=str).encode


def _digest(*parts: Any) -> str:
    return hashlib.blake2b(_ENCODE(parts).encode(), digest_size=12).hexdigest()


@dataclass
class _Volatile:
    """The volatile values of an entity's own fields (not those of its nested entities)."""

    ids: list[str] = field(default_factory=list)  # raw, in the order they stand
    any: bool = False  # whether any value (an id, a time, a port) is volatile


class _Masking:
    """Each entity's content with ids, timestamps and volatile values masked, and what was
    volatile in it, worked out once."""

    def __init__(self, volatile: VolatileValues) -> None:
        self._volatile = volatile
        self._done: dict[int, tuple[str, _Volatile]] = {}

    def content(self, entity: dict[str, Any], shape: Shape) -> tuple[str, _Volatile]:
        key = id(entity)
        done = self._done.get(key)
        if done is None:
            found = _Volatile()
            done = self._done[key] = (_ENCODE(self._masked(entity, shape, found)), found)
        return done

    def _masked(self, value: dict[str, Any], shape: Shape, found: _Volatile) -> dict[str, Any]:
        """``value`` masked, its entity lists in a content order."""
        masked: dict[str, Any] = {}
        for key, item in value.items():
            if item is None:
                continue
            spec = shape.get(key)
            if isinstance(spec, IdField) and isinstance(item, str):
                masked[key] = ID_PLACEHOLDER
            elif key in TIMESTAMP_KEYS and isinstance(item, str):
                masked[key] = TIMESTAMP
            elif isinstance(spec, Entities) and isinstance(item, list):
                masked[key] = sorted(
                    self.content(entry, spec.shape(entry))[0]
                    for entry in item
                    if isinstance(entry, dict)
                )
            elif isinstance(spec, Nested) and isinstance(item, dict):
                masked[key] = self._masked(item, spec.shape(value), found)
            else:
                masked[key] = self._volatile.mask(item, key, found.ids)
                found.any = found.any or masked[key] is not item
        return masked


class _Collector:
    def __init__(self, volatile: VolatileValues) -> None:
        self.items: dict[int, _Item] = {}
        self.masking = _Masking(volatile)
        self._volatile = volatile

    def collect(self, entities: list[Any], shape_of: ShapeOf) -> None:
        for entity in entities:
            if isinstance(entity, dict):
                shape = shape_of(entity)
                name, kind = entity.get("name"), entity.get("type")
                content, found = self.masking.content(entity, shape)
                item = self.items[id(entity)] = _Item(
                    name=self._volatile.mask(name, "name", []) if isinstance(name, str) else "",
                    kind=kind if isinstance(kind, str) else "",
                    content=content,
                    volatile=found,
                )
                self._fields(entity, shape, item, "")

    def _fields(self, value: dict[str, Any], shape: Shape, item: _Item, path: str) -> None:
        for key, spec in shape.items():
            found = value.get(key)
            if isinstance(spec, IdField) and isinstance(found, str):
                if spec.role == "refer":
                    item.refers.append((path + key, (spec.kind, found)))
                elif spec.role == "shared":
                    item.shares.append((spec.kind, found))
                else:
                    item.defines.append((spec.kind, found))
            elif isinstance(spec, Entities) and isinstance(found, list):
                self.collect(found, spec.shape)
            elif isinstance(spec, Nested) and isinstance(found, dict):
                self._fields(found, spec.shape(value), item, f"{path}{key}.")


def _refine(items: list[_Item]) -> None:
    """Give every item a signature that tells apart all it can from how it links."""
    definers: dict[IdKey, list[_Item]] = defaultdict(list)
    referrers: dict[IdKey, list[tuple[str, _Item]]] = defaultdict(list)
    for item in items:
        for key in item.defines + item.shares:
            definers[key].append(item)
        for path, key in item.refers:
            referrers[key].append((path, item))
        item.signature = item.content
    for item in items:
        item.co_defines = [key for key in item.defines if len(definers[key]) > 1]
    keys = set(definers) | set(referrers)
    # Interchangeable items give the same digest input many times over: each is hashed once.
    digests: dict[Any, str] = {}

    def digest(*parts: Any) -> str:
        memo_key = tuple(tuple(part) if isinstance(part, list) else part for part in parts)
        found = digests.get(memo_key)
        if found is None:
            found = digests[memo_key] = _digest(*parts)
        return found

    for _ in range(REFINEMENT_ROUNDS):
        colour = {
            key: digest(
                sorted(i.signature for i in definers.get(key, ())),
                sorted((path, i.signature) for path, i in referrers.get(key, ())),
            )
            for key in keys
        }
        for item in items:
            item.signature = digest(
                item.content,
                sorted(colour[key] for key in item.defines + item.shares),
                sorted((path, colour[key]) for path, key in item.refers),
            )


Position = Callable[[IdKey], tuple[int, int]]


class CanonicalOrder:
    """The canonical order of a view's entities: computed once, applied with ``sort``."""

    def __init__(self, entities: list[Any], shape_of: ShapeOf, volatile: VolatileValues) -> None:
        collector = _Collector(volatile)
        collector.collect(entities, shape_of)
        items = list(collector.items.values())
        # A volatile id links the entities that hold it as a shared id does; one that is
        # also a Langfuse id of the snapshot links to that entity.
        kinds = {raw: kind for item in items for kind, raw in item.defines}
        for item in items:
            item.shares.extend((kinds.get(raw, VOLATILE_KIND), raw) for raw in item.volatile.ids)
        _refine(items)
        self.holds_volatile_ids = any(item.volatile.ids for item in items)
        self._entities = entities
        self._shape_of = shape_of
        self._items = collector.items

    def volatile_ids(self, entity: Any) -> list[str]:
        """The volatile ids ``entity``'s own values hold, in the order they stand."""
        item = self._items.get(id(entity))
        return item.volatile.ids if item is not None else []

    def holds_volatile(self, entity: Any) -> bool:
        """Whether any of ``entity``'s own values is volatile."""
        item = self._items.get(id(entity))
        return item is not None and item.volatile.any

    def sort(self, position: Position | None = None) -> None:
        """Sort every entity list in place. ``position`` places the ids an entity links to;
        given it, entities that no content or link pattern tells apart (interchangeable
        ones) follow the numbering of what they link to, so that links read the same way
        however such entities arrived."""

        def key(entity: Any) -> tuple[Any, ...]:
            item = self._items.get(id(entity))
            if item is None:
                return ("", "", "", "", ())
            links = (
                tuple(position(key) for key in item.shares)
                + tuple(position(key) for _, key in item.refers)
                # Ids this item defines together with others (an update and its create),
                # numbered by whichever of them came first.
                + tuple(position(key) for key in item.co_defines)
                if position is not None
                else ()
            )
            return (item.name, item.kind, item.content, item.signature, links)

        _sort(self._entities, self._shape_of, key)


def _sort(entities: list[Any], shape_of: ShapeOf, key: Callable[[Any], tuple[Any, ...]]) -> None:
    for entity in entities:
        if isinstance(entity, dict):
            _sort_within(entity, shape_of(entity), key)
    entities.sort(key=key)


def _sort_within(
    value: dict[str, Any], shape: Shape, key: Callable[[Any], tuple[Any, ...]]
) -> None:
    for name, spec in shape.items():
        found = value.get(name)
        if isinstance(spec, Entities) and isinstance(found, list):
            _sort(found, spec.shape, key)
        elif isinstance(spec, Nested) and isinstance(found, dict):
            _sort_within(found, spec.shape(value), key)
