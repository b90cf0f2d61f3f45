"""The store's own guarantees, used directly: every request is admitted as it arrived and
settled once, before anything reads the tenant, in arrival order, whether its events came
judged, are made later (an OTLP export's) or are judged again from its text (a fast-path
batch's)."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from multidict import CIMultiDict, CIMultiDictProxy

from mockfuse.capture import heap
from mockfuse.capture.journal import Journal, replay
from mockfuse.capture.requests import Arrival, KeptJson, Made, Make, Query, made
from mockfuse.capture.store import Store

KEY = "pk-lf-store"


def event(event_id: str) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "span-create",
        "timestamp": "2026-11-27T10:00:00Z",
        "body": {"id": f"span-{event_id}", "traceId": "t"},
    }


class Later:
    """Events left for later, counting how often they are made."""

    def __init__(self, *event_ids: str, note: str | None = None) -> None:
        self.event_ids, self.note, self.made = event_ids, note, 0

    def __call__(self) -> Made:
        self.made += 1
        return Made([event(i) for i in self.event_ids], note=self.note)


NO_BODY = KeptJson()
EMPTY_ANSWER = KeptJson(text=b"{}")


def admit(
    store: Store,
    make: Make,
    *,
    carries: int = 0,
    body: KeptJson = NO_BODY,
    path: str = "/api/public/otel/v1/traces",
    query: Any = None,
    headers: Any = None,
    status: int = 200,
    response: KeptJson = EMPTY_ANSWER,
) -> None:
    arrival = Arrival(
        received_at=0.0,
        public_key=KEY,
        method="POST",
        path=path,
        url=Query(query or {}),
        headers=headers or {},
        raw_body=body.text or b"",
        body=body,
        status=status,
        response=response,
        note=None,
        carries=carries,
        make=make,
    )
    store.admit(arrival, tenant=KEY)


def capture(
    store: Store,
    *,
    events: Sequence[Any] = (),
    later: Callable[[], Made] | None = None,
) -> None:
    """A request whose events came judged, or are made ``later``."""
    admit(store, later or made(events), carries=len(events))


def test_events_left_for_later_are_made_once_when_the_tenant_is_first_read():
    store = Store()
    later = Later("a", note="1 span event(s) failed validation")
    capture(store, later=later)
    assert later.made == 0
    assert store.counts(KEY) == {"requests": 1, "events": 1, "traces": 1}
    assert later.made == 1
    assert [e["id"] for e in store.events(KEY)] == ["a"]
    assert store.requests(KEY)[0].note == "1 span event(s) failed validation"
    assert later.made == 1


def test_requests_settle_in_arrival_order_however_their_events_are_made_and_dedupe():
    store = Store()
    first, again = Later("a", "b"), Later("b")
    capture(store, later=first)
    capture(store, later=again)
    capture(store, events=[event("c"), event("a")])
    assert (first.made, again.made) == (0, 0)  # a request is answered before it settles
    assert [e["id"] for e in store.events(KEY)] == ["a", "b", "c"]
    assert [r.seq for r in store.requests(KEY)] == [1, 2, 3]
    assert (first.made, again.made) == (1, 1)


def test_a_tenant_whose_merged_entities_were_forgotten_reads_the_same_merged_again():
    store = Store()
    capture(store, events=[event("a"), event("b")])
    traces, observations = store.traces(KEY), store.observations(KEY)
    store.forget_merged(KEY)
    store.forget_merged("pk-lf-never-seen")  # no tenant: nothing to forget
    assert store.traces(KEY) == traces
    assert store.observations(KEY) == observations
    capture(store, events=[event("c")])
    assert [o["id"] for o in store.observations(KEY)] == ["span-a", "span-b", "span-c"]


def test_retention_drops_unread_exports_without_making_their_events():
    store = Store(max_requests=1)
    exports = [Later(str(n)) for n in range(3)]
    for later in exports:
        capture(store, later=later)
    assert [later.made for later in exports[:2]] == [0, 0]
    assert [e["id"] for e in store.events(KEY)] == ["2"]
    assert store.evicted(KEY)["evicted_requests"] == 2


def test_with_a_journal_the_events_are_made_at_once_and_replayed(tmp_path: Path):
    journal = tmp_path / "journal.jsonl"
    store = Store(journal=Journal(journal))
    later = Later("a")
    capture(store, later=later)
    assert later.made == 1
    [replayed] = list(replay(journal))
    assert [e["id"] for e in replayed["events"]] == ["a"]


def test_a_fault_making_one_requests_events_is_noted_and_costs_no_other():
    store = Store()

    def broken() -> Made:
        raise ValueError("unmappable")

    capture(store, later=broken)
    capture(store, later=Later("b"))
    assert [e["id"] for e in store.events(KEY)] == ["b"]
    first = store.requests(KEY)[0]
    assert first.note == "its events could not be made: ValueError('unmappable')"


def test_a_store_that_freezes_the_heap_keeps_what_it_holds_out_of_the_collectors_walks():
    frozen_before = gc.get_freeze_count()
    try:
        frozen = Store(freeze_heap=True)
        for index in range(heap.FREEZE_EVERY):
            capture(frozen, events=[event(f"e{index}")])
        assert gc.get_freeze_count() > frozen_before
        assert len(frozen.events(KEY)) == heap.FREEZE_EVERY  # nothing lost by freezing

        gc.unfreeze()
        frozen_before = gc.get_freeze_count()
        unfrozen = Store()  # the fixture's: the test process's heap is not its own
        for index in range(heap.FREEZE_EVERY):
            capture(unfrozen, events=[event(f"e{index}")])
        assert gc.get_freeze_count() == frozen_before
    finally:
        gc.unfreeze()


class Cycle:
    """Garbage only the cyclic collector can free: it refers to itself."""

    def __init__(self) -> None:
        self.itself = self


def test_freezing_collects_garbage_whichever_generation_it_reached():
    try:
        heap.freeze_survivors()  # from here, nothing unseen is in the oldest generation
        young = Cycle()
        young_gone = weakref.ref(young)
        del young
        heap.freeze_survivors()
        assert young_gone() is None

        promoted = Cycle()
        promoted_gone = weakref.ref(promoted)
        gc.collect(1)  # as an automatic collection does: survivors move to the oldest
        del promoted
        heap.freeze_survivors()
        assert promoted_gone() is None  # not frozen with the survivors
    finally:
        gc.unfreeze()


class Remade:
    """A batch's events and answer made again from its text, counting how often."""

    def __init__(self) -> None:
        self.made = 0

    def __call__(self, text: bytes) -> Made:
        self.made += 1
        batch = json.loads(text)["batch"]
        answer = {"successes": [{"id": e["id"], "status": 201} for e in batch], "errors": []}
        return Made(batch, KeptJson(text=json.dumps(answer).encode()))


