"""Everything mockfuse received, per tenant, and the waits that tests block on.

A tenant is a Langfuse public key, or (in a pytest session, whose tests share one key pair)
one test's window of that key: see ``mockfuse.capture.windows``. Each keeps the request log (every
request, answered or refused), the accepted ingestion events (deduplicated by envelope id,
because SDKs re-send a whole batch when one event of it failed) and the projection of those
events into traces, observations and scores.

The server thread writes and test threads read, so every access holds one lock. A request and
the events it carried are stored under one acquisition before the client gets its answer:
whatever a client saw acknowledged is already visible to the test. (What is stored may be the
request as it arrived, made into its log entry and events by the first read: work a load test
that never reads does not pay for. Every read makes them first, so no reader can tell.) Each
capture wakes the waiters, blocking and asyncio alike, so nothing polls.
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import contextlib
import dataclasses
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from yarl import URL

from mockfuse.capture import heap
from mockfuse.capture.journal import Journal
from mockfuse.capture.windows import Placement
from mockfuse.langfuse.models import ModelBook, calculated_costs
from mockfuse.langfuse.projection import (
    Entity,
    Event,
    EventReader,
    EventRef,
    Projection,
    StoredEvent,
    decode_stored,
    event_id,
    public_view,
)
from mockfuse.langfuse.score_configs import ScoreConfigBook


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
    def of(cls, value: Any, text: bytes | None) -> KeptJson:
        if text is not None:
            return cls(text=text)
        if isinstance(value, Deferred):
            return cls(deferred=value)
        return cls(value=value)


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

    @classmethod
    def fast(cls, **fields: Any) -> CapturedRequest:
        """A request built from every one of its fields, without the frozen dataclass's
        ``__init__``, which sets them one by one through ``object.__setattr__``: a third of
        the cost, on the path every request takes."""
        request = object.__new__(cls)
        request.__dict__.update(fields)
        return request

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
        }


# Makes an arrived batch's events, and the answer it got, again from its JSON text.
Remake = Callable[[bytes], tuple[Sequence[StoredEvent], bytes]]


class Arrival(NamedTuple):
    """A request kept as it arrived: its log entry and its events are made from these when its
    tenant is first read (see ``Store.capture_batch``). One tuple of what the request already
    holds is all that storing it costs the request."""

    seq: int
    received_at: float
    public_key: str | None
    method: str
    url: URL
    headers: Mapping[str, str]
    raw_body: bytes
    body_text: bytes
    status: int
    note: str | None
    events: int  # how many events the batch carried
    remake: Remake


@dataclass
class Tenant:
    name: str | None
    requests: list[CapturedRequest] = field(default_factory=list)
    events: list[StoredEvent] = field(default_factory=list)
    event_ids: set[str] = field(default_factory=set)
    projection: Projection = field(default_factory=Projection)
    # The events each request stored, so that evicting a request evicts them too.
    stored_by_request: dict[int, list[StoredEvent]] = field(default_factory=dict)
    evicted_requests: int = 0
    evicted_events: int = 0
    # Requests whose events are made when first read, oldest first (see ``capture``).
    pending: list[tuple[int, LaterEvents]] = field(default_factory=list)
    # Requests logged and stored when first read, oldest first; every one is newer than every
    # request in ``requests`` (see ``capture_batch``).
    arrivals: list[Arrival] = field(default_factory=list)


# Makes a request's events, and the note its log entry gets (None: it keeps its own).
LaterEvents = Callable[[], tuple[Sequence[StoredEvent], str | None]]


def _kept_events(
    events: list[StoredEvent], body: Any, body_text: bytes | None
) -> list[StoredEvent]:
    """``events``, those of ``body``'s batch as references into ``body_text``."""
    batch = body.get("batch") if isinstance(body, dict) else None
    if body_text is None or not isinstance(batch, list):
        return events
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


def _unmade(error: Exception) -> str:
    """The note of a request whose events could not be made later. They are made on someone
    else's read or request: the fault must cost neither that caller an answer nor the other
    requests their events, so it is noted on the request instead of raised."""
    return f"its events could not be made: {error!r}"


