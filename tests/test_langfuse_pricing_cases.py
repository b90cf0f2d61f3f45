"""Langfuse's own pricing tier tests, run against mockfuse's pricing rules.

``tests/langfuse_pricing/pricing-tier-matcher.test.ts`` is Langfuse's test of its tier
matcher, pattern validation and built-in model list (``worker/src/__tests__/`` in
``langfuse/langfuse``, at the commit mockfuse's model list records), copied verbatim. vitest
runs it with Langfuse's code replaced by a shim that asks mockfuse
(``mockfuse.langfuse.models``) and reads the model list mockfuse ships. Every case passes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support.langfuse_cases import assert_cases_pass, run_cases

CASES = Path(__file__).parent / "langfuse_pricing"


@pytest.mark.clients
def test_langfuses_pricing_tier_cases_pass(tmp_path: Path) -> None:
    outcome = run_cases(CASES, tmp_path / "cases.json", {"MOCKFUSE_PYTHON": sys.executable})
    assert assert_cases_pass(outcome, {}) > 100
