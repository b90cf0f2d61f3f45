"""The traces, observations and scores Langfuse builds from ingestion events.

Events are kept per entity (``body.id``) and merged lazily on read, so that storing an event
costs an append and the merge never depends on arrival order: an entity's events are applied
creates first, then updates, each by envelope timestamp (Langfuse's own batch order), ties
broken by envelope id. Later non-null fields win; ``metadata`` merges key by key and trace
``tags`` are a union; a trace's ``timestamp`` and an observation's ``startTime`` and
``traceId`` keep their first value, as Langfuse keeps them immutable.

Metadata reads back as Langfuse stores it, a map: a value that is not an object is kept as
``{"metadata": value}``, none as ``{}``, and a string value that is JSON text reads back
parsed (Langfuse keeps every value as a string and parses it on read). An observation or
score that names no environment has its trace's.

An observation or score may name a trace that was never created (LiteLLM's tests rewrite
ids that way, the legacy JS SDK sends a child before its trace): that trace still exists in
the projection, known only through what points at it, and nothing is dropped.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypedDict

from mockfuse import json_text
from mockfuse.langfuse.timestamps import normalize_timestamp, parse_timestamp, seconds_between
from mockfuse.langfuse.usage import (
    cost_details_from_body,
    merged_cost_details,
    merged_usage_details,
    usage_details_from_body,
    usage_from_body,
)


class Event(TypedDict):
    """An ingestion event in Langfuse's envelope: its own id, its type (``trace-create``,
    ``generation-update``, ...), when the client made it, and the entity's fields."""

    id: str
    type: str
    timestamp: str
    body: dict[str, Any]


Entity = dict[str, Any]


class EventRef(NamedTuple):
    """An accepted ingestion event kept as its place in the request's JSON text.

    A decoded event is a tree of dicts and lists several times its JSON size, and every one of
    them is walked by the garbage collector on each full collection; a reference is a tuple of
    atoms that the collector stops tracking. The event is decoded when read."""

    text: bytes  # the request body, as JSON text
    position: int  # the event's index in its ``batch``
    id: str
    type: str
    entity_id: object  # ``body.id``


StoredEvent = Event | EventRef


def event_id(event: StoredEvent) -> str:
    return event.id if isinstance(event, EventRef) else event["id"]


def _kind_and_entity(event: StoredEvent) -> tuple[str | None, object]:
    if isinstance(event, EventRef):
        return entity_kind(event.type), event.entity_id
    return entity_kind(event["type"]), event["body"].get("id")


def decode_stored(text: bytes) -> Any:
    """Stored JSON text decoded. It was decoded once already, when it arrived; how deep the
    decoder may nest depends on how deep the caller's stack is, so a decode that runs out of
    depth here is done again on a fresh thread's empty stack."""
    try:
        return json.loads(text)
    except RecursionError:
        result: list[Any] = []
        worker = threading.Thread(target=lambda: result.append(json.loads(text)))
        worker.start()
        worker.join()
        return result[0]


class EventReader:
    """Decodes stored events for one read, each request body once."""

    def __init__(self) -> None:
        self._batches: dict[int, list[Event]] = {}

    def __call__(self, event: StoredEvent) -> Event:
        if not isinstance(event, EventRef):
            return event
        batch = self._batches.get(id(event.text))
        if batch is None:
            batch = self._batches[id(event.text)] = decode_stored(event.text)["batch"]
        return batch[event.position]


TRACE_FIELDS = (
    "name",
    "externalId",
    "input",
    "output",
    "sessionId",
    "userId",
    "release",
    "version",
    "metadata",
    "tags",
    "public",
    "environment",
)
OBSERVATION_FIELDS = (
    "name",
    "endTime",
    "completionStartTime",
    "model",
    "modelParameters",
    "input",
    "output",
    "metadata",
    "level",
    "statusMessage",
    "parentObservationId",
    "version",
    "promptName",
    "promptVersion",
    "environment",
)
SCORE_FIELDS = (
    "name",
    "value",
    "dataType",
    "source",
    "comment",
    "metadata",
    "traceId",
    "observationId",
    "sessionId",
    "datasetRunId",
    "configId",
    "queueId",
    "environment",
)
TIMESTAMP_FIELDS = frozenset({"timestamp", "startTime", "endTime", "completionStartTime"})

