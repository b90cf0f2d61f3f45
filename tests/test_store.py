"""The store's own guarantees, used directly: events left for later (an OTLP export's) and
requests kept as they arrived (a fast-path batch's) are made once, before anything reads the
tenant or stores after them, in arrival order."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from mockfuse.capture import heap
from mockfuse.capture.journal import Journal, replay
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

    def __call__(self) -> tuple[Sequence[Any], str | None]:
        self.made += 1
        return [event(i) for i in self.event_ids], self.note


def capture(
    store: Store,
    *,
    events: Sequence[Any] = (),
    later: Callable[[], tuple[Sequence[Any], str | None]] | None = None,
) -> None:
    store.capture(
        public_key=KEY,
        method="POST",
        path="/api/public/otel/v1/traces",
        query={},
        headers={},
        raw_body=b"",
        body=None,
        status=200,
        response={},
        events=events,
        events_later=later,
    )


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


def test_a_later_capture_makes_the_earlier_ones_first_keeping_arrival_order_and_dedupe():
    store = Store()
    first, again = Later("a", "b"), Later("b")
    capture(store, later=first)
    capture(store, later=again)
    capture(store, events=[event("c"), event("a")])
    assert (first.made, again.made) == (1, 1)
    assert [e["id"] for e in store.events(KEY)] == ["a", "b", "c"]


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

    def broken() -> tuple[Sequence[Any], str | None]:
        raise ValueError("unmappable")

    capture(store, later=broken)
    capture(store, later=Later("b"))
    assert [e["id"] for e in store.events(KEY)] == ["b"]
    first = store.requests(KEY)[0]
    assert first.note == "its events could not be made: ValueError('unmappable')"


def test_a_store_that_settles_the_heap_keeps_what_it_holds_out_of_the_collectors_walks():
    frozen_before = gc.get_freeze_count()
    try:
        settled = Store(settle_heap=True)
        for index in range(heap.SETTLE_EVERY):
            capture(settled, events=[event(f"e{index}")])
        assert gc.get_freeze_count() > frozen_before
        assert len(settled.events(KEY)) == heap.SETTLE_EVERY  # nothing lost by freezing

        gc.unfreeze()
        frozen_before = gc.get_freeze_count()
        unsettled = Store()  # the fixture's: the test process's heap is not its own
        for index in range(heap.SETTLE_EVERY):
            capture(unsettled, events=[event(f"e{index}")])
        assert gc.get_freeze_count() == frozen_before
    finally:
        gc.unfreeze()


class Cycle:
    """Garbage only the cyclic collector can free: it refers to itself."""

    def __init__(self) -> None:
        self.itself = self


def test_settling_collects_garbage_whichever_generation_it_reached():
    try:
        heap.settle()  # from here, nothing unseen is in the oldest generation
        young = Cycle()
        young_gone = weakref.ref(young)
        del young
        heap.settle()
        assert young_gone() is None

        promoted = Cycle()
        promoted_gone = weakref.ref(promoted)
        gc.collect(1)  # as an automatic collection does: survivors move to the oldest
        del promoted
        heap.settle()
        assert promoted_gone() is None  # not frozen with the survivors
    finally:
        gc.unfreeze()


class Remade:
    """A batch's events and answer made again from its text, counting how often."""

    def __init__(self) -> None:
        self.made = 0

    def __call__(self, text: bytes) -> tuple[Sequence[Any], bytes]:
        self.made += 1
        batch = json.loads(text)["batch"]
        answer = {"successes": [{"id": e["id"], "status": 201} for e in batch], "errors": []}
        return batch, json.dumps(answer).encode()


def arrive(store: Store, *event_ids: str, remake: Any) -> bytes:
    text = json.dumps({"batch": [event(i) for i in event_ids]}).encode()
    store.capture_batch(
        public_key=KEY,
        tenant=KEY,
        method="POST",
        url=URL("/api/public/ingestion?from=test"),
        headers=CIMultiDictProxy(CIMultiDict([("X-Langfuse-Sdk-Name", "python")])),
        raw_body=text,
        body_text=text,
        status=207,
        note=None,
        events=len(event_ids),
        remake=remake,
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

    def refused(text: bytes) -> tuple[Sequence[Any], bytes]:
        raise ValueError("refused now")

    arrive(store, "a", remake=refused)
    arrive(store, "b", remake=Remade())
    assert [e["id"] for e in store.events(KEY)] == ["b"]
    first = store.requests(KEY)[0]
    assert first.note == "its events could not be made: ValueError('refused now')"
    assert (first.status, first.response) == (207, None)
