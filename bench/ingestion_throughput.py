"""Ingestion throughput: mockfuse (auth, validation, dedupe, storing, projection) against a bare
aiohttp handler that only parses the JSON (json.loads) and answers the same 207, side by side
in one run; mockfuse runs twice, with msgspec's fast path and with MOCKFUSE_NO_MSGSPEC=1.

wrk posts 15-event batches (trace and generation events like the seed's, about 10 KB) over
keep-alive loopback connections; a Lua script gives every event a fresh id, so dedupe never
short-cuts the work. Prints the requests per second of each, per round, then medians and
their ratio. Needs wrk (Debian: apt-get install wrk).

    .venv/bin/python bench/ingestion_throughput.py [--rounds 3] [--seconds 10]
"""

from __future__ import annotations

import argparse
import base64
import importlib.util
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = HERE.parent / "tests" / "data" / "seed-litellm-ingestion-batch.json"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def batch_template() -> str:
    """15 events from the seed's two, every id a placeholder the Lua script fills."""
    seed = json.loads(SEED.read_text())["batch"]
    events = []
    for index in range(15):
        event = json.loads(json.dumps(seed[index % 2]))
        event["id"] = f"EVENT-{index}-ID"
        event["body"]["id"] = f"BODY-{index}-ID"
        if "traceId" in event["body"]:
            event["body"]["traceId"] = "BODY-0-ID"
        events.append(event)
    return json.dumps({"batch": events, "metadata": {"sdk_name": "python", "batch_size": 15}})


LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "AUTH"
local template = [==[TEMPLATE]==]
local counter = 0
request = function()
  counter = counter + 1
  local prefix = tostring(counter) .. "-" .. tostring(math.random(1, 1000000000))
  local body = template:gsub("(%u+)%-(%d+)%-ID", "%1-%2-" .. prefix)
  return wrk.format(nil, "/api/public/ingestion", nil, body)
end
"""


def wait_until_listening(port: int) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)  # polling a port that is not open yet; nothing to wait on instead
    raise RuntimeError(f"nothing listens on {port}")


def requests_per_second(port: int, script: Path, seconds: int) -> float:
    result = subprocess.run(
        ["wrk", "-t1", "-c8", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if non_2xx:
        raise RuntimeError(f"{non_2xx.group(1)} requests failed:\n{result.stdout}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    if match is None:
        raise RuntimeError(result.stdout + result.stderr)
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()

    if importlib.util.find_spec("msgspec") is None:
        print("msgspec is not installed: both mockfuse runs judge event by event")
    auth = "Basic " + base64.b64encode(b"pk-lf-bench:sk-lf-bench").decode()
    template = batch_template()
    print(f"batch: 15 events, {len(template)} bytes")
    script = Path(tempfile.mkdtemp()) / "post.lua"
    script.write_text(LUA.replace("TEMPLATE", template).replace("AUTH", auth))

    # Bounded retention: a load test must not grow the store without end.
    serve = [sys.executable, "-m", "mockfuse", "serve", "--max-requests", "2000", "--port"]
    bare = [sys.executable, str(HERE / "bare_ingestion_server.py")]
    commands = {
        "mockfuse": (serve, {}),
        "mockfuse without msgspec": (serve, {"MOCKFUSE_NO_MSGSPEC": "1"}),
        "bare aiohttp": (bare, {}),
    }
    ports = {name: free_port() for name in commands}
    servers = {
        name: subprocess.Popen(
            [*command, str(ports[name])],
            stdout=subprocess.DEVNULL,
            env={**os.environ, **extra_env},
        )
        for name, (command, extra_env) in commands.items()
    }
    try:
        for port in ports.values():
            wait_until_listening(port)
        rates: dict[str, list[float]] = {name: [] for name in servers}
        for round_number in range(1, args.rounds + 1):
            for name, port in ports.items():
                rates[name].append(requests_per_second(port, script, args.seconds))
            print(
                f"round {round_number}: "
                + ", ".join(f"{n} {r[-1]:.0f} req/s" for n, r in rates.items())
            )
        medians = {name: statistics.median(values) for name, values in rates.items()}
        print(", ".join(f"median {name}: {rate:.0f} req/s" for name, rate in medians.items()))
        for name in ("mockfuse", "mockfuse without msgspec"):
            print(f"ratio {name} / bare aiohttp: {medians[name] / medians['bare aiohttp']:.2f}")
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
