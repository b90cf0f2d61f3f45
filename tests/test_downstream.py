"""Downstream suites: a user's app and its tests, in one pytest process with the real client.

Each suite under ``tests/downstream/<suite>`` is what a user writes: an ``app.py`` that uses
Langfuse the way Langfuse's docs teach (one client per process: ``@observe`` and
``get_client()``, ``langfuse_context``, LiteLLM's callback, a module-level client, LangChain's
CallbackHandler with SDK 5.x and 2.x, the OpenAI drop-in; or an OpenTelemetry
instrumentation: OpenLLMetry and OpenInference with the app's own exporter, Pydantic AI's
own, the OpenAI Agents SDK's through the Langfuse SDK) and test files of
several tests each, using the ``mockfuse`` fixture. It runs in the client environment's own
Python with mockfuse importable from the checkout: once with ``--mockfuse-update`` (writing
its snapshots, with no ``ignore=``), then comparing them in five fresh runs in a row and one
under ``-n 2``, each with new ids, times and ports. The shell's ``LANGFUSE_*`` variables point at
a listener standing for the real Langfuse, which must never see a connection.

``vercel_ai`` (the Vercel AI SDK through ``@langfuse/otel``) and ``js_current`` (the current
Langfuse JS SDK) are JavaScript apps and suites against ``mockfuse serve``, as suites in other
languages use it, sharing ``shared_js/mockfuse.cjs``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.client_envs import client_node_modules, client_python
from tests.support.serve import serve

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "tests" / "downstream"

# run -> (suite, the client environment it runs in). A suite that runs in several
# environments may hold an ``app_<environment>.py`` for each, which becomes its ``app.py``.
RUNS = {
    "sdk5": ("sdk5", "lf5"),
    "sdk2": ("sdk2", "lf2"),
    "litellm_classic": ("litellm", "lf2"),
    "litellm_current": ("litellm", "litellm_current"),
    "module_client_sdk2": ("module_client", "lf2"),
    "module_client_sdk5": ("module_client", "lf5"),
    "openllmetry": ("openai_instrumented", "otel_openllmetry"),
    "openinference": ("openai_instrumented", "otel_openinference"),
    "pydantic_ai": ("pydantic_ai", "pydantic_ai"),
    "openai_agents": ("openai_agents", "openai_agents"),
    "langchain_sdk5": ("langchain", "langchain5"),
    "langchain_sdk2": ("langchain", "langchain2"),
    "openai_dropin": ("openai_dropin", "langchain5"),
}


# Fresh runs in a row that compare with the snapshots written once, before one under xdist.
SERIAL_COMPARISONS = 5


class RealLangfuse:
    """A listener where the shell's LANGFUSE_HOST points: counts every connection."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:  # closed
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._socket.close()


@pytest.fixture
def real_langfuse() -> Iterator[RealLangfuse]:
    listener = RealLangfuse()
    yield listener
    listener.close()


def suite_copy(name: str, client_env: str, into: Path) -> Path:
    shutil.copytree(SUITES / name, into, dirs_exist_ok=True, ignore=shutil.ignore_patterns("app_*"))
    for shared in (SUITES / "shared").glob("*.py"):  # conftest.py, fake_openai.py
        shutil.copy(shared, into / shared.name)
    app = SUITES / name / f"app_{client_env}.py"
    if app.exists():
        shutil.copy(app, into / "app.py")
    return into


def run_suite(
    python: Path, folder: Path, real: RealLangfuse, *args: str, shell: dict[str, str] | None = None
) -> str:
    """Run the pytest suite in ``folder`` with ``python``, from a shell that points at
    ``real`` (and holds ``shell`` besides), and answer its output."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(folder)),
        "PYTHONPATH": str(ROOT),
        # A developer's shell holding real Langfuse keys: the run must not use them.
        "LANGFUSE_HOST": real.url,
        "LANGFUSE_BASE_URL": real.url,
        "LANGFUSE_PUBLIC_KEY": "pk-lf-real-project",
        "LANGFUSE_SECRET_KEY": "sk-lf-real-project",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        **(shell or {}),
    }
    command = [str(python), "-m", "pytest", "-p", "mockfuse.pytest_plugin"]
    result = subprocess.run(
        [*command, "-p", "no:cacheprovider", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def passed(output: str) -> int:
    match = re.search(r"(\d+) passed[^\n]* in [\d.]+s", output)
    assert match, output
    return int(match.group(1))


@pytest.mark.clients
@pytest.mark.parametrize("run", RUNS)
def test_a_downstream_suite_passes_serial_and_under_xdist(run, tmp_path, real_langfuse):
    suite, client_env = RUNS[run]
    python = client_python(client_env)
    folder = suite_copy(suite, client_env, tmp_path)

    written = run_suite(python, folder, real_langfuse, "--mockfuse-update")
    assert passed(written) >= 5
    snapshots = sorted((folder / "snapshots").rglob("*.json"))
    assert snapshots, written
    assert f"mockfuse snapshots: {len(snapshots)} written" in written

    for _ in range(SERIAL_COMPARISONS):
        compared = run_suite(python, folder, real_langfuse)
        assert passed(compared) == passed(written)
        assert f"0 written, 0 updated, 0 failed, {len(snapshots)} passed" in compared

    parallel = run_suite(python, folder, real_langfuse, "-n", "2", "--dist", "loadfile")
    assert passed(parallel) == passed(written)
    assert f"0 failed, {len(snapshots)} passed" in parallel

    assert real_langfuse.connections == 0


# JavaScript suites: folder -> how many tests pass in a run, how many snapshot files it writes.
JS_SUITES = {"vercel_ai": (5, 2), "js_current": (5, 3)}


@pytest.mark.clients
@pytest.mark.parametrize("suite", JS_SUITES)
def test_a_javascript_suite_passes_serial_and_side_by_side(suite, tmp_path):
    """A JavaScript suite against ``mockfuse serve``, as a suite in another language uses it:
    node's own test runner, a key per test file, the admin API to forget and read a key's
    captures, and ``mockfuse check`` for its snapshot files, written once and then compared
    in five fresh runs in a row and one with the two files side by side."""
    tests, files = JS_SUITES[suite]
    folder = shutil.copytree(SUITES / suite, tmp_path / suite)
    shutil.copy(SUITES / "shared_js" / "mockfuse.cjs", folder / "mockfuse.cjs")
    with serve() as (_, url, _banner):
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "NODE_PATH": str(client_node_modules(suite)),
            "LANGFUSE_BASE_URL": url,
            "LANGFUSE_SECRET_KEY": f"sk-lf-{suite}",
        }

        def node_test(concurrency: int, **extra: str) -> str:
            result = subprocess.run(
                ["node", "--test", f"--test-concurrency={concurrency}"],
                cwd=folder,
                env={**env, **extra},
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, result.stdout + result.stderr
            assert "# fail 0" in result.stdout, result.stdout
            return result.stdout

        written = node_test(1, MOCKFUSE_UPDATE="1")
        snapshots = sorted((folder / "snapshots").rglob("*.json"))
        assert len(snapshots) == files, written
        for concurrency in (1,) * SERIAL_COMPARISONS + (2,):
            output = node_test(concurrency)
            assert f"# pass {tests}" in output, output
            assert "mockfuse: captures match" in output, output
        assert sorted((folder / "snapshots").rglob("*.json")) == snapshots
