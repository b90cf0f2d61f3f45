"""Virtual environments for real Langfuse clients whose versions cannot share one.

Each client generation (SDK 2.x with LiteLLM's classic logging, SDK 5.x, LiteLLM current,
the legacy JS SDK) gets its own environment — a venv from
``tests/clients/<name>.requirements.txt``, or node_modules from
``tests/clients/<name>.package.json`` — built once per machine and cached under
``~/.cache/mockfuse/client-envs`` (``MOCKFUSE_CLIENT_ENVS`` overrides). The cache key
is the requirements file and the interpreter version, so changing either builds afresh. A
file lock makes parallel xdist workers wait for one build instead of racing.

Run ``python -m tests.support.client_envs`` to build them all ahead of the tests.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

CLIENTS = Path(__file__).resolve().parent.parent / "clients"
CACHE = Path(
    os.environ.get("MOCKFUSE_CLIENT_ENVS", Path.home() / ".cache" / "mockfuse" / "client-envs")
)


def _env_dir(name: str) -> Path:
    requirements = CLIENTS / f"{name}.requirements.txt"
    key = hashlib.sha256(requirements.read_bytes() + sys.version.encode()).hexdigest()[:12]
    return CACHE / f"{name}-{key}"


def client_python(name: str) -> Path:
    """The interpreter of Python client environment ``name``, built first if needed."""
    env_dir = _env_dir(name)
    requirements = CLIENTS / f"{name}.requirements.txt"
    _build_once(
        name,
        env_dir,
        [
            [sys.executable, "-m", "venv", str(env_dir)],
            [
                str(env_dir / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
                str(requirements),
            ],
        ],
    )
    return env_dir / "bin" / "python"


def _build_once(name: str, env_dir: Path, build: list[list[str]]) -> None:
    """Run ``build`` to make ``env_dir`` unless a finished build is there; one builder at a
    time across xdist workers."""
    complete = env_dir / ".complete"
    if complete.exists():
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if complete.exists():
            return
        shutil.rmtree(env_dir, ignore_errors=True)
        env_dir.mkdir(parents=True)
        for command in build:
            step = subprocess.run(command, cwd=env_dir, capture_output=True, text=True)
            if step.returncode != 0:
                raise RuntimeError(f"building client env {name} failed:\n{step.stderr}")
        complete.touch()


def _failed(script: str, code: int, stdout: str, stderr: str) -> AssertionError:
    return AssertionError(f"{script} exited {code}\nstdout:\n{stdout}\nstderr:\n{stderr}")


def client_node_modules(name: str) -> Path:
    """The ``node_modules`` of JavaScript client environment ``name``, installed first if
    needed from ``tests/clients/<name>.package.json``."""
    package = CLIENTS / f"{name}.package.json"
    node_version = subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=True
    ).stdout
    key = hashlib.sha256(package.read_bytes() + node_version.encode()).hexdigest()[:12]
    env_dir = CACHE / f"{name}-{key}"
    _build_once(
        name,
        env_dir,
        [
            ["cp", str(package), "package.json"],
            ["npm", "install", "--no-audit", "--no-fund", "--silent"],
        ],
    )
    return env_dir / "node_modules"


def run_node_client(
    name: str, script: str, env: dict[str, str], *args: str, timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    """Run ``tests/clients/<script>`` (CommonJS) with node, resolving packages from client
    environment ``name``."""
    full_env = {**os.environ, **env, "NODE_PATH": str(client_node_modules(name))}
    result = subprocess.run(
        ["node", str(CLIENTS / script), *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise _failed(script, result.returncode, result.stdout, result.stderr)
    return result


def run_client(
    name: str, script: str, env: dict[str, str], *args: str, timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    """Run ``tests/clients/<script>`` in client environment ``name`` with ``env`` added.

    A client still running after ``timeout`` seconds is aborted with SIGABRT, which makes
    Python's faulthandler print every thread's stack: the failure shows where it hung.
    """
    full_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
    full_env.pop("PYTHONPATH", None)
    command = [str(client_python(name)), "-X", "faulthandler", str(CLIENTS / script), *args]
    with subprocess.Popen(
        command, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            stdout, stderr = process.communicate()
            raise AssertionError(
                f"{script} still ran after {timeout}s; its threads:\n{stderr}\nstdout:\n{stdout}"
            ) from None
    if process.returncode != 0:
        raise _failed(script, process.returncode, stdout, stderr)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


if __name__ == "__main__":
    for requirements in sorted(CLIENTS.glob("*.requirements.txt")):
        env_name = requirements.name.removesuffix(".requirements.txt")
        print(f"client env {env_name}: {client_python(env_name)}", flush=True)
    for package in sorted(CLIENTS.glob("*.package.json")):
        env_name = package.name.removesuffix(".package.json")
        print(f"client env {env_name}: {client_node_modules(env_name)}", flush=True)