_OBSERVATION_TYPE_BY_EVENT = {
    "span-create": "SPAN",
    "span-update": "SPAN",
    "generation-create": "GENERATION",
    "generation-update": "GENERATION",
    "event-create": "EVENT",
    **{
        f"{kind}-create": kind.upper()
        for kind in ("agent", "tool", "chain", "retriever", "evaluator", "embedding", "guardrail")
    },
}
_ENVIRONMENT = re.compile(r"^[a-z0-9_-]+$")
# Every leading "langfuse" prefix goes, as Langfuse's PublicEnvironmentName strips them.
_ENVIRONMENT_PREFIX = re.compile(r"^(?:langfuse[-_]?)+")


def entity_kind(event_type: str) -> str | None:
    """Which entity an event of ``event_type`` writes: trace, observation, score or none."""
    known = _KIND_BY_TYPE.get(event_type)
    return known if known is not None else _entity_kind(event_type)


def _entity_kind(event_type: str) -> str | None:
    if event_type == "trace-create":
        return "trace"
    if event_type == "score-create":
        return "score"
    if event_type in _OBSERVATION_TYPE_BY_EVENT or event_type.startswith("observation-"):
        return "observation"
    return None


# Looked up for every stored event.
_KIND_BY_TYPE = {
    event_type: kind
    for event_type in [*_OBSERVATION_TYPE_BY_EVENT, "trace-create", "score-create"]
    if (kind := _entity_kind(event_type)) is not None
}


def clean_environment(value: Any) -> str:
    """An environment name made valid: lower case, no ``langfuse`` prefix, else default.

    Ingestion refuses an invalid name per event, as Langfuse does, so what it stores is
    already valid; OpenTelemetry spans are answered before their attributes are judged, and
    mockfuse keeps them with their environment made valid rather than drop them."""
    if not isinstance(value, str):
        return "default"
    name = _ENVIRONMENT_PREFIX.sub("", value.lower())[:40]
    return name if _ENVIRONMENT.match(name) else "default"


@dataclass(slots=True)
class _EntityEvents:
    """One entity's events as they arrived, and the merged result while it is current.

    Events are put in merge order only when the entity is merged, on read: storing one stays
    an append, which is what a load test exercises."""

    events: list[StoredEvent] = field(default_factory=list)
    merged: Entity | None = None
    first_seen: int = 0


def _merge_order(event: Event) -> tuple[int, float, str]:
    is_update = 1 if str(event.get("type", "")).endswith("-update") else 0
    moment = parse_timestamp(event.get("timestamp"))
    return (is_update, moment.timestamp() if moment else 0.0, str(event.get("id")))


def metadata_record(value: Any) -> dict[str, Any]:
    """``metadata`` as the map Langfuse keeps: an object as it is, anything else under
    ``"metadata"``."""
    return value if isinstance(value, dict) else {"metadata": value}


# What a JSON text can start with, past the whitespace JSON.parse skips. A value that starts
# otherwise is shown as it is without asking the decoder, whose refusal (an exception that
# counts lines) costs 2.6 µs against 0.08: string attributes such as "python" and
# "opentelemetry" sit in every span's metadata.
_JSON_STARTS = frozenset('{["-0123456789tfn')


def _parsed_if_json(value: str) -> Any:
    if value.lstrip(" \t\n\r")[:1] not in _JSON_STARTS:
        return value
    try:
        return json_text.parse(value)  # NaN and Infinity are not JSON to JSON.parse
    except (ValueError, RecursionError):
        return value