def _copy(data: Any) -> Any:
    # Captures are JSON by construction; a JSON round trip is the fastest deep copy of them.
    return json.loads(json.dumps(data))


class Store:
    """Captures of every tenant; safe to use from any thread."""

    def __init__(
        self,
        *,
        max_requests: int | None = None,
        journal: Journal | None = None,
        models: ModelBook | None = None,
        score_configs: ScoreConfigBook | None = None,
        settle_heap: bool = False,
    ) -> None:
        """``max_requests`` bounds each tenant's request log (and the events of the requests
        it drops), for a long-running ``serve``; ``journal`` receives every capture;
        ``models`` prices observations and ``score_configs`` fill in scores that name a
        config when they are read; with ``settle_heap`` (``serve``), the heap is settled
        every ``mockfuse.capture.heap.SETTLE_EVERY`` captures, so that collections stay short."""
        if max_requests is not None and max_requests < 1:
            raise ValueError("max_requests must be at least 1")
        self.max_requests = max_requests
        self.journal = journal
        self.models = models or ModelBook()
        self.score_configs = score_configs or ScoreConfigBook("mockfuse-project")
        self.settle_heap = settle_heap
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._tenants: dict[str | None, Tenant] = {}
        self._seq = 0
        # Bumped on every change, so a watcher (the viewer's live stream) can tell it missed one.
        self._generation = 0
        self._async_waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        # Threads in ``wait``: a capture wakes them, and with none skips the condition.
        self._sync_waiters = 0

    # -- writing ---------------------------------------------------------------------------

    def capture(
        self,
        *,
        public_key: str | None,
        tenant: str | None = None,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        raw_body: bytes,
        body: Any,
        status: int,
        response: Any,
        events: Iterable[StoredEvent] = (),
        note: str | None = None,
        body_text: bytes | None = None,
        response_text: bytes | None = None,
        events_later: LaterEvents | None = None,
        placement: Placement | None = None,
    ) -> CapturedRequest:
        """Log one request and store the events it carried, as one step.

        The request belongs to ``tenant`` (its ``public_key`` when not given); with
        ``placement``, each event goes to the tenant it names, and the request is logged in
        every tenant that got one of its events (see ``mockfuse.capture.windows``).

        ``body_text`` is the JSON text ``body`` was decoded from and ``response_text`` the
        answer as sent: given, they are kept instead of the decoded objects, and the events
        of the body's ``batch`` are kept as references into it.

        ``events_later`` makes the events when the tenant is first read instead (before any
        read, and before any later request stores its own, so order and dedupe are as if
        made now): an OTLP export is answered once it is decoded and checked, as Langfuse
        answers it, and its spans are mapped only when someone looks. A journal needs the
        events at once, and so does a placement, so with either they are made now."""
        events = list(events)
        if tenant is None:
            tenant = public_key
        if events_later is not None and (self.journal is not None or placement is not None):
            made, later_note = events_later()
            events, note, events_later = list(made), later_note or note, None
        with self._lock:
            if self.journal is not None:
                self.journal.append(
                    {
                        "public_key": public_key,
                        "method": method,
                        "path": path,
                        "query": query,
                        "headers": headers,
                        "raw_body": raw_body,
                        "body": KeptJson.of(body, body_text).get(),
                        "status": status,
                        "response": response,
                        "events": list(map(EventReader(), events)),
                        "note": note,
                    }
                )
            request = CapturedRequest.fast(
                seq=self._next_seq(),
                received_at=time.time(),
                public_key=public_key,
                method=method,
                path=path,
                query=query,
                headers=headers,
                raw_body=raw_body,
                kept_body=KeptJson.of(body, body_text),
                status=status,
                kept_response=KeptJson.of(response, response_text),
                note=note,
            )
            placed = placement(events) if placement is not None and events else []
            for name, group in placed or [(tenant, events)]:
                kept = self._tenant(name)
                if kept.arrivals:
                    # They came first, so they are logged first, after the exports before
                    # them, whose events are made first: settling does both, in that order.
                    self._settle(kept)
                kept.requests.append(request)
                if events_later is not None:
                    kept.pending.append((request.seq, events_later))
                else:
                    if kept.pending:
                        self._settle(kept)
                    self._store_events(kept, request.seq, _kept_events(group, body, body_text))
                if self.max_requests is not None:
                    self._evict(kept, self.max_requests)
            self._notify()
        return request

    def capture_batch(
        self,
        *,
        public_key: str | None,
        tenant: str | None,
        method: str,
        url: URL,
        headers: Mapping[str, str],
        raw_body: bytes,
        body_text: bytes,
        status: int,
        note: str | None,
        events: int,
        remake: Remake,
    ) -> None:
        """Log a request whose answer and events ``remake`` makes again from ``body_text``
        (an ingestion batch the fast path accepted, ``events`` events), as ``capture`` would,
        except that its log entry and events are made when its tenant is first read.

        Whatever reads a tenant makes them first, so a test sees exactly what ``capture``
        would have stored; the request itself only pays for one tuple. A load test that
        never reads pays nothing more, and with ``max_requests`` its oldest requests are
        dropped as they were kept. A journal, or a test window that places the events, needs
        them at once: use ``capture`` then."""
        with self._lock:
            kept = self._tenant(tenant)
            kept.arrivals.append(
                tuple.__new__(  # Arrival's own __new__ is a Python call; this path is per request
                    Arrival,
                    (
                        self._next_seq(),
                        time.time(),
                        public_key,
                        method,
                        url,
                        headers,
                        raw_body,
                        body_text,
                        status,
                        note,
                        events,
                        remake,
                    ),
                )
            )
            if self.max_requests is not None:
                self._evict(kept, self.max_requests)
            self._notify()

    def _next_seq(self) -> int:
        """The next request's sequence number; every ``SETTLE_EVERY`` requests, with
        ``settle_heap``, the heap is settled first. The caller holds the lock."""
        self._seq += 1
        if self.settle_heap and self._seq % heap.SETTLE_EVERY == 0:
            heap.settle()
        return self._seq

    def _admit_arrivals(self, tenant: Tenant) -> None:
        """Log the tenant's arrivals and store their events, oldest first."""
        arrivals, tenant.arrivals = tenant.arrivals, []
        for arrival in arrivals:
            note = arrival.note
            try:
                events, response_text = arrival.remake(arrival.body_text)
                kept_response = KeptJson(text=response_text)
            except Exception as error:  # made on a reader's call: see _unmade
                events, kept_response, note = [], KeptJson(), _unmade(error)
            request = CapturedRequest.fast(
                seq=arrival.seq,
                received_at=arrival.received_at,
                public_key=arrival.public_key,
                method=arrival.method,
                path=arrival.url.path,
                query=dict(arrival.url.query),
                headers=dict(arrival.headers),
                raw_body=arrival.raw_body,
                kept_body=KeptJson(text=arrival.body_text),
                status=arrival.status,
                kept_response=kept_response,
                note=note,
            )
            tenant.requests.append(request)
            self._store_events(tenant, arrival.seq, list(events))

    @staticmethod
    def _store_events(tenant: Tenant, seq: int, events: list[StoredEvent]) -> None:
        known = tenant.event_ids
        ids = list(map(event_id, events))
        if known.isdisjoint(ids):  # the usual case: every event is new
            fresh = events
        else:
            fresh = [event for event, id_ in zip(events, ids, strict=True) if id_ not in known]
        known.update(ids)  # the ids not fresh were known already
        if fresh:
            tenant.events.extend(fresh)
            tenant.projection.add_all(fresh)
            tenant.stored_by_request[seq] = fresh

    def _settle(self, tenant: Tenant) -> Tenant:
        """Make the events of the tenant's requests that left them for later, oldest first,
        then log its arrivals (which came after every logged request)."""
        pending, tenant.pending = tenant.pending, []
        for seq, later in pending:
            try:
                events, note = later()
            except Exception as error:
                events, note = [], _unmade(error)
            if note is not None:
                position = bisect.bisect_left(tenant.requests, seq, key=lambda r: r.seq)
                request = tenant.requests[position]
                tenant.requests[position] = dataclasses.replace(request, note=note)
            self._store_events(tenant, seq, list(events))
        if tenant.arrivals:
            self._admit_arrivals(tenant)
        return tenant

    def _settled(self, tenant: str | None) -> Tenant | None:
        """The tenant, with every event of its requests made; the caller holds the lock."""
        found = self._tenants.get(tenant)
        return None if found is None else self._settle(found)

    @staticmethod
    def _evict(tenant: Tenant, keep: int) -> None:
        """Drop the oldest requests past ``keep``, with their events. Evicting in steps of a
        hundredth of ``keep`` keeps the cost per request O(1), and each step short enough
        not to show in answer latencies (a tenth stalled answers for over a millisecond). A
        request whose events were left for later and never read goes without making them:
        an export's are not counted, an arrival's are counted as the batch carried them
        (duplicates of earlier events too, which storing would have dropped)."""
        logged, arrived = len(tenant.requests), len(tenant.arrivals)
        if logged + arrived <= keep + max(1, keep // 100):
            return
        excess = logged + arrived - keep
        if excess > logged:  # every logged request goes, and the oldest arrivals after them
            gone = tenant.arrivals[: excess - logged]
            del tenant.arrivals[: excess - logged]
            tenant.evicted_requests += len(gone)
            tenant.evicted_events += sum(arrival.events for arrival in gone)
        dropped = tenant.requests[:excess]
        if not dropped:
            return
        del tenant.requests[:excess]
        newest_dropped = dropped[-1].seq
        tenant.pending = [entry for entry in tenant.pending if entry[0] > newest_dropped]
        evicted = [
            event for request in dropped for event in tenant.stored_by_request.pop(request.seq, ())
        ]
        for event in evicted:
            tenant.event_ids.discard(event_id(event))
            tenant.projection.discard(event)
        # Events are appended request by request, so the oldest requests' events lead the list.
        del tenant.events[: len(evicted)]
        tenant.evicted_requests += len(dropped)
        tenant.evicted_events += len(evicted)

    def clear(self, tenant: str | None = None, *, all_tenants: bool = False) -> None:
        """Forget one tenant's captures, or every tenant's."""
        with self._lock:
            if all_tenants:
                self._tenants.clear()
            else:
                self._tenants.pop(tenant, None)
            self._notify()

    def _tenant(self, name: str | None) -> Tenant:
        tenant = self._tenants.get(name)
        if tenant is None:
            tenant = self._tenants[name] = Tenant(name)
        return tenant

    # -- reading ---------------------------------------------------------------------------

    def tenants(self) -> list[str | None]:
        """Every tenant with captures, oldest first."""
        with self._lock:
            return list(self._tenants)

    def arrived_since(self, moment: float) -> list[tuple[str | None, CapturedRequest]]:
        """Every request that arrived at ``moment`` or later, with a tenant it is logged in,
        in arrival order: what a test that waited in vain can be told about."""
        with self._lock:
            found: dict[int, tuple[str | None, CapturedRequest]] = {}
            for name, tenant in self._tenants.items():
                for captured in reversed(self._settle(tenant).requests):
                    if captured.received_at < moment:
                        break
                    found.setdefault(captured.seq, (name, captured))
            return [found[seq] for seq in sorted(found)]

    def request(self, seq: int) -> CapturedRequest | None:
        """One logged request by its sequence number, whichever tenant it belongs to."""
        with self._lock:
            for tenant in self._tenants.values():
                for captured in reversed(self._settle(tenant).requests):
                    if captured.seq == seq:
                        return captured
            return None

    def requests(self, tenant: str | None) -> list[CapturedRequest]:
        with self._lock:
            kept = self._settled(tenant)
            return list(kept.requests) if kept else []

    def events(self, tenant: str | None) -> list[Event]:
        with self._lock:
            kept = self._settled(tenant)
            if kept is None:
                return []
            return _copy(list(map(EventReader(), kept.events)))  # type: ignore[no-any-return]

    def traces(self, tenant: str | None, *, newest: int | None = None) -> list[Entity]:
        """Merged traces in time order, each with its ``observations`` and ``scores``; with
        ``newest``, only that many of the latest (copying just those)."""
        with self._lock:
            kept = self._settled(tenant)
            if kept is None:
                return []
            merged = kept.projection.traces()
            if newest is not None:
                merged = merged[-newest:] if newest > 0 else []
            traces = [
                {
                    **public_view(trace),
                    "observations": [public_view(o) for o in trace["observations"]],
                    "scores": [public_view(s) for s in trace["scores"]],
                }
                for trace in merged
            ]
            copied: list[Entity] = _copy(traces)
        for trace in copied:
            self._price(tenant, trace["observations"])
            self._inflate(tenant, trace["scores"])
        return copied

    def observations(self, tenant: str | None) -> list[Entity]:
        with self._lock:
            kept = self._settled(tenant)
            if kept is None:
                return []
            observations: list[Entity] = _copy(
                [public_view(o) for o in kept.projection.observations()]
            )
        self._price(tenant, observations)
        return observations

    def _price(self, tenant: str | None, observations: list[Entity]) -> None:
        """Costs as Langfuse records them: the client's, else priced by the matching model.
        Done on read, so a model defined after its generations arrived prices them too."""
        for observation in observations:
            model = self.models.match(tenant, observation["model"], observation["startTime"])
            observation["costDetails"] = calculated_costs(
                observation["usageDetails"], observation["costDetails"], model
            )

    def _inflate(self, tenant: str | None, scores: list[Entity]) -> None:
        """Scores that name a config as Langfuse stores them (see
        ``mockfuse.langfuse.score_configs``)."""
        for score in scores:
            self.score_configs.inflate(tenant, score)

    def scores(self, tenant: str | None) -> list[Entity]:
        with self._lock:
            kept = self._settled(tenant)
            if kept is None:
                return []
            scores: list[Entity] = _copy([public_view(s) for s in kept.projection.scores()])
        self._inflate(tenant, scores)
        return scores

    def evicted(self, tenant: str | None) -> dict[str, int]:
        """How many requests and events a tenant's bounded retention dropped."""
        with self._lock:
            kept = self._settled(tenant)
            return {
                "evicted_requests": kept.evicted_requests if kept else 0,
                "evicted_events": kept.evicted_events if kept else 0,
            }

    def counts(self, tenant: str | None, *, traces: bool = True) -> dict[str, int]:
        """How many requests, events and (unless ``traces`` is false: counting them merges
        the projection) traces a tenant has; cheap enough to call per wake."""
        with self._lock:
            kept = self._settled(tenant)
            if kept is None:
                counted = {"requests": 0, "events": 0, "traces": 0}
            else:
                counted = {
                    "requests": len(kept.requests),
                    "events": len(kept.events),
                    "traces": len(kept.projection.traces()) if traces else 0,
                }
            if not traces:
                del counted["traces"]
            return counted

    # -- waiting ---------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        """How many changes the store has seen; grows with every capture and clear."""
        return self._generation

    def _notify(self) -> None:
        self._generation += 1
        if self._sync_waiters:
            self._changed.notify_all()
        if not self._async_waiters:
            return
        for loop, wake in list(self._async_waiters):
            try:
                loop.call_soon_threadsafe(wake.set)
            except RuntimeError:  # that waiter's loop is closed; it will not wait again
                self._async_waiters.discard((loop, wake))

    def wait(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Block until ``condition()`` holds, re-checking after every capture."""
        deadline = time.monotonic() + timeout
        with self._changed:
            self._sync_waiters += 1
            try:
                while not condition():
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._changed.wait(remaining)
            finally:
                self._sync_waiters -= 1
        return True

    async def wait_async(self, condition: Callable[[], bool], timeout: float) -> bool:
        """``wait`` for asyncio code: the caller's event loop keeps running meanwhile."""
        loop = asyncio.get_running_loop()
        wake = asyncio.Event()
        waiter = (loop, wake)
        with self._lock:
            self._async_waiters.add(waiter)
        try:
            deadline = loop.time() + timeout
            while True:
                wake.clear()
                with self._lock:
                    if condition():
                        return True
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return False
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(wake.wait(), remaining)
        finally:
            with self._lock:
                self._async_waiters.discard(waiter)
