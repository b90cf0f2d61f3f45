"""Snapshot cost against the floor: normalizing the traces view of n events and comparing it
with the stored snapshot (equal, as in a passing test), side by side with
``json.loads(json.dumps(...))`` over the same data, for n = 1k, 10k, 100k (medians of runs).

    .venv/bin/python bench/snapshot_scaling.py [--runs 3] [--sizes 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import uuid
from typing import Any

from timing import median_seconds

from mockfuse.langfuse.projection import Projection, public_view
from mockfuse.snapshot.compare import find_changes, snapshot_text
from mockfuse.snapshot.normalize import normalize
from mockfuse.snapshot.views import traces_view


def workload(size: int) -> list[dict[str, Any]]:
    """Traces of one trace-create and four generations each, five trace names."""
    events: list[dict[str, Any]] = []
    number = 0
    while len(events) < size:
        trace_id = str(uuid.uuid4())
        events.append(
            {
                "id": str(uuid.uuid4()),
                "type": "trace-create",
                "timestamp": "2026-11-27T10:00:00Z",
                "body": {"id": trace_id, "name": f"trace-{number % 5}", "input": {"q": "x" * 50}},
            }
        )
        for step in range(4):
            events.append(
                {
                    "id": str(uuid.uuid4()),
                    "type": "generation-create",
                    "timestamp": f"2026-11-27T10:00:0{step}Z",
                    "body": {
                        "id": str(uuid.uuid4()),
                        "traceId": trace_id,
                        "name": f"step-{step}",
                        "model": "gpt-4o",
                        "usageDetails": {"input": 10, "output": 5},
                        "input": [{"role": "user", "content": "hello " * 10}],
                    },
                }
            )
        number += 1
    return events[:size]


def traces_of(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    projection = Projection()
    projection.add_all(list(events))
    return traces_view(
        [
            {
                **public_view(t),
                "observations": [public_view(o) for o in t["observations"]],
                "scores": [],
            }
            for t in projection.traces()
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    header = ("events", "check s", "json round trip s", "ratio", "s per 1k events")
    print("{:>8} {:>12} {:>18} {:>6} {:>16}".format(*header))
    for size in args.sizes:
        data = traces_of(workload(size))
        stored = json.loads(snapshot_text(normalize("traces", data)))

        def check(data: list[dict[str, Any]] = data, stored: Any = stored) -> None:
            assert find_changes(stored, normalize("traces", data)) == []

        # Side by side: each run times both, so a noisy moment weighs on both alike, and the
        # ratio is the median of the runs' ratios.
        runs = [
            (
                median_seconds(check, 1),
                median_seconds(lambda data=data: json.loads(json.dumps(data)), 1),
            )
            for _ in range(args.runs)
        ]
        normalizing = statistics.median(check_s for check_s, _ in runs)
        round_trip = statistics.median(trip for _, trip in runs)
        ratio = statistics.median(check_s / trip for check_s, trip in runs)
        print(
            f"{size:>8} {normalizing:>12.3f} {round_trip:>18.4f} {ratio:>6.1f} "
            f"{normalizing / size * 1000:>16.4f}"
        )


if __name__ == "__main__":
    main()