def read_io(value: Any) -> Any:
    """An input or output as Langfuse's read API shows it: JSON text parsed."""
    return _parsed_if_json(value) if isinstance(value, str) else value


def read_metadata(record: dict[str, Any] | None) -> dict[str, Any]:
    """A metadata map as Langfuse's read API shows it: string values that are JSON parsed."""
    if not record:
        return {}
    return {
        key: _parsed_if_json(value) if isinstance(value, str) else value
        for key, value in record.items()
    }


def _merge_field(entity: Entity, name: str, value: Any) -> None:
    if value is None:
        return
    current = entity.get(name)
    if name == "metadata":
        entity[name] = {**(current or {}), **metadata_record(value)}
    elif name == "tags" and isinstance(current, list) and isinstance(value, list):
        entity[name] = current + [tag for tag in value if tag not in current]
    elif name in TIMESTAMP_FIELDS:
        entity[name] = normalize_timestamp(value)
    else:
        entity[name] = value


class Projection:
    """Merged entities of one tenant. Not thread-safe: the store serializes access."""

    def __init__(self) -> None:
        self._entities: dict[str, dict[str, _EntityEvents]] = {
            "trace": {},
            "observation": {},
            "score": {},
        }
        self._arrivals = 0
        self._traces: list[Entity] | None = None
        self._pending: deque[StoredEvent] = deque()

    def add_all(self, events: list[StoredEvent]) -> None:
        # Indexed by entity only when read: storing events is an append, which is what a
        # load test exercises.
        self._pending.extend(events)
        self._traces = None

    def _index_pending(self) -> None:
        while self._pending:
            event = self._pending.popleft()
            kind, entity_id = _kind_and_entity(event)
            if kind is None or not isinstance(entity_id, str):
                # Langfuse reports such events as successes but never queues them.
                continue
            self._arrivals += 1
            entities = self._entities[kind]
            record = entities.get(entity_id)
            if record is None:
                record = entities[entity_id] = _EntityEvents(first_seen=self._arrivals)
            record.events.append(event)
            record.merged = None

    def forget_merged(self) -> None:
        """Drop what reads merged, keeping the events: it is merged again at the next read.
        For a finished test's window, read again only if someone looks (the viewer), while
        the merged entities would stay in the heap that the collector walks for the rest of
        the session."""
        self._traces = None
        for entities in self._entities.values():
            for record in entities.values():
                record.merged = None

    def discard(self, event: StoredEvent) -> None:
        """Forget ``event`` (bounded retention evicts the oldest); an entity left with no
        events is gone."""
        self._traces = None
        if self._pending and self._pending[0] is event:  # the oldest, not yet indexed
            self._pending.popleft()
            return
        self._index_pending()
        kind, entity_id = _kind_and_entity(event)
        if kind is None or not isinstance(entity_id, str):
            return
        record = self._entities[kind].get(entity_id)
        if record is None:
            return
        record.events = [kept for kept in record.events if kept is not event]
        if not record.events:
            del self._entities[kind][entity_id]
        record.merged = None

    def _merged(self, kind: str) -> list[Entity]:
        builder = {
            "trace": self._merge_trace,
            "observation": self._merge_observation,
            "score": self._merge_score,
        }[kind]
        self._index_pending()
        result = []
        read = EventReader()
        for entity_id, record in self._entities[kind].items():
            if record.merged is None:
                in_order = sorted(map(read, record.events), key=_merge_order)
                record.merged = builder(entity_id, in_order)
                record.merged["_seen"] = record.first_seen
            result.append(record.merged)
        return result

    @staticmethod
    def _merge_trace(entity_id: str, events: list[Event]) -> Entity:
        trace: Entity = {"id": entity_id, "timestamp": None, "tags": []}
        for event in events:
            body = event["body"]
            if trace["timestamp"] is None:
                trace["timestamp"] = normalize_timestamp(
                    body.get("timestamp") or event["timestamp"]
                )
            for name in TRACE_FIELDS:
                if name == "environment" and trace.get(name) is not None:
                    continue  # immutable in Langfuse: the earliest event's stays
                _merge_field(trace, name, body.get(name))
        return _trace_defaults(trace)

    @staticmethod
    def _merge_observation(entity_id: str, events: list[Event]) -> Entity:
        observation: Entity = {"id": entity_id, "type": None, "traceId": None, "startTime": None}
        usage: dict[str, Any] | None = None
        usage_details: dict[str, int] | None = None
        cost_details: dict[str, float] | None = None
        for event in events:
            body = event["body"]
            event_type = event["type"]
            observed_type = _OBSERVATION_TYPE_BY_EVENT.get(event_type) or body.get("type")
            if observation["type"] is None or not event_type.endswith("-update"):
                observation["type"] = observation["type"] or observed_type
            if observation["traceId"] is None:
                observation["traceId"] = body.get("traceId")
            if observation["startTime"] is None:
                start = body.get("startTime") or event["timestamp"]
                observation["startTime"] = normalize_timestamp(start)
            for name in OBSERVATION_FIELDS:
                if name == "environment" and observation.get(name) is not None:
                    continue  # immutable in Langfuse: the earliest event's stays
                _merge_field(observation, name, body.get(name))
            usage = _overlay(usage, usage_from_body(body.get("usage")))
            usage_details = _overlay(
                usage_details, usage_details_from_body(body.get("usageDetails"))
            )
            cost_details = _overlay(cost_details, cost_details_from_body(body.get("costDetails")))
        observation["usage"] = usage
        observation["usageDetails"] = merged_usage_details(usage, usage_details)
        observation["costDetails"] = merged_cost_details(usage, cost_details)
        return _observation_defaults(observation)

    @staticmethod
    def _merge_score(entity_id: str, events: list[Event]) -> Entity:
        score: Entity = {"id": entity_id, "timestamp": None}
        for event in events:
            body = event["body"]
            if score["timestamp"] is None:
                score["timestamp"] = normalize_timestamp(
                    body.get("timestamp") or event["timestamp"]
                )
            for name in SCORE_FIELDS:
                _merge_field(score, name, body.get(name))
        # When the score was written and last rewritten, as Langfuse's read API reports it.
        score["createdAt"] = normalize_timestamp(events[0]["timestamp"])
        score["updatedAt"] = normalize_timestamp(events[-1]["timestamp"])
        return _score_defaults(score)

    def observations(self) -> list[Entity]:
        observations = self._merged("observation")
        _inherit_environment(observations, self._trace_environments())
        return sorted(observations, key=_start_order)

    def scores(self) -> list[Entity]:
        scores = self._merged("score")
        _inherit_environment(scores, self._trace_environments())
        return sorted(scores, key=lambda score: (score["timestamp"], score["_seen"]))

    def _trace_environments(self) -> dict[str, str]:
        return {trace["id"]: trace["environment"] for trace in self._merged("trace")}

    def traces(self) -> list[Entity]:
        """Every trace, created or only referred to, with its observations and scores.

        The result is shared until the next event arrives: callers copy before handing it out.
        """
        if self._traces is None:
            self._traces = self._build_traces()
        return self._traces

    def _build_traces(self) -> list[Entity]:
        observations = self.observations()
        scores = self.scores()
        traces = {trace["id"]: dict(trace) for trace in self._merged("trace")}
        for item in observations + scores:
            trace_id = item.get("traceId")
            if trace_id is not None and trace_id not in traces:
                traces[trace_id] = _implicit_trace(trace_id, item)
        for observation in observations:
            if observation["traceId"] is None:
                # Langfuse gives an observation without a trace a trace of its own.
                traces[observation["id"]] = _implicit_trace(observation["id"], observation)
        for trace in traces.values():
            trace["observations"] = []
            trace["scores"] = []
        for observation in observations:
            traces[observation["traceId"] or observation["id"]]["observations"].append(observation)
        for score in scores:
            if score.get("traceId") in traces:
                traces[score["traceId"]]["scores"].append(score)
        for trace in traces.values():
            if trace["timestamp"] is None:
                trace["timestamp"] = min(
                    (o["startTime"] for o in trace["observations"]),
                    default=min((s["timestamp"] for s in trace["scores"]), default=None),
                )
        return sorted(traces.values(), key=lambda t: (t["timestamp"] or "", t["_seen"]))


