"""Everything mockfuse received, per tenant, and the waits that tests block on.

A tenant is a Langfuse public key, or (in a pytest session, whose tests share one key pair)
one test's window of that key: see ``mockfuse.capture.windows``. Each keeps the request log
(every request, answered or refused), the accepted ingestion events (deduplicated by envelope
id, because SDKs re-send a whole batch when one event of it failed) and the projection of
those events into traces, observations and scores.

Every request enters one way, ``Store.admit``: it is numbered and kept as it arrived
(``mockfuse.capture.requests.Arrival``) before the client gets its answer, so whatever a
client saw acknowledged is visible to the test. Every read first settles the tenant: its
arrivals, in sequence, become log entries and store their events. No reader can tell a
request settled at once from one settled at the read.

The server thread writes and test threads read, so every access holds one lock. Each
admission wakes the waiters, blocking and asyncio alike, so nothing polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mockfuse import json_text
from mockfuse.capture import heap
from mockfuse.capture.journal import Journal
from mockfuse.capture.requests import Arrival, CapturedRequest, KeptJson, Made, Query, made
from mockfuse.capture.windows import Placement
from mockfuse.langfuse.models import ModelBook, calculated_costs
from mockfuse.langfuse.projection import (
    Entity,
    Event,
    EventReader,
    Projection,
    StoredEvent,
    event_id,
    public_view,
)
from mockfuse.langfuse.score_configs import ScoreConfigBook


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
    # Requests admitted and not yet settled, oldest first; every one is newer than every
    # request in ``requests``.
    arrivals: list[Arrival] = field(default_factory=list)


class Store:
    """Captures of every tenant; safe to use from any thread."""

    def __init__(
        self,
        *,
        max_requests: int | None = None,
        journal: Journal | None = None,
        models: ModelBook | None = None,
        score_configs: ScoreConfigBook | None = None,
        freeze_heap: bool = False,
    ) -> None:
        """``max_requests`` bounds each tenant's request log (and the events of the requests
        it drops), for a long-running ``serve``; ``journal`` receives every capture;
        ``models`` prices observations and ``score_configs`` fill in scores that name a
        config when they are read; with ``freeze_heap`` (``serve``), the heap's survivors are frozen
        every ``mockfuse.capture.heap.FREEZE_EVERY`` captures, so that collections stay short."""
        if max_requests is not None and max_requests < 1:
            raise ValueError("max_requests must be at least 1")
        self.max_requests = max_requests
        self.journal = journal
        self.models = models or ModelBook()
        self.score_configs = score_configs or ScoreConfigBook("mockfuse-project")
        self.freeze_heap = freeze_heap
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

    def admit(
        self, arrival: Arrival, tenant: str | None, placement: Placement | None = None
    ) -> None:
        """Keep one request as it arrived, for ``tenant``; it is settled at the tenant's
        next read. With ``placement`` (a key whose tests each have a window: see
        ``mockfuse.capture.windows``), its events are made now and each goes to the tenant
        that placement names; the request is kept in every tenant that got one of them. A
        journal records the request with its events before it is answered."""
        with self._lock:
            arrival.seq = self._next_seq()
            if self.journal is None and placement is None:
                self._keep(tenant, arrival)
            else:
                arrival, result = arrival.made_now()
                if self.journal is not None:
                    self._journal(self.journal, arrival, result)
                events = list(result.events)
                groups = placement(events, result.marks) if placement is not None and events else []
                if not groups:
                    self._keep(tenant, arrival)
                for name, group in groups:
                    self._keep(name, arrival.with_events(group, result))
            self._notify()

    def _keep(self, name: str | None, arrival: Arrival) -> None:
        kept = self._tenant(name)
        kept.arrivals.append(arrival)
        if self.max_requests is not None:
            self._evict(kept, self.max_requests)

    @staticmethod
    def _journal(journal: Journal, arrival: Arrival, result: Made) -> None:
        journal.append(
            {
                "public_key": arrival.public_key,
                "method": arrival.method,
                "path": arrival.path,
                "query": dict(arrival.url.query),
                "headers": dict(arrival.headers),
                "raw_body": arrival.raw_body,
                "body": arrival.body.get(),
                "status": arrival.status,
                "response": arrival.response.get(),
                "events": list(map(EventReader(), result.events)),
                "note": arrival.note,
            }
        )

    def capture(
        self,
        *,
        public_key: str | None,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        raw_body: bytes,
        body: Any,
        status: int,
        response: Any,
        events: Sequence[StoredEvent] = (),
        note: str | None = None,
        tenant: str | None = None,
    ) -> None:
        """``admit`` a request given field by field with its events made (a journal's
        replay, a test of the store)."""
        arrival = Arrival(
            received_at=time.time(),
            public_key=public_key,
            method=method,
            path=path,
            url=Query(query),
            headers=headers,
            raw_body=raw_body,
            body=KeptJson.of(body),
            status=status,
            response=KeptJson.of(response),
            note=note,
            carries=len(events),
            make=made(events),
        )
        self.admit(arrival, public_key if tenant is None else tenant)

    def _next_seq(self) -> int:
        """The next request's sequence number; every ``FREEZE_EVERY`` requests, with
        ``freeze_heap``, the heap's survivors are frozen first. The caller holds the lock."""
        self._seq += 1
        if self.freeze_heap and self._seq % heap.FREEZE_EVERY == 0:
            heap.freeze_survivors()
        return self._seq

    @staticmethod
    def _store_events(tenant: Tenant, seq: int, events: Sequence[StoredEvent]) -> None:
        known = tenant.event_ids
        ids = list(map(event_id, events))
        if known.isdisjoint(ids):  # the usual case: every event is new
            fresh = list(events)
        else:
            fresh = [event for event, id_ in zip(events, ids, strict=True) if id_ not in known]
        known.update(ids)  # the ids not fresh were known already
        if fresh:
            tenant.events.extend(fresh)
            tenant.projection.add_all(fresh)
            tenant.stored_by_request[seq] = fresh

    def _settle(self, tenant: Tenant) -> Tenant:
        """Make the tenant's arrivals into log entries and store their events, oldest first.
        The caller holds the lock."""
        arrivals, tenant.arrivals = tenant.arrivals, []
        for arrival in arrivals:
            request, events = arrival.settle()
            tenant.requests.append(request)
            self._store_events(tenant, arrival.seq, events)
        return tenant

    def _settled(self, tenant: str | None) -> Tenant | None:
        """The tenant, with every arrival settled; the caller holds the lock."""
        found = self._tenants.get(tenant)
        return None if found is None else self._settle(found)

    @staticmethod
    def _evict(tenant: Tenant, keep: int) -> None:
        """Drop the oldest requests past ``keep``, with their events. Evicting in steps of a
        hundredth of ``keep`` keeps the cost per request O(1), and each step short enough
        not to show in answer latencies (a tenth stalled answers for over a millisecond). An
        arrival not yet settled goes without being made, counting the events it carried as
        far as was known when it came (a batch's, duplicates of earlier events too, which
        storing would have dropped; none of an export's)."""
        logged, arrived = len(tenant.requests), len(tenant.arrivals)
        if logged + arrived <= keep + max(1, keep // 100):
            return
        excess = logged + arrived - keep
        if excess > logged:  # every logged request goes, and the oldest arrivals after them
            gone = tenant.arrivals[: excess - logged]
            del tenant.arrivals[: excess - logged]
            tenant.evicted_requests += len(gone)
            tenant.evicted_events += sum(arrival.carries for arrival in gone)
        dropped = tenant.requests[:excess]
        if not dropped:
            return
        del tenant.requests[:excess]
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

    def forget_merged(self, tenant: str | None) -> None:
        """Drop ``tenant``'s merged traces, observations and scores until it is read again
        (``Projection.forget_merged``): a finished test's window."""
        with self._lock:
            found = self._tenants.get(tenant)
            if found is not None:
                found.projection.forget_merged()

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
            return json_text.copy(list(map(EventReader(), kept.events)))  # type: ignore[no-any-return]

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
            copied: list[Entity] = json_text.copy(traces)
        for trace in copied:
            self._price(tenant, trace["observations"])
            self._inflate(tenant, trace["scores"])
        return copied

    def traces_with_observations(self, tenant: str | None) -> tuple[list[Entity], list[Entity]]:
        """``traces``, and the observations in them (the same objects) in the order
        ``observations`` gives them: one copy, each priced once."""
        with self._lock:  # no capture between the traces and their order
            traces = self.traces(tenant)
            kept = self._settled(tenant)
            order = [] if kept is None else [o["id"] for o in kept.projection.observations()]
        by_id = {o["id"]: o for trace in traces for o in trace["observations"]}
        return traces, [by_id[observation_id] for observation_id in order]

    def observations(self, tenant: str | None) -> list[Entity]:
        with self._lock:
            kept = self._settled(tenant)
            if kept is None:
                return []
            observations: list[Entity] = json_text.copy(
                [public_view(o) for o in kept.projection.observations()]
            )
        self._price(tenant, observations)
        return observations

    def _price(self, tenant: str | None, observations: list[Entity]) -> None:
        """Costs as Langfuse records them: the client's, else priced by the matching model.
        Done on read, so a model defined after its generations arrived prices them too."""
        for observation in observations:
            model = self.models.match(tenant, observation["model"])
            observation["costDetails"] = calculated_costs(
                observation["usageDetails"],
                observation["costDetails"],
                model,
                model_parameters=observation["modelParameters"],
                metadata=observation["metadata"],
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
            scores: list[Entity] = json_text.copy(
                [public_view(s) for s in kept.projection.scores()]
            )
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
