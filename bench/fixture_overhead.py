"""Fixture overhead: 500 tests that each use the ``mockfuse`` fixture, post one batch and wait
for it, against the same 500 tests posting to a bare aiohttp server with no fixture (and the
mockfuse plugin disabled), each a whole pytest run, alternating, medians of runs. Also: how
long the session server takes to be ready, in this process and in a fresh interpreter.

    .venv/bin/python bench/fixture_overhead.py [--tests 500] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mockfuse import MockfuseServer

HERE = Path(__file__).resolve().parent
SEED = HERE.parent / "tests" / "data" / "seed-litellm-ingestion-batch.json"

# Both suites post with urllib, whose cost per call is small and the same for both.
COMMON = """
import base64, json, urllib.request, uuid

SEED = json.loads(open({seed!r}).read())


def post(url, public_key, secret_key):
    batch = json.loads(json.dumps(SEED))
    for event in batch["batch"]:
        event["id"] = str(uuid.uuid4())
    token = base64.b64encode(f"{{public_key}}:{{secret_key}}".encode()).decode()
    request = urllib.request.Request(
        url + "/api/public/ingestion",
        data=json.dumps(batch).encode(),
        headers={{"Authorization": "Basic " + token, "Content-Type": "application/json"}},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 207
"""

WITH_FIXTURE = """
import pytest


@pytest.mark.parametrize("number", range({tests}))
def test_posts_one_batch(mockfuse, number):
    post(mockfuse.url, mockfuse.public_key, mockfuse.secret_key)
    mockfuse.wait_for(events=2)
"""

BARE = """
import threading, asyncio
import pytest
from aiohttp import web


@pytest.fixture(scope="session")
def bare_url():
    async def ingestion(request):
        payload = json.loads(await request.read())
        successes = [{{"id": event["id"], "status": 201}} for event in payload["batch"]]
        return web.json_response({{"successes": successes, "errors": []}}, status=207)

    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_post("/api/public/ingestion", ingestion)
    runner = web.AppRunner(app, access_log=None)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{{port}}"
    loop.call_soon_threadsafe(loop.stop)


@pytest.mark.parametrize("number", range({tests}))
def test_posts_one_batch(bare_url, number):
    post(bare_url, "pk-lf-bare", "sk-lf-bare")
"""


def suite(folder: Path, name: str, body: str, tests: int) -> Path:
    path = folder / f"test_{name}.py"
    path.write_text(COMMON.format(seed=str(SEED)) + body.format(tests=tests))
    return path


def pytest_seconds(path: Path, *plugin_flags: str) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin_flags, str(path)],
        cwd=path.parent,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(result.stdout[-3000:] + result.stderr[-3000:])
    return elapsed


def ready_in_fresh_interpreter() -> float:
    script = (
        "import time; start = time.perf_counter()\n"
        "from mockfuse import MockfuseServer\n"
        "server = MockfuseServer().start()\n"
        "print(time.perf_counter() - start)\n"
        "server.stop()\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return float(output)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tests", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp())
    with_fixture = suite(folder, "with_fixture", WITH_FIXTURE, args.tests)
    bare = suite(folder, "bare", BARE, args.tests)
    timings: dict[str, list[float]] = {"mockfuse fixture": [], "bare server": []}
    for run in range(1, args.runs + 1):
        timings["mockfuse fixture"].append(pytest_seconds(with_fixture))
        timings["bare server"].append(pytest_seconds(bare, "-p", "no:mockfuse"))
        print(
            f"run {run}: "
            + ", ".join(f"{name} {values[-1]:.2f} s" for name, values in timings.items())
        )
    medians = {name: statistics.median(values) for name, values in timings.items()}
    print(
        f"{args.tests} tests, median: mockfuse fixture {medians['mockfuse fixture']:.2f} s, "
        f"bare server {medians['bare server']:.2f} s, "
        f"ratio {medians['mockfuse fixture'] / medians['bare server']:.2f}"
    )

    starts = []
    for _ in range(20):
        start = time.perf_counter()
        server = MockfuseServer().start()
        starts.append(time.perf_counter() - start)
        server.stop()
    warm = statistics.median(starts)
    fresh = statistics.median(ready_in_fresh_interpreter() for _ in range(5))
    print(
        f"session server ready: {warm * 1000:.0f} ms in a running interpreter, "
        f"{fresh * 1000:.0f} ms in a fresh one (import included)"
    )


if __name__ == "__main__":
    main()