def _overlay(current: dict[str, Any] | None, update: dict[str, Any] | None) -> Any:
    if update is None:
        return current
    return {**(current or {}), **update}


def _start_order(observation: Entity) -> tuple[str, int]:
    return (observation["startTime"] or "", observation["_seen"])


def _implicit_trace(trace_id: str, referrer: Entity) -> Entity:
    trace: Entity = {
        "id": trace_id,
        "timestamp": None,
        "tags": [],
        "environment": referrer["environment"],
        "_seen": referrer["_seen"],
    }
    return _trace_defaults(trace)


def _trace_defaults(trace: Entity) -> Entity:
    for name in TRACE_FIELDS:
        trace.setdefault(name, None)
    trace["environment"] = clean_environment(trace["environment"])
    trace["metadata"] = read_metadata(trace["metadata"])
    trace["input"], trace["output"] = read_io(trace["input"]), read_io(trace["output"])
    trace["public"] = bool(trace["public"])
    trace["tags"] = trace["tags"] or []
    return trace


def _observation_defaults(observation: Entity) -> Entity:
    for name in OBSERVATION_FIELDS:
        observation.setdefault(name, None)
    observation["type"] = observation["type"] or "SPAN"
    observation["level"] = observation["level"] or "DEFAULT"
    observation["metadata"] = read_metadata(observation["metadata"])
    observation["input"] = read_io(observation["input"])
    observation["output"] = read_io(observation["output"])
    _set_aside_environment(observation)
    return observation


