"""A test session's snapshot bookkeeping: compare or write, count, and find unused files.

``SnapshotRecorder`` knows nothing of pytest; the plugin feeds it the session's facts (which
tests were skipped, whether the run was full) and prints what it reports. Under xdist each
worker has its own recorder, and the controller merges their ``to_json()`` into its own.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockfuse.snapshot.compare import describe_difference, find_changes, snapshot_text
from mockfuse.snapshot.files import (
    prefix_of,
    read_snapshot,
    snapshot_files,
    snapshot_path,
    write_snapshot,
)

OUTCOMES = ("written", "updated", "failed", "passed")


def update_command(nodeid: str) -> str:
    return f"pytest --mockfuse-update {shlex.quote(nodeid)}"


@dataclass
class SnapshotRecorder:
    root: Path
    update: bool
    volatile: tuple[str, ...] = ()  # the ini option's patterns of values that change each run
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    used: set[Path] = field(default_factory=set)
    skipped: set[str] = field(default_factory=set)

    def relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def check(self, path: Path, actual: Any, nodeid: str) -> None:
        """Compare ``actual`` with the file at ``path``, or write it in update mode."""
        __tracebackhide__ = True
        self.used.add(path)
        label = self.relative(path)
        expected: Any = None
        problem: str | None = None
        existed = path.exists()
        if not existed:
            problem = f"mockfuse snapshot {label} does not exist."
        else:
            try:
                expected = read_snapshot(path)
            except ValueError as error:
                problem = f"mockfuse snapshot {label} is not valid JSON ({error})."
        changes = find_changes(expected, actual) if problem is None else []
        if self.update:
            if problem is not None:
                write_snapshot(path, actual)
                self.counts["updated" if existed else "written"] += 1
            elif changes or path.read_text(encoding="utf-8") != snapshot_text(expected):
                write_snapshot(path, actual)
                self.counts["updated"] += 1
            else:
                self.counts["passed"] += 1
            return
        if problem is not None:
            self.counts["failed"] += 1
            raise AssertionError(f"{problem}\nCreate it with:\n  {update_command(nodeid)}")
        if changes:
            self.counts["failed"] += 1
            report = describe_difference(expected, actual, changes, expected_label=label)
            raise AssertionError(
                f"{report}\n\nIf the change is intended:\n  {update_command(nodeid)}"
            )
        self.counts["passed"] += 1

    # -- across a session ------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "used": sorted(str(path) for path in self.used),
            "skipped": sorted(self.skipped),
        }

    def merge(self, other: dict[str, Any]) -> None:
        for outcome in OUTCOMES:
            self.counts[outcome] += other["counts"][outcome]
        self.used.update(Path(path) for path in other["used"])
        self.skipped.update(other["skipped"])

    def unused(self) -> list[Path]:
        """Snapshot files no test used, sparing those of tests that were skipped."""
        spared = [prefix_of(self.root, nodeid) for nodeid in self.skipped]
        return sorted(
            path
            for path in snapshot_files(self.root) - self.used
            if not any(
                path.parent == folder
                and (path.name == f"{stem}.json" or path.name.startswith(f"{stem}."))
                for folder, stem in spared
            )
        )

    def summary(self, unused: list[Path] | None) -> str:
        parts = [f"{self.counts[outcome]} {outcome}" for outcome in OUTCOMES]
        parts.append(
            f"{len(unused)} unused" if unused is not None else "unused not checked (partial run)"
        )
        return "mockfuse snapshots: " + ", ".join(parts)


@dataclass
class SnapshotsOfTest:
    """The snapshots of one test: names it used, and the path of each."""

    recorder: SnapshotRecorder
    nodeid: str
    names: set[str | None] = field(default_factory=set)
    unnamed: int = 0

    def path_for(self, name: str | None) -> Path:
        if name is None:
            self.unnamed += 1
            # A second unnamed snapshot in one test gets a number, as syrupy numbers them.
            name = None if self.unnamed == 1 else str(self.unnamed)
        elif name in self.names:
            raise ValueError(f"snapshot name {name!r} is used twice in {self.nodeid}")
        self.names.add(name)
        return snapshot_path(self.recorder.root, self.nodeid, name)

    def check(self, name: str | None, actual: Any) -> None:
        __tracebackhide__ = True
        self.recorder.check(self.path_for(name), actual, self.nodeid)
