"""``mockfuse serve`` as a user runs it: a separate process on a free port."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def serve(
    *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], str, list[str]]]:
    """A running ``mockfuse serve --port 0``: the process, its URL and its banner's lines."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mockfuse", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    try:
        first = process.stdout.readline() if process.stdout else ""
        match = re.search(r"serving at (http://\S+)", first)
        if match is None or process.stdout is None:
            process.kill()
            stderr = process.stderr.read() if process.stderr else ""
            raise AssertionError(f"no URL in {first!r}; stderr: {stderr}")
        banner = [first] + [process.stdout.readline() for _ in range(10)]
        yield process, match.group(1), banner
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
