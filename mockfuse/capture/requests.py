"""One request into the store: ``Arrival``, what the store keeps of a request as it came in,
and ``CapturedRequest``, the request log's entry that a read makes of it.

Every request enters the store the same way, as an ``Arrival`` whose ``make`` gives its
events (and, where it keeps them for later, its answer and note). A tenant's arrivals are
settled in sequence at its next read: each becomes its log entry and stores its events. What
``make`` does is the route's business: hand back events it already judged (most routes), map
an export's spans (OTLP), or judge a batch again from its text (ingestion's fast path): work a
load test that never reads never pays for.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from mockfuse.langfuse.ingestion.marks import Mark
from mockfuse.langfuse.projection import EventRef, StoredEvent, decode_stored


class Deferred(NamedTuple):
    """A request body the route can rebuild from bytes it keeps anyway: built when read."""

    build: Callable[[], Any]


class KeptJson(NamedTuple):
    """A JSON value as it was decoded, or as its text, decoded again on each read, or built
    when read: a stored request costs its bytes, not the objects they decode into."""

    value: Any = None
    text: bytes | None = None
    deferred: Deferred | None = None

    def get(self) -> Any:
        if self.text is not None:
            return decode_stored(self.text)
        if self.deferred is not None:
            return self.deferred.build()
        return self.value

    @classmethod
    def of(cls, value: Any, text: bytes | None = None) -> KeptJson:
        if text is not None:
            return cls(text=text)
        if isinstance(value, Deferred):
            return cls(deferred=value)
        return cls(value=value)


NOTHING = KeptJson()  # no body, or no answer


@dataclass(frozen=True)
class CapturedRequest:
    """One HTTP request as it arrived, with the answer mockfuse gave."""

    seq: int
    received_at: float
    public_key: str | None
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw_body: bytes
    kept_body: KeptJson
    status: int
    kept_response: KeptJson
    note: str | None = None
    # Whether a fault rule the test set (``mockfuse.fail``) gave the answer.
    faulted: bool = False

    @property
    def body(self) -> Any:
        """The body decoded: JSON, or the spans of a protobuf export (decoded afresh on each
        read when kept as bytes, so changing it changes nothing stored)."""
        return self.kept_body.get()

    @property
    def response(self) -> Any:
        """The JSON mockfuse answered with."""
        return self.kept_response.get()

    def header(self, name: str) -> str | None:
        """A header by name, case-insensitive, matching ``-`` and ``_`` alike (SDK 2.x
        spells its headers ``x_langfuse_sdk_name``)."""
        wanted = name.lower().replace("_", "-")
        for key, value in self.headers.items():
            if key.lower().replace("_", "-") == wanted:
                return value
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "received_at": self.received_at,
            "public_key": self.public_key,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.body,
            "raw_body_base64": base64.b64encode(self.raw_body).decode("ascii"),
            "status": self.status,
            "response": self.response,
            "note": self.note,
            "faulted": self.faulted,
        }


class Made(NamedTuple):
    """What an arrival's ``make`` gives: its events, and the answer and note its log entry
    gets where they were left for later (None: the ones it arrived with)."""

    events: Sequence[StoredEvent]
    response: KeptJson | None = None
    note: str | None = None
    # When each event's record happened and its trace, where the events cannot tell as
    # precisely as the request did (an export's spans carry nanoseconds, its events the
    # milliseconds Langfuse keeps); None: read from the events (see mockfuse.capture.windows).
    marks: Sequence[Mark] | None = None


Make = Callable[[], Made]


class Url(Protocol):
    """What the store reads of a request's URL: its query, when the request is settled. The
    route hands over its framework's URL as it is (aiohttp's ``rel_url``): reading the query
    at once would cost a request 1 µs that a load test never reads (timeit, aiohttp 3.x)."""

    @property
    def query(self) -> Mapping[str, str]: ...


class Query(NamedTuple):
    """A ``Url`` that is only its query (a request given field by field)."""

    query: Mapping[str, str]


def made(events: Sequence[StoredEvent]) -> Make:
    """The ``make`` of a request whose events the route has already judged."""
    ready = Made(events)
    return lambda: ready


@dataclass(slots=True)
class Arrival:
    """A request as it came in: everything the store keeps of it until its tenant is read.

    A plain slotted dataclass: built once per request, it costs about 0.2 µs, as little as a
    tuple (timeit, 12 fields), so no constructor tricks are needed on this path."""

    received_at: float
    public_key: str | None
    method: str
    path: str
    url: Url
    headers: Mapping[str, str]
    raw_body: bytes
    body: KeptJson
    status: int
    response: KeptJson
    note: str | None
    # How many events the request carries as far as is known when it arrives (the batch's
    # size; 0 for an export, whose spans are not counted): what retention counts as dropped
    # when the request goes unread.
    carries: int
    make: Make
    # Numbered by the store as it admits the request.
    seq: int = 0
    faulted: bool = False

    def made_now(self) -> tuple[Arrival, Made]:
        """This arrival with its events made (for a journal, or to place them in test
        windows, which need them as they arrive), and what was made."""
        result = _make(self)
        return self.with_events(result.events, result), result

    def with_events(self, events: Sequence[StoredEvent], result: Made) -> Arrival:
        """This arrival carrying ``events`` of what was made of it (a test window's share)."""
        return Arrival(
            self.received_at,
            self.public_key,
            self.method,
            self.path,
            self.url,
            self.headers,
            self.raw_body,
            self.body,
            self.status,
            self.response if result.response is None else result.response,
            result.note or self.note,
            len(events),
            made(events),
            self.seq,
            self.faulted,
        )

    def settle(self) -> tuple[CapturedRequest, Sequence[StoredEvent]]:
        """The log entry of this arrival, and the events it stores."""
        result = _make(self)
        request = CapturedRequest(
            seq=self.seq,
            received_at=self.received_at,
            public_key=self.public_key,
            method=self.method,
            path=self.path,
            query=dict(self.url.query),
            headers=dict(self.headers),
            raw_body=self.raw_body,
            kept_body=self.body,
            status=self.status,
            kept_response=self.response if result.response is None else result.response,
            note=result.note or self.note,
            faulted=self.faulted,
        )
        return request, result.events


def _make(arrival: Arrival) -> Made:
    """What ``arrival.make()`` gives, or, where it fails, no events and a note that says why.
    Events are made on someone else's read or request: the fault must cost neither that
    caller an answer nor the other requests their events, so it is noted, not raised."""
    try:
        return arrival.make()
    except Exception as error:
        return Made((), NOTHING, f"its events could not be made: {error!r}")


def kept_events(
    events: Sequence[StoredEvent], body: Any, body_text: bytes | None
) -> list[StoredEvent]:
    """``events``, those of ``body``'s batch as references into ``body_text``, the JSON text
    it was decoded from: a stored event then costs its bytes, not a tree of objects."""
    batch = body.get("batch") if isinstance(body, dict) else None
    if body_text is None or not isinstance(batch, list):
        return list(events)
    position = {id(event): index for index, event in enumerate(batch)}
    kept: list[StoredEvent] = []
    for event in events:
        index = position.get(id(event))
        if index is None or isinstance(event, EventRef):  # not one of the batch's own dicts
            kept.append(event)
        else:
            entity_id = event["body"].get("id")
            kept.append(EventRef(body_text, index, event["id"], event["type"], entity_id))
    return kept
