"""Properties of snapshots over generated workloads, sent over HTTP to the real server:
order, batching, ids and timestamps of a run never change its snapshot."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockfuse.snapshot.normalize import normalize
from tests.support.http import post_json

START = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
NAMES = st.sampled_from(["plan", "search", "llm", "tool", None])
OBSERVATION_EVENTS = st.sampled_from(
    ["span-create", "generation-create", "event-create", "agent-create"]
)


@st.composite
def workloads(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Events of a few traces: nested observations, updates and scores, in creation order."""
    bodies: list[tuple[str, dict[str, Any]]] = []
    for t in range(draw(st.integers(1, 3))):
        trace_id = f"trace-{t}"
        bodies.append(
            (
                "trace-create",
                {
                    "id": trace_id,
                    "name": draw(NAMES),
                    "userId": draw(st.sampled_from(["u1", "u2"])),
                },
            )
        )
        observation_ids: list[str] = []
        for o in range(draw(st.integers(0, 4))):
            observation_id = f"{trace_id}-obs-{o}"
            parent = draw(st.sampled_from([None, *observation_ids]))
            body = {
                "id": observation_id,
                "traceId": trace_id,
                "name": draw(NAMES),
                "parentObservationId": parent,
            }
            bodies.append((draw(OBSERVATION_EVENTS), body))
            observation_ids.append(observation_id)
            if draw(st.booleans()):
                bodies.append(
                    ("span-update", {"id": observation_id, "output": draw(st.integers(0, 3))})
                )
        if observation_ids and draw(st.booleans()):
            target = draw(st.sampled_from(observation_ids))
            bodies.append(
                (
                    "score-create",
                    {
                        "id": f"{trace_id}-score",
                        "traceId": trace_id,
                        "observationId": target,
                        "name": "q",
                        "value": draw(st.integers(0, 1)),
                    },
                )
            )
        if draw(st.booleans()):
            bodies.append(("trace-create", {"id": trace_id, "tags": ["retry"], "output": "done"}))
    return [
        {
            "id": f"event-{n}",
            "type": kind,
            "timestamp": (START + timedelta(seconds=n)).isoformat(),
            "body": body,
        }
        for n, (kind, body) in enumerate(bodies)
    ]


def fresh_run(events: list[dict[str, Any]], shift: timedelta) -> list[dict[str, Any]]:
    """The same workload as another run makes it: new ids everywhere, later timestamps."""
    new_ids: dict[str, str] = {}

    def renamed(value: Any) -> Any:
        if isinstance(value, str) and (value.startswith(("trace-", "event-"))):
            return new_ids.setdefault(value, str(uuid.uuid4()))
        return value

    run = []
    for event in events:
        body = {
            key: renamed(value)
            if key in ("id", "traceId", "parentObservationId", "observationId")
            else value
            for key, value in event["body"].items()
        }
        stamp = datetime.fromisoformat(event["timestamp"]) + shift
        run.append(
            {**event, "id": renamed(event["id"]), "timestamp": stamp.isoformat(), "body": body}
        )
    return run


def send_in_batches(tenant, events: list[dict[str, Any]], sizes: list[int]) -> None:
    start = 0
    for size in [*sizes, len(events)]:
        batch = events[start : start + size]
        if batch:
            response = post_json(tenant, "/api/public/ingestion", {"batch": batch})
            assert response.json()["errors"] == []
        start += size


@settings(
    max_examples=75, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    events=workloads(),
    seed=st.integers(0, 2**32 - 1),
    sizes=st.lists(st.integers(1, 5), max_size=6),
    shift=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
)
def test_shuffled_rebatched_and_renamed_runs_give_the_identical_snapshot(
    mockfuse_server, events, seed, sizes, shift
):
    in_order, shuffled = mockfuse_server.tenant(), mockfuse_server.tenant()
    try:
        send_in_batches(in_order, events, [])
        other_run = fresh_run(events, shift)
        random.Random(seed).shuffle(other_run)
        send_in_batches(shuffled, other_run, sizes)

        for view in ("traces", "events"):
            expected = in_order.snapshot(view)
            assert shuffled.snapshot(view) == expected
            assert normalize(view, expected) == expected
    finally:
        in_order.close()
        shuffled.close()
