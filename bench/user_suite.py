"""A user's suite, whole process, three ways in one run: N tests of an SDK 5.x ``@observe`` app
(three spans and a score a test, ``flush()`` and then, with the fixture, ``wait_for``), in
one pytest process as a user's suite runs in the client environment of ``tests/clients/lf5``:

- ``fixture``: the tests use the ``mockfuse`` fixture;
- ``bare``: the same tests (no fixture, no mockfuse plugin) exporting to a bare aiohttp
  server in another process that only decodes each export and answers as mockfuse does;
- ``in-process``: the same bare server, run by a conftest in a thread of the test process (on
  uvloop, as the fixture's): what any server sharing the tests' interpreter costs, before
  mockfuse does anything;
- ``disabled``: the same tests with Langfuse's tracing switched off (what the app costs alone).

Runs alternate, each a fresh ``python -m pytest``, timed whole (wall clock, from spawn to
exit). Printed: the medians, fixture over bare, the session server's start in a fresh
interpreter (imports included) and the per-test cost the fixture adds beyond it.

With ``--baseline DIR``, a fifth way: the fixture as the mockfuse checkout in DIR has it.

With ``--where``, one more run of the fixture's way first, which prints where the fixture's
share goes, in CPU time a test of the thread that spends it: the server's handling of each
route (and within it, making an export's events to place them in test windows), the test's
``wait_for`` (the reads its predicate makes), and pytest's setup and teardown of each test
(the server's start falls in the first test's setup).

    .venv/bin/python bench/user_suite.py [--tests 200] [--runs 7] [--baseline DIR] [--where]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from side_by_side import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.client_envs import client_python  # noqa: E402

APP = """
from langfuse import get_client, observe


@observe(name="lookup")
def lookup(question):
    return [f"doc about {question}"]


@observe(name="reply", as_type="generation")
def reply(question, docs):
    usage = {"input": 10, "output": 4}
    get_client().update_current_generation(model="gpt-4o-mini", usage_details=usage)
    return f"answer to {question}"


@observe(name="ask")
def ask(question):
    answer = reply(question, lookup(question))
    get_client().score_current_trace(name="helpful", value=1.0)
    return answer
"""

WITH_FIXTURE = """
import pytest
from langfuse import get_client

from app import ask


@pytest.mark.parametrize("number", range({tests}))
def test_ask(mockfuse, number):
    assert ask(f"question {{number}}") == f"answer to question {{number}}"
    get_client().flush()
    mockfuse.wait_for(predicate=lambda m: len(m.observations) == 3 and len(m.scores) == 1)
"""

WITHOUT_FIXTURE = """
import pytest
from langfuse import get_client

from app import ask


@pytest.mark.parametrize("number", range({tests}))
def test_ask(number):
    assert ask(f"question {{number}}") == f"answer to question {{number}}"
    get_client().flush()
"""

# Decodes each export as mockfuse checks it and answers what mockfuse answers: 200 ``{}`` to
# an export, 202 to SDK 5.x's array of scores.
BARE_APP = """
import json
from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


async def traces(request):
    ExportTraceServiceRequest().ParseFromString(await request.read())
    return web.json_response({})


async def scores(request):
    json.loads(await request.read())
    return web.json_response({"message": "Accepted"}, status=202)


def make_app():
    app = web.Application(client_max_size=64_000_000)
    app.router.add_post("/api/public/otel/v1/traces", traces)
    app.router.add_post("/api/public/scores", scores)
    return app
"""

BARE_SERVER = """
import sys
from aiohttp import web
from bare_app import make_app

