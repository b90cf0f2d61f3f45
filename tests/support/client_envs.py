"""Virtual environments for real Langfuse clients whose versions cannot share one.

Each client generation (SDK 2.x with LiteLLM's classic logging, later SDK 5.x, ...) gets its
own venv, built once per machine from ``tests/clients/<name>.requirements.txt`` and cached
under ``~/.cache/mockfuse/client-envs`` (``MOCKFUSE_CLIENT_ENVS`` overrides). The cache key
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
    """The interpreter of client environment ``name``, built first if needed."""
    env_dir = _env_dir(name)
    python = env_dir / "bin" / "python"
    complete = env_dir / ".complete"
    if complete.exists():
        return python
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if complete.exists():
            return python
        shutil.rmtree(env_dir, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
        install = subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
                str(CLIENTS / f"{name}.requirements.txt"),
            ],
            capture_output=True,
            text=True,
        )
        if install.returncode != 0:
            raise RuntimeError(f"building client env {name} failed:\n{install.stderr}")
        complete.touch()
    return python


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
        raise AssertionError(
            f"{script} exited {process.returncode}\nstdout:\n{stdout}\nstderr:\n{stderr}"
        )
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


if __name__ == "__main__":
    for requirements in sorted(CLIENTS.glob("*.requirements.txt")):
        env_name = requirements.name.removesuffix(".requirements.txt")
        print(f"client env {env_name}: {client_python(env_name)}", flush=True)
