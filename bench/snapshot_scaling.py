"""Snapshot cost against the floor: normalizing the traces view of n events, side by side with
``json.loads(json.dumps(...))`` over the same data, for n = 1k, 10k, 100k (medians of runs).

    .venv/bin/python bench/snapshot_scaling.py [--runs 3] [--sizes 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import uuid
from typing import Any

from timing import median_seconds

from mockfuse.projection import Projection, public_view
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
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    header = ("events", "normalize s", "json round trip s", "ratio", "s per 1k events")
    print("{:>8} {:>12} {:>18} {:>6} {:>16}".format(*header))
    for size in args.sizes:
        data = traces_of(workload(size))
        normalizing = median_seconds(lambda data=data: normalize("traces", data), args.runs)
        round_trip = median_seconds(lambda data=data: json.loads(json.dumps(data)), args.runs)
        print(
            f"{size:>8} {normalizing:>12.3f} {round_trip:>18.4f} {normalizing / round_trip:>6.1f} "
            f"{normalizing / size * 1000:>16.4f}"
        )


if __name__ == "__main__":
    main()
