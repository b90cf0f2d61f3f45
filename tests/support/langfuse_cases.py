"""Langfuse's own tests (TypeScript, vitest) run against mockfuse: a folder under ``tests/``
holds a test file copied from ``langfuse/langfuse``, a shim standing in for the Langfuse code
it tests, and a ``vitest.config.mjs`` that points the imports at the shim. This runs such a
folder and judges its outcome against the cases that do not apply to mockfuse."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.support.client_envs import client_node_modules

Outcome = dict[str, dict[str, str]]


def run_cases(folder: Path, report: Path, env: dict[str, str]) -> Outcome:
    """Each case's status (``passed``, ``failed``, ``skipped``) and failure messages, by its
    describe blocks and title joined with ``" > "``."""
    node_modules = client_node_modules("langfuse_cases")
    result = subprocess.run(
        [
            str(node_modules / ".bin" / "vitest"),
            "run",
            "--root",
            str(folder),
            "--config",
            str(folder / "vitest.config.mjs"),
            "--reporter=json",
            f"--outputFile={report}",
        ],
        env={**os.environ, "NODE_PATH": str(node_modules), **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert report.exists(), result.stdout + result.stderr
    outcome = json.loads(report.read_text())
    problems = [suite["message"] for suite in outcome["testResults"] if suite.get("message")]
    assert not problems, problems
    return {
        " > ".join([*case["ancestorTitles"], case["title"]]): {
            "status": case["status"],
            "failure": "\n".join(case["failureMessages"]),
        }
        for suite in outcome["testResults"]
        for case in suite["assertionResults"]
    }


def assert_cases_pass(outcome: Outcome, not_applicable: dict[str, str]) -> int:
    """Every case passes but those listed as not applicable, which must fail (so the list
    never grows stale); answers how many passed."""
    failed = {name: r["failure"] for name, r in outcome.items() if r["status"] == "failed"}
    unexpected = {name: text for name, text in failed.items() if name not in not_applicable}
    assert not unexpected, "\n\n".join(
        f"{name}\n{text[:1500]}" for name, text in unexpected.items()
    )
    now_passing = sorted(set(not_applicable) - set(failed))
    assert not now_passing, f"listed as not applicable, yet they pass: {now_passing}"
    passed = sum(r["status"] == "passed" for r in outcome.values())
    applicable = sum(r["status"] != "skipped" for r in outcome.values()) - len(not_applicable)
    assert passed == applicable
    return passed
