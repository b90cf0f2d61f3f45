"""The journal of ``mockfuse serve --journal FILE``: every capture appended before its answer.

A line is written with one unbuffered ``write`` before the client gets its answer, so a
SIGKILL loses nothing that was acknowledged (the bytes are in the operating system by then).
Starting again on the same file replays it into the store; a torn last line, written when
the process died mid-write, is skipped with a warning.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

logger = logging.getLogger("mockfuse")


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def append(self, capture: dict[str, Any]) -> None:
        record = {**capture, "raw_body": base64.b64encode(capture["raw_body"]).decode("ascii")}
        os.write(self._fd, (json.dumps(record, separators=(",", ":")) + "\n").encode())

    def close(self) -> None:
        os.close(self._fd)


def replay(path: Path) -> Iterator[dict[str, Any]]:
    """The captures a journal holds, in order, ready for ``Store.capture``."""
    if not path.exists():
        return
    lines = path.read_bytes().split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            record["raw_body"] = base64.b64decode(record["raw_body"])
        except (ValueError, KeyError, TypeError):
            if number >= len(lines) - 1:
                logger.warning(
                    "mockfuse: skipped a torn last line (%d) of journal %s", number, path
                )
                continue
            raise ValueError(f"journal {path} line {number} is not a capture") from None
        yield record