def _score_defaults(score: Entity) -> Entity:
    for name in SCORE_FIELDS:
        score.setdefault(name, None)
    value = score["value"]
    data_type = score["dataType"]
    if data_type is None:
        data_type = "CATEGORICAL" if isinstance(value, str) else "NUMERIC"
    score["dataType"] = data_type
    score["stringValue"] = None
    if isinstance(value, str):
        score["stringValue"], score["value"] = value, 0
    elif data_type == "BOOLEAN":
        score["stringValue"] = "True" if value == 1 else "False"
    score["source"] = score["source"] or "API"
    score["metadata"] = read_metadata(score["metadata"])
    score["authorUserId"] = None
    _set_aside_environment(score)
    return score


def _set_aside_environment(item: Entity) -> None:
    """The environment ``item`` named itself, if any; its ``environment`` is settled once its
    trace is known (see ``_inherit_environment``)."""
    named = item["environment"]
    item["_environment"] = None if named is None else clean_environment(named)
    item["environment"] = item["_environment"] or "default"


def _inherit_environment(items: list[Entity], environments: dict[str, str]) -> None:
    for item in items:
        own = item["_environment"]
        item["environment"] = own or environments.get(item["traceId"]) or "default"


def trace_latency(trace: Entity) -> float | None:
    """Langfuse's latency of a trace, in seconds: from its timestamp to the last end (or, for
    an observation not ended, start) of its observations; 0 without observations."""
    ends = [o["endTime"] or o["startTime"] for o in trace["observations"]]
    return seconds_between(trace["timestamp"], max(ends)) if ends else 0.0


def public_view(entity: Entity) -> Entity:
    """``entity`` without the projection's bookkeeping keys."""
    return {key: value for key, value in entity.items() if not key.startswith("_")}