def arrive(store: Store, *event_ids: str, remake: Any) -> bytes:
    """A batch kept as its text, its events judged again from it when first read."""
    text = json.dumps({"batch": [event(i) for i in event_ids]}).encode()
    admit(
        store,
        partial(remake, text),
        carries=len(event_ids),
        body=KeptJson(text=text),
        path="/api/public/ingestion",
        query={"from": "test"},
        headers=CIMultiDictProxy(CIMultiDict([("X-Langfuse-Sdk-Name", "python")])),
        status=207,
        response=KeptJson(),  # made again with the events
    )
    return text


def test_an_arrival_is_logged_and_stored_when_first_read_as_capture_would_have():
    store = Store()
    remade = Remade()
    text = arrive(store, "a", "b", remake=remade)
    assert remade.made == 0
    assert store.tenants() == [KEY]
    assert store.counts(KEY) == {"requests": 1, "events": 2, "traces": 1}
    [request] = store.requests(KEY)
    assert (request.seq, request.method, request.path, request.query) == (
        1,
        "POST",
        "/api/public/ingestion",
        {"from": "test"},
    )
    assert (request.header("x_langfuse_sdk_name"), request.raw_body) == ("python", text)
    assert request.body == json.loads(text)
    assert request.response == {
        "successes": [{"id": "a", "status": 201}, {"id": "b", "status": 201}],
        "errors": [],
    }
    assert [e["id"] for e in store.events(KEY)] == ["a", "b"]
    assert remade.made == 1


def test_arrivals_and_other_captures_keep_arrival_order_and_dedupe():
    store = Store()
    arrive(store, "a", "b", remake=Remade())
    capture(store, later=Later("b", "c"))
    arrive(store, "d", "c", remake=Remade())
    capture(store, events=[event("e"), event("a")])
    assert [r.seq for r in store.requests(KEY)] == [1, 2, 3, 4]
    assert [e["id"] for e in store.events(KEY)] == ["a", "b", "c", "d", "e"]
    assert [r.seq for _, r in store.arrived_since(0)] == [1, 2, 3, 4]


def test_retention_drops_unread_arrivals_without_making_them_and_counts_their_events():
    store = Store(max_requests=2)
    capture(store, events=[event("logged")])
    remakes = [Remade() for _ in range(4)]
    for number, remade in enumerate(remakes):
        arrive(store, f"{number}-x", f"{number}-y", remake=remade)
    # Evicted in steps: past 2 + 1 requests, the oldest two go (the logged one, then one arrival).
    assert [e["id"] for e in store.events(KEY)] == ["1-x", "1-y", "2-x", "2-y", "3-x", "3-y"]
    assert [remade.made for remade in remakes] == [0, 1, 1, 1]
    assert store.evicted(KEY) == {"evicted_requests": 2, "evicted_events": 3}


def test_an_arrival_that_cannot_be_made_again_is_noted_and_costs_no_other():
    store = Store()

    def refused(text: bytes) -> Made:
        raise ValueError("refused now")

    arrive(store, "a", remake=refused)
    arrive(store, "b", remake=Remade())
    assert [e["id"] for e in store.events(KEY)] == ["b"]
    first = store.requests(KEY)[0]
    assert first.note == "its events could not be made: ValueError('refused now')"
    assert (first.status, first.response) == (207, None)
