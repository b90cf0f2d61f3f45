"""What a test pays to read its captures: a tenant's observations read through its handle
(``mockfuse.observations``, what a ``wait_for`` predicate usually reads), the first time
(its export's spans mapped, merged, priced, copied and shown) and again with nothing new (the
projection kept: priced, copied and shown only), and its traces; against decoding the JSON
text of the same observations (``json.loads``), the floor of handing a test any data at all.

Each tenant gets Langfuse SDK 5.x's captured export and score batch
(``tests/data/captures/lf5.jsonl``: seven observations) over HTTP from a server in the same
process, as the fixture's. Each checkout runs in a fresh process a round, rounds alternating.

    .venv/bin/python bench/read_path.py [--rounds 5] [--tenants 300] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CAPTURE = HERE.parent / "tests" / "data" / "captures" / "lf5.jsonl"
WARM_UP = 30
MEASURES = ("first read", "read again", "traces", "json.loads")


def captured_posts() -> list[dict[str, Any]]:
    """The SDK's first export and its score batch, as it sent them."""
    records = [json.loads(line) for line in CAPTURE.read_text().splitlines()]
    wanted = ("/api/public/otel/v1/traces", "/api/public/scores")
    return [record for record in records if record["path"] in wanted][:2]


def post(url: str, public_key: str, secret_key: str, record: dict[str, Any]) -> None:
    headers = {
        name: value
        for name, value in record["headers"]
        if name.lower() in ("content-type", "content-encoding")
    }
    pair = base64.b64encode(f"{public_key}:{secret_key}".encode()).decode()
    headers["Authorization"] = f"Basic {pair}"
    request = urllib.request.Request(
        url + record["path"],
        data=base64.b64decode(record["body_b64"]),
        headers=headers,
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:
        answer.read()


def run_one(tenants: int) -> dict[str, float]:
    """Medians in µs over ``tenants`` tenants, past a warm-up, in this process."""
    from mockfuse import MockfuseServer

    posts = captured_posts()
    timings: dict[str, list[float]] = {name: [] for name in MEASURES}
    with MockfuseServer() as server:
        for number in range(WARM_UP + tenants):
            tenant = server.tenant()
            for record in posts:
                post(server.url, tenant.public_key, tenant.secret_key, record)
            started = time.perf_counter()
            observations = tenant.observations
            first = time.perf_counter()
            read_again = tenant.observations
            again = time.perf_counter()
            read_traces = tenant.traces
            traces = time.perf_counter()
            assert read_again == observations and read_traces
            text = json.dumps(observations)
            decoding = time.perf_counter()
            json.loads(text)
            decoded = time.perf_counter()
            if number >= WARM_UP:
                timings["first read"].append(first - started)
                timings["read again"].append(again - first)
                timings["traces"].append(traces - again)
                timings["json.loads"].append(decoded - decoding)
    return {name: statistics.median(values) * 1e6 for name, values in timings.items()}


def measured(checkout: Path, tenants: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(checkout), "PYTHONSAFEPATH": "1"}
    done = subprocess.run(
        [sys.executable, __file__, "--run", str(tenants)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def main() -> None:
    if sys.argv[1:2] == ["--run"]:
        print(json.dumps(run_one(int(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tenants", type=int, default=300)
    parser.add_argument("--baseline", help="a checkout of mockfuse to run beside this one")
    args = parser.parse_args()
    checkouts = {"mockfuse": HERE.parent}
    if args.baseline:
        checkouts["baseline"] = Path(args.baseline).resolve()
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in checkouts}
    for round_number in range(args.rounds):
        order = list(checkouts) if round_number % 2 == 0 else list(reversed(checkouts))
        for name in order:
            runs[name].append(measured(checkouts[name], args.tenants))
    print(f"medians of {args.rounds} rounds of {args.tenants} tenants, µs:")
    for name, results in runs.items():
        median = {key: statistics.median(r[key] for r in results) for key in MEASURES}
        floor = median["json.loads"]
        print(
            f"{name:>9}: "
            + ", ".join(f"{key} {median[key]:.0f}" for key in MEASURES)
            + f"; over json.loads: first {median['first read'] / floor:.1f} times, "
            f"again {median['read again'] / floor:.1f} times"
        )


if __name__ == "__main__":
    main()