web.run_app(make_app(), host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
"""

# The bare server in a thread of the test process, started as conftest files load, with the
# Langfuse variables naming it.
IN_PROCESS_CONFTEST = """
import asyncio
import os
import threading

from aiohttp import web
from bare_app import make_app

try:
    from uvloop import new_event_loop
except ImportError:
    from asyncio import new_event_loop


def _serve(ports, ready):
    loop = new_event_loop()
    asyncio.set_event_loop(loop)
    runner = web.AppRunner(make_app(), access_log=None)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    ports.append(runner.addresses[0][1])
    ready.set()
    loop.run_forever()


_ports = []
_ready = threading.Event()
threading.Thread(target=_serve, args=(_ports, _ready), daemon=True).start()
_ready.wait()
os.environ["LANGFUSE_BASE_URL"] = os.environ["LANGFUSE_HOST"] = f"http://127.0.0.1:{_ports[0]}"
"""

# ``--where``: CPU time (``time.thread_time``, the calling thread's) of the fixture's parts,
# wrapped around mockfuse's own functions before the session's server builds its routes.
WHERE_CONFTEST = """
import atexit
import functools
import time

import pytest

import mockfuse.api.routing as routing
import mockfuse.capture.requests as requests
from mockfuse.testing.tenant import MockfuseTenant

SPENT = {}
TESTS = []


def _spend(name, started):
    SPENT[name] = SPENT.get(name, 0.0) + time.thread_time() - started


def _timed(name, function):
    @functools.wraps(function)
    def timed(*args, **kwargs):
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            _spend(name, started)
    return timed


def _timed_handler(name, handler):
    @functools.wraps(handler)
    async def timed(request):
        started = time.thread_time()  # the handlers await nothing that another task runs
        try:
            return await handler(request)
        finally:
            _spend(name, started)
    return timed


_serving = routing.serving


def serving(by_method, config):
    path = next(iter(by_method.values())).path
    return _timed_handler(f"server thread: {path}", _serving(by_method, config))


routing.serving = serving
requests._make = _timed("server thread: of which making events", requests._make)
MockfuseTenant.wait_for = _timed("test: wait_for", MockfuseTenant.wait_for)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    TESTS.append(item)
    started = time.thread_time()
    try:
        return (yield)
    finally:
        _spend("test: setup", started)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    started = time.thread_time()
    try:
        return (yield)
    finally:
        _spend("test: teardown", started)


def _report():
    for name, spent in sorted(SPENT.items()):
        print(f"WHERE {name}: {spent / len(TESTS) * 1e6:.0f}")


atexit.register(_report)
"""

SERVER_START = """
import time
start = time.perf_counter()
from mockfuse import MockfuseServer
with MockfuseServer() as server:
    print(time.perf_counter() - start)
"""


def timed(command: list[str], folder: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stdout + done.stderr)
    return took


def where(work: Path, fixture_way: tuple[list[str], dict[str, str]], tests: int) -> None:
    """One run of the fixture's way with ``WHERE_CONFTEST``: its figures, printed."""
    folder = work / "where"
    folder.mkdir()
    (folder / "app.py").write_text(APP)
    (folder / "test_app.py").write_text(WITH_FIXTURE.format(tests=tests))
    (folder / "pytest.ini").write_text("[pytest]\n")
    (folder / "conftest.py").write_text(WHERE_CONFTEST)
    command, env = fixture_way
    done = subprocess.run(
        [*command, "-s"], cwd=folder, env=env, capture_output=True, text=True, check=True
    )
    print("where the fixture's share goes, µs of CPU a test (the thread that spends it):")
    for line in done.stdout.splitlines():
        if line.startswith("WHERE "):
            print("  " + line.removeprefix("WHERE "))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", help="a checkout of mockfuse whose fixture runs too")
    parser.add_argument("--where", action="store_true", help="where the fixture's share goes")
    args = parser.parse_args()
    python = str(client_python("lf5"))
    base_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHONPATH": str(ROOT),
    }
    pytest_command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    with tempfile.TemporaryDirectory() as work:
        names = ["fixture", "bare", "in-process", "disabled"]
        names += ["baseline"] if args.baseline else []
        folders = {name: Path(work) / name for name in names}
        for name, folder in folders.items():
            folder.mkdir()
            (folder / "app.py").write_text(APP)
            suite = WITH_FIXTURE if name in ("fixture", "baseline") else WITHOUT_FIXTURE
            (folder / "test_app.py").write_text(suite.format(tests=args.tests))
            (folder / "pytest.ini").write_text("[pytest]\n")
        (Path(work) / "bare_server.py").write_text(BARE_SERVER)
        (Path(work) / "bare_app.py").write_text(BARE_APP)
        (folders["in-process"] / "conftest.py").write_text(IN_PROCESS_CONFTEST)
        port = free_port()
        bare = subprocess.Popen([python, str(Path(work) / "bare_server.py"), str(port)])
        try:
            wait_until_listening(port)
            keys = {"LANGFUSE_PUBLIC_KEY": "pk-lf-bench", "LANGFUSE_SECRET_KEY": "sk-lf-bench"}
            url = f"http://127.0.0.1:{port}"
            ways = {
                "fixture": ([*pytest_command, "-p", "mockfuse.pytest_plugin"], base_env),
                "bare": (
                    pytest_command,
                    {**base_env, **keys, "LANGFUSE_BASE_URL": url, "LANGFUSE_HOST": url},
                ),
                "in-process": (
                    pytest_command,
                    {**base_env, **keys, "PYTHONPATH": os.pathsep.join([str(ROOT), work])},
                ),
                "disabled": (
                    pytest_command,
                    {**base_env, **keys, "LANGFUSE_TRACING_ENABLED": "false"},
                ),
            }
            if args.baseline:
                baseline_env = {**base_env, "PYTHONPATH": str(Path(args.baseline).resolve())}
                ways["baseline"] = ways["fixture"][0], baseline_env
            if args.where:
                where(Path(work), ways["fixture"], args.tests)
            timings: dict[str, list[float]] = {name: [] for name in ways}
            starts: list[float] = []
            for _ in range(args.runs):
                for name, (command, env) in ways.items():
                    timings[name].append(timed(command, folders[name], env))
                started = subprocess.run(
                    [python, "-c", SERVER_START], env=base_env, capture_output=True, text=True
                )
                starts.append(float(started.stdout.strip()))
        finally:
            bare.terminate()
            bare.wait()
    medians = {name: statistics.median(values) for name, values in timings.items()}
    start = statistics.median(starts)
    print(f"{args.tests} tests, whole process, wall clock, medians of {args.runs} runs:")
    for name, value in medians.items():
        print(f"  {name:<10} {value:6.2f} s")

    def ratio(name: str, over: str) -> str:
        paired = statistics.median(a / b for a, b in zip(timings[name], timings[over], strict=True))
        return f"{name} / {over}: {medians[name] / medians[over]:.2f} (paired {paired:.2f})"

    print(
        f"{ratio('fixture', 'bare')}; server start {start * 1000:.0f} ms in a fresh "
        "interpreter; the fixture adds "
        f"{(medians['fixture'] - medians['bare'] - start) / args.tests * 1000:.2f} ms a test "
        "beyond it"
    )
    print(f"{ratio('in-process', 'bare')}: a server in the tests' own process, doing nothing")
    print(f"{ratio('fixture', 'in-process')}: what mockfuse adds to that")
    if args.baseline:
        print(ratio("baseline", "bare"))


if __name__ == "__main__":
    main()
