"""Snapshots this project keeps under snapshots/: the canonical seed batch in each view, and
no committed snapshot holding what changes on every run."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.support.http import post_json, seed_batch

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("view", ["traces", "events", "requests"])
def test_seed_batch_snapshot(mockfuse, view):
    post_json(mockfuse, "/api/public/ingestion", seed_batch())
    mockfuse.assert_snapshot(view=view)


# What changes on every run, written independently of mockfuse's own rules: none of it may
# stand in a committed snapshot, or the snapshot would fail on the next run.
RAW_VALUES = {
    "UUID": r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    "hex trace or span id": r"(?<![0-9A-Za-z])(?:[0-9a-f]{32}|[0-9a-f]{16})(?![0-9A-Za-z])",
    # Drawn ids mix in digits or capitals; a key such as ``call_metadata`` does not.
    "provider id": r"(?<![A-Za-z0-9])(?:chatcmpl-|resp_|msg_|call_|toolu_|run-|lc_run--)"
    r"(?=[a-z-]*[A-Z0-9])[A-Za-z0-9-]{6,}",
    "timestamp": r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}",
    "epoch time": r"\b1[6-9]\d{8}(?:\d{3})?\b",
    "loopback port": r"(?:127\.0\.0\.1|localhost):\d",
}


def committed_snapshots() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "*.json"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    files = [ROOT / name for name in listed.stdout.split("\0") if name]
    return [path for path in files if "snapshots" in path.relative_to(ROOT).parts]


def test_no_committed_snapshot_holds_a_value_that_changes_on_every_run():
    snapshots = committed_snapshots()
    assert len(snapshots) >= 9
    found = [
        f"{path.relative_to(ROOT)}: {kind} {match.group(0)!r}"
        for path in snapshots
        for kind, pattern in RAW_VALUES.items()
        for match in re.finditer(pattern, path.read_text())
    ]
    assert not found, "\n".join(found)
