"""Placing each capture of a shared key in the test window it belongs to."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

from mockfuse.capture.windows import KEEP_FINISHED, TestWindows, Window

KEY = "pk-lf-session"


def at(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=timezone.utc).isoformat()


def event(kind: str, trace_id: str, made: float | None, **body: Any) -> dict[str, Any]:
    key = "id" if kind == "trace-create" else "traceId"
    envelope: dict[str, Any] = {"id": f"{kind}-{trace_id}", "type": kind, "body": {key: trace_id}}
    envelope["body"].update(body)
    if made is not None:
        envelope["timestamp"] = at(made)
    return envelope


def placed(windows: TestWindows, *events: dict[str, Any]) -> dict[str | None, list[str]]:
    return {tenant: [e["id"] for e in group] for tenant, group in windows.place(KEY, list(events))}


def session() -> TestWindows:
    windows = TestWindows()
    windows.enable(KEY, started=time.time() - 60)
    return windows


def after_one_test() -> tuple[TestWindows, Window, float, Window]:
    """A session whose first test's window has closed and whose second's is open, with a
    moment inside the first."""
    windows = session()
    first = windows.open(KEY, "test_a")
    # Events carry their times to the microsecond at best: a moment in the same microsecond
    # as the window's opening may read as before it, so the first test began a moment ago.
    first.opened -= 0.001
    during_first = time.time()
    windows.close(first)
    # Likewise at its end: a moment read back from its microseconds may round past a close
    # made within the same microsecond.
    assert first.closed is not None
    first.closed += 0.001
    return windows, first, during_first, windows.open(KEY, "test_b")


def test_an_event_made_in_an_earlier_window_goes_there_when_it_arrives_late():
    windows, first, made_in_first, second = after_one_test()
    assert placed(
        windows,
        event("trace-create", "late", made_in_first),
        event("trace-create", "own", time.time()),
    ) == {first.tenant: ["trace-create-late"], second.tenant: ["trace-create-own"]}


def test_the_body_time_decides_over_when_the_client_made_the_envelope():
    # LiteLLM's callbacks run on a thread pool: the envelope may be made after the test.
    windows, first, started, second = after_one_test()
    late = event("generation-create", "t", time.time(), startTime=at(started))
    assert placed(windows, late) == {first.tenant: ["generation-create-t"]}
    assert second.tenant not in placed(windows, late)


def test_a_trace_logged_after_its_test_goes_with_the_generation_it_holds():
    # LiteLLM stamps the trace when its callback logs it, after the call: past the test's
    # end when the callback runs late; the generation's start dates them both.
    windows, first, started, second = after_one_test()
    logged = time.time()
    trace = event("trace-create", "t", logged, timestamp=at(logged))
    generation = event("generation-create", "t", logged, startTime=at(started))
    own = event("trace-create", "own", time.time())
    assert placed(windows, trace, generation, own) == {
        first.tenant: ["trace-create-t", "generation-create-t"],
        second.tenant: ["trace-create-own"],
    }


def test_between_tests_an_event_follows_its_trace_else_stays_outside_any_test():
    windows = session()
    first = windows.open(KEY, "test_a")
    assert placed(windows, event("trace-create", "t", time.time()))
    windows.close(first)
    gap = time.time()
    assert placed(
        windows,
        event("span-update", "t", gap),
        event("trace-create", "import-time", gap),
    ) == {first.tenant: ["span-update-t"], KEY: ["trace-create-import-time"]}


def test_fixed_timestamps_and_ids_go_where_they_arrive_not_to_an_earlier_owner():
    windows = session()
    fixed = datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp()
    first = windows.open(KEY, "test_a")
    assert placed(windows, event("trace-create", "t", fixed)) == {first.tenant: ["trace-create-t"]}
    windows.close(first)
    second = windows.open(KEY, "test_b")
    assert placed(windows, event("trace-create", "t", fixed), event("span-create", "t", None)) == {
        second.tenant: ["trace-create-t", "span-create-t"]
    }


def test_tenants_name_their_test_and_key():
    windows = session()
    window = windows.open(KEY, "tests/test_app.py::test_one")
    assert windows.arrival(KEY) == window.tenant
    assert windows.describe(window.tenant) == {
        "tenant": window.tenant,
        "public_key": KEY,
        "test": "tests/test_app.py::test_one",
    }
    assert windows.describe("pk-other") == {
        "tenant": "pk-other",
        "public_key": "pk-other",
        "test": None,
    }
    windows.close(window)
    assert windows.arrival(KEY) == KEY
    assert windows.placement("pk-other") is None


def test_only_the_newest_finished_windows_are_kept():
    windows = session()
    dropped: list[str] = []
    opened = []
    for index in range(KEEP_FINISHED + 3):
        window = windows.open(KEY, f"test_{index}")
        opened.append(window.tenant)
        dropped += windows.close(window)
    assert dropped == opened[:3]
    assert windows.window(opened[2]) is None and windows.window(opened[3]) is not None
