"""``mockfuse serve`` as a user runs it: a separate process, stopped by a signal."""

from __future__ import annotations

import os
import platform
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mockfuse.auth import basic_authorization
from tests.support.http import seed_batch
from tests.support.serve import serve


def post_seed(url: str, public_key: str, secret_key: str) -> httpx.Response:
    return httpx.post(
        url + "/api/public/ingestion",
        json=seed_batch(),
        headers={"Authorization": basic_authorization(public_key, secret_key)},
    )


# uvloop is what ``serve`` runs on when installed (the ``fast`` extra); asyncio's loop otherwise.
ROOT = Path(__file__).resolve().parent.parent

LOOPS = {"uvloop": {"MOCKFUSE_NO_UVLOOP": ""}, "asyncio": {"MOCKFUSE_NO_UVLOOP": "1"}}


@pytest.mark.parametrize("loop", LOOPS)
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_its_url_and_env_and_stops_cleanly_on_a_signal(stop_signal, loop):
    if loop == "uvloop":
        pytest.importorskip("uvloop")
    with serve(env=LOOPS[loop]) as (process, url, banner):
        text = "".join(banner)
        assert f"event loop: {loop}\n" in text
        for name in ("LANGFUSE_HOST", "LANGFUSE_BASE_URL", "LANGFUSE_BASEURL"):
            assert f"export {name}={url}" in text
        assert "export LANGFUSE_PUBLIC_KEY=pk-lf-local" in text
        assert f"trace viewer: {url}/_mockfuse/\n" in text
        assert f"admin API: {url}/_mockfuse/" in text
        assert url.startswith("http://127.0.0.1:")

        assert post_seed(url, "pk-lf-local", "sk-lf-local").status_code == 207
        events = httpx.get(url + "/_mockfuse/events", params={"public_key": "pk-lf-local"}).json()
        assert len(events["data"]) == 2

        process.send_signal(stop_signal)
        assert process.wait(timeout=10) == 0
        assert "mockfuse stopped" in process.stdout.read()


def test_serve_answers_alike_where_msgspec_and_uvloop_cannot_be_imported(tmp_path):
    """A platform without their wheels (uvloop has none for Windows) runs the pure-Python
    paths: asyncio's loop, and every batch judged event by event."""
    blocker = "import sys\nsys.modules['msgspec'] = None\nsys.modules['uvloop'] = None\n"
    (tmp_path / "sitecustomize.py").write_text(blocker)
    env = {"PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    with serve(env=env) as (_, url, banner):
        assert "event loop: asyncio\n" in "".join(banner)
        answer = post_seed(url, "pk-lf-local", "sk-lf-local")
        assert (answer.status_code, answer.json()["errors"]) == (207, [])
        events = httpx.get(url + "/_mockfuse/events", params={"public_key": "pk-lf-local"}).json()
        assert len(events["data"]) == 2


def test_serve_freezes_the_heap_before_it_listens():
    # The objects its imports made are out of the collector's sight before the first request,
    # so that the first freeze under load is as short as the others.
    script = """
import gc
from mockfuse import cli

async def start_site(app, host, port):
    print("frozen", gc.get_freeze_count(), flush=True)
    raise SystemExit(0)

cli.start_site = start_site
cli.main(["serve", "--port", "0"])
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    frozen = re.search(r"frozen (\d+)", done.stdout)
    assert frozen is not None, done.stdout + done.stderr
    assert int(frozen.group(1)) > 10_000  # aiohttp's and mockfuse's own objects, at least


def test_serve_keeps_freed_memory_for_its_next_requests_before_it_listens():
    # An inflated export freed after its request is the next one's memory, not fresh pages.
    script = """
from mockfuse import cli
from mockfuse.capture import heap

held = []
real = heap.hold_freed_memory
heap.hold_freed_memory = lambda: held.append(real()) or held[-1]

async def start_site(app, host, port):
    print("held", held, flush=True)
    raise SystemExit(0)

cli.start_site = start_site
cli.main(["serve", "--port", "0"])
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    expected = [True] if glibc else [False]
    assert f"held {expected}" in done.stdout, done.stdout + done.stderr


def test_serve_with_keys_accepts_only_those():
    with serve("--keys", "pk-lf-a:sk-lf-a", "--keys", "pk-lf-b:sk-lf-b") as (_, url, banner):
        assert "export LANGFUSE_PUBLIC_KEY=pk-lf-a" in "".join(banner)
        assert post_seed(url, "pk-lf-b", "sk-lf-b").status_code == 207
        assert post_seed(url, "pk-lf-b", "sk-lf-a").status_code == 401
        assert post_seed(url, "pk-lf-c", "sk-lf-c").status_code == 401


def test_serve_refuses_a_port_in_use_with_a_message():
    with serve() as (_, url, _banner):
        port = url.rsplit(":", 1)[1]
        result = subprocess.run(
            [sys.executable, "-m", "mockfuse", "serve", "--port", port],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr


@pytest.mark.parametrize(
    "argv", [["serve", "--keys", "no-colon"], ["serve", "--port", "x"], ["bogus"], []]
)
def test_usage_errors_exit_2(argv):
    result = subprocess.run(
        [sys.executable, "-m", "mockfuse", *argv], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "usage: mockfuse" in result.stderr


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "mockfuse"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("mockfuse ")
