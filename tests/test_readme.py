"""Every example in README.md runs as written."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.support.client_envs import client_python
from tests.test_cli import post_seed, serve
from tests.test_downstream import RealLangfuse, passed, run_suite

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


class Given(NamedTuple):
    """A file a README example runs with that README does not show."""

    text: str


# The stub of OpenAI's API a suite already has, here the downstream suites' fake server,
# loaded before the app makes its client (README's drop-in example leaves it to the user).
FAKE_OPENAI = ROOT / "tests" / "downstream" / "shared" / "fake_openai.py"
FAKE_OPENAI_INI = Given("[pytest]\nmockfuse_autostart = true\naddopts = -p fake_openai\n")


def example(kind: str) -> str:
    match = re.search(rf"<!-- readme-example: {kind} -->\n```\w+\n(.*?)```", README, re.DOTALL)
    assert match, f"README has no {kind} example"
    return match.group(1)


def fenced_after(heading: str) -> str:
    match = re.search(rf"{re.escape(heading)}\n\n```\w*\n(.*?)```", README, re.DOTALL)
    assert match, f"README has no block after {heading!r}"
    return match.group(1)


@pytest.mark.clients
def test_the_opentelemetry_only_example_passes_and_no_span_reaches_the_shells_collector(
    tmp_path,
):
    (tmp_path / "test_app.py").write_text(example("otel-only"))
    (tmp_path / "pytest.ini").write_text(example("autostart-ini"))
    real = RealLangfuse()  # also the collector the shell's OTEL_EXPORTER_OTLP_ENDPOINT names
    try:
        shell = {"OTEL_EXPORTER_OTLP_ENDPOINT": real.url}
        # SDK 5.x's environment has OpenTelemetry's SDK and OTLP exporter; the example uses
        # no Langfuse SDK.
        output = run_suite(client_python("lf5"), tmp_path, real, shell=shell)
        assert real.connections == 0
    finally:
        real.close()
    assert passed(output) == 1


def test_the_python_example_runs():
    result = subprocess.run(
        [sys.executable, "-c", example("python")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.clients
def test_the_fixture_example_passes_with_the_real_sdk_and_fails_as_readme_shows(tmp_path):
    (tmp_path / "test_app.py").write_text(example("lf2-pytest"))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    command = [
        str(client_python("lf2")),
        "-m",
        "pytest",
        "-p",
        "mockfuse.pytest_plugin",
        "-p",
        "no:cacheprovider",
    ]
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}

    def pytest_run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )

    created = pytest_run("--mockfuse-update")
    assert created.returncode == 0, created.stdout
    assert (tmp_path / "snapshots/test_app/test_checkout_logs_one_generation.json").exists()
    assert pytest_run().returncode == 0

    (tmp_path / "test_app.py").write_text(
        example("lf2-pytest")
        .replace('model="gpt-4o-mini"', 'model="gpt-4o"')
        .replace('== "gpt-4o-mini"', '== "gpt-4o"')
    )
    failed = pytest_run()
    assert failed.returncode == 1
    # Above the details, the test's traces at a glance (mockfuse.tree()).
    assert "The test's traces:" in failed.stdout
    assert "GENERATION 'llm-call'  gpt-4o  input 12, output 8" in failed.stdout
    shown = fenced_after("A failure reads like this:")
    for line in shown.splitlines():
        text = line.removeprefix("E").strip()
        if text and not text.startswith(("@@", "…")):  # a hunk header, or lines left out
            assert text in failed.stdout, f"README shows {text!r}; pytest printed:\n{failed.stdout}"


@pytest.mark.skipif(shutil.which("curl") is None, reason="the admin examples use curl")
def test_the_admin_api_examples_run_against_mockfuse_serve():
    with serve() as (process, url, _banner):
        assert post_seed(url, "pk-lf-local", "sk-lf-local").status_code == 207
        script = example("bash-against-serve").replace("http://127.0.0.1:3000", url)
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=60
        )
        process.send_signal(signal.SIGTERM)
    assert result.returncode == 0, result.stderr
    assert (
        '"name": "litellm-acompletion"' in result.stdout
        or '"name":"litellm-acompletion"' in result.stdout
    )
    assert '"id": "<trace:1>"' in result.stdout
    assert '"status": 503' in result.stdout
    assert '"cleared"' in result.stdout


@pytest.mark.clients
def test_the_quickstart_serve_command_works_on_a_fresh_copy(tmp_path):
    copy = tmp_path / "mockfuse"
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in tracked:
        if not (ROOT / name).exists():  # deleted in the working tree, not yet committed
            continue
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    command = fenced_after(
        "On a fresh machine with Python 3.10+, from a clone of this repository:"
    ).strip()
    assert command.endswith("mockfuse serve")
    process = subprocess.Popen(
        ["bash", "-c", command],
        cwd=copy,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # one process group: bash, pip and the server stop together
    )
    try:
        banner = ""
        for line in process.stdout:
            banner += line
            if "press Ctrl-C to stop" in line:
                break
        if "serving at http://127.0.0.1:3000" not in banner:
            process.wait(timeout=30)
            raise AssertionError(f"no server; stdout:\n{banner}\nstderr:\n{process.stderr.read()}")
        assert post_seed("http://127.0.0.1:3000", "pk-lf-local", "sk-lf-local").status_code == 207
    finally:
        with contextlib.suppress(ProcessLookupError):  # already gone when it failed to start
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.mark.clients
@pytest.mark.parametrize(
    ("client_env", "examples", "tests"),
    [
        ("lf5", {"test_app.py": "lf5-observe"}, 2),
        ("lf5", {"test_app.py": "rejections"}, 2),
        ("lf2", {"test_app.py": "litellm-callback"}, 2),
        ("lf2", {"test_app.py": "autostart-test", "pytest.ini": "autostart-ini"}, 1),
        ("langchain5", {"test_app.py": "langchain-sdk5", "pytest.ini": "autostart-ini"}, 1),
        ("langchain2", {"test_app.py": "langchain-sdk2", "pytest.ini": "autostart-ini"}, 1),
        ("langchain5", {"test_app.py": "openai-drop-in", "pytest.ini": FAKE_OPENAI_INI}, 1),
    ],
)
def test_the_clients_created_once_examples_pass_test_after_test(
    tmp_path, client_env, examples, tests
):
    for name, kind in examples.items():
        text = kind.text if isinstance(kind, Given) else example(kind)
        (tmp_path / name).write_text(text)
    shutil.copy(FAKE_OPENAI, tmp_path)  # loaded only where a pytest.ini names it
    if not (tmp_path / "pytest.ini").exists():
        (tmp_path / "pytest.ini").write_text("[pytest]\n")
    real = RealLangfuse()  # where the shell's LANGFUSE_HOST points: it must see nothing
    try:
        output = run_suite(client_python(client_env), tmp_path, real)
        assert real.connections == 0
    finally:
        real.close()
    assert passed(output) == tests
