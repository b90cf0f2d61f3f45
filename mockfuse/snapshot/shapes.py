"""Where the ids are in each snapshot view, and what kind of entity each one names.

A shape maps a key of an object to what its value is: an id that defines an entity, a
reference to one, a shared id (a session has no entity of its own, so every mention of it is
equal), or a list of nested entities with a shape of their own. Event bodies depend on their
event type, so a shape may also be computed from the object it describes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from mockfuse.langfuse.projection import entity_kind


@dataclass(frozen=True)
class IdField:
    kind: str
    role: Literal["define", "refer", "shared"]


@dataclass(frozen=True)
class Entities:
    """A list of entities, sorted into canonical order, each described by ``shape``."""

    shape: ShapeOf


@dataclass(frozen=True)
class Nested:
    """An object that is not an entity of its own but holds ids (an event's body)."""

    shape: ShapeOf


@dataclass(frozen=True)
class Derived:
    """A field the read API derives from time or the server (a latency, the project's id,
    a link into the web app) or repeats from elsewhere in the snapshot (an observation's
    copy of its trace's user, session, name and tags): left out unless kept."""


Spec = IdField | Entities | Nested | Derived
Shape = Mapping[str, Spec]
ShapeOf = Callable[[Mapping[str, Any]], Shape]


def _define(kind: str) -> IdField:
    return IdField(kind, "define")


def _refer(kind: str) -> IdField:
    return IdField(kind, "refer")


SESSION = IdField("session", "shared")
DATASET_RUN = IdField("dataset-run", "shared")
DERIVED = Derived()
# What an observation links to beyond the snapshot: ids a server makes (a user-defined
# model's, a prompt's), named alike wherever they recur.
MODEL = IdField("model", "shared")
PROMPT = IdField("prompt", "shared")
PRICING_TIER = IdField("pricing-tier", "shared")

SCORE: Shape = {
    "id": _define("score"),
    "traceId": _refer("trace"),
    "observationId": _refer("observation"),
    "sessionId": SESSION,
    "datasetRunId": DATASET_RUN,
}


def score_shape(_: Mapping[str, Any]) -> Shape:
    return SCORE


def observation_shape(_: Mapping[str, Any]) -> Shape:
    return OBSERVATION_VIEW


# An observation as an event carries it.
OBSERVATION: Shape = {
    "id": _define("observation"),
    "traceId": _refer("trace"),
    "parentObservationId": _refer("observation"),
}

# An observation as the read API shows it, in a trace's tree.
OBSERVATION_VIEW: Shape = {
    **OBSERVATION,
    "children": Entities(observation_shape),
    "modelId": MODEL,
    "promptId": PROMPT,
    "usagePricingTierId": PRICING_TIER,
    **dict.fromkeys(
        (
            "latency",
            "timeToFirstToken",
            "projectId",
            "isRootObservation",
            "usage",
            "userId",
            "sessionId",
            "traceName",
            "tags",
            "release",
        ),
        DERIVED,
    ),
}

TRACE: Shape = {
    "id": _define("trace"),
    "sessionId": SESSION,
    "observations": Entities(observation_shape),
    "scores": Entities(score_shape),
    "htmlPath": DERIVED,
    "latency": DERIVED,
}

TRACE_BODY: Shape = {"id": _define("trace"), "sessionId": SESSION}


def trace_shape(_: Mapping[str, Any]) -> Shape:
    return TRACE


def event_body_shape(event: Mapping[str, Any]) -> Shape:
    kind = entity_kind(str(event.get("type", "")))
    if kind == "trace":
        return TRACE_BODY
    if kind == "score":
        return SCORE
    return OBSERVATION


def event_shape(_: Mapping[str, Any]) -> Shape:
    return EVENT


EVENT: Shape = {"id": _define("event"), "body": Nested(event_body_shape)}

REQUEST: Shape = {"body": Nested(lambda _: {"batch": Entities(event_shape)})}


def request_shape(_: Mapping[str, Any]) -> Shape:
    return REQUEST


VIEW_SHAPES: dict[str, ShapeOf] = {
    "traces": trace_shape,
    "events": event_shape,
    "requests": request_shape,
}
