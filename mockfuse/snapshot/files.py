"""Snapshot files: where each one lives, and writing them so no reader sees half a file.

A test's snapshot lives at ``<snapshot dir>/<test module path>/<test name>[.<name>].json``.
Every path segment is sanitized: only ``[A-Za-z0-9_.-]`` and the brackets of pytest's
parameter ids survive, no segment starts with a dot (so neither ``..`` nor hidden files), and
a segment that had to change gets a short hash of its original text, so that two names never
share a file. A final check refuses any path
that would still resolve outside the snapshot folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

from mockfuse.snapshot.compare import snapshot_text

_UNSAFE = re.compile(r"[^A-Za-z0-9_.\[\]-]+")
MAX_SEGMENT = 100


def safe_segment(text: str) -> str:
    cleaned = _UNSAFE.sub("_", text).strip("._")
    if cleaned == text and 0 < len(cleaned) <= MAX_SEGMENT:
        return cleaned
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{cleaned[:MAX_SEGMENT]}-{digest}" if cleaned else digest


def location_of(nodeid: str) -> tuple[list[str], str]:
    """Folder segments and file stem for a pytest node id, both sanitized."""
    module, _, rest = nodeid.partition("::")
    module = module[:-3] if module.endswith(".py") else module
    folders = [safe_segment(part) for part in module.split("/") if part]
    return folders, safe_segment(rest.replace("::", ".") or "snapshot")


def snapshot_path(root: Path, nodeid: str, name: str | None = None) -> Path:
    folders, stem = location_of(nodeid)
    file_name = f"{stem}.{safe_segment(name)}.json" if name else f"{stem}.json"
    path = root.joinpath(*folders, file_name)
    resolved_root = root.resolve()
    if not path.resolve().is_relative_to(resolved_root):
        raise ValueError(f"snapshot name {name!r} of {nodeid!r} leaves {root}")
    return path


def prefix_of(root: Path, nodeid: str) -> tuple[Path, str]:
    """The folder and file-name stem every snapshot of ``nodeid`` shares."""
    folders, stem = location_of(nodeid)
    return root.joinpath(*folders), stem


def read_snapshot(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_snapshot(path: Path, data: Any) -> None:
    """Write atomically: xdist workers and readers never see a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    temporary.write_text(snapshot_text(data), encoding="utf-8")
    os.replace(temporary, path)


def snapshot_files(root: Path) -> set[Path]:
    if not root.is_dir():
        return set()
    return {path for path in root.rglob("*.json") if path.is_file()}
