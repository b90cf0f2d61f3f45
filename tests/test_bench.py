"""The benchmarks README quotes stay runnable: each script's imports resolve and its options
parse (``--help``), so a refactor of one bench cannot silently break another that imports it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
# The scripts, not the helpers they share; the bare servers take a port (after their flags)
# and serve at once (the load benches start them).
SCRIPTS = sorted(
    p.name
    for p in BENCH.glob("*.py")
    if '__name__ == "__main__"' in p.read_text() and not p.name.startswith("bare_")
)


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_bench_script_starts(script):
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout


def test_every_bench_script_has_its_figures_in_the_benchmarks_doc():
    doc = (BENCH.parent / "docs" / "benchmarks.md").read_text()
    missing = [script for script in SCRIPTS if f"bench/{script}" not in doc]
    assert not missing, f"docs/benchmarks.md does not show: {missing}"
