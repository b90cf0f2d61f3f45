"""Langfuse's own OTel mapping tests, run against mockfuse over HTTP, both wires.

``tests/langfuse_otel/otelMapping.servertest.ts`` is Langfuse's test of its
``OtelIngestionProcessor`` (OTLP spans in, ingestion events out, each case with its own
assertions), copied verbatim from ``langfuse/langfuse`` at the commit in
``tests/langfuse_otel/SOURCE.md``. vitest runs it with Langfuse's processor replaced by a
shim (``langfuse_shared_shim.ts``) that exports each case's spans to the session's mockfuse
and hands back the events mockfuse made of them. Every case passes, except those listed in
``NOT_APPLICABLE`` (and ``docs/opentelemetry.md``), each of which asserts something a
server cannot be asked over HTTP. The list is exact: a listed case that starts to pass
fails this test too, so the list never grows stale.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mockfuse.server import MockfuseServer
from mockfuse.testing.tenant import OTLP_TRACES_PATH
from tests.support.langfuse_cases import Outcome, assert_cases_pass, run_cases
from tests.support.otlp_relay import otlp_protobuf_relay

CASES = Path(__file__).parent / "langfuse_otel"
DOCS = Path(__file__).parent.parent / "docs" / "opentelemetry.md"
_PREFIX = "OTel Resource Span Mapping > "

_INTERNAL = "Langfuse's internal telemetry (isLangfuseInternal), which no client sends"
_APP_ROOT = "isAppRoot is a field of Langfuse's direct event write, not of ingestion events"
_TOOL_MAP = "toolDefinitions is a column of Langfuse's event table, not of ingestion events"
_COUNTING = "getTotalSpanCount is an internal helper with no HTTP counterpart"
_CONVERSION = "convertNanoTimestampToISO is an internal helper with no HTTP counterpart"

NOT_APPLICABLE = {
    "Property Mapping > recovers the internal evaluator environment from failed OpenRouter "
    "Broadcast requests": _INTERNAL,
    "Property Mapping > normalizes environment on the direct events write path (LFE-14403)": (
        _INTERNAL
    ),
    **{
        f"Property Mapping > should extract isAppRoot from {source}": _APP_ROOT
        for source in ("missing attribute", "boolean true", "string true", "boolean false")
    },
    "Property Mapping > should extract isAppRoot from string false": _APP_ROOT,
    "Property Mapping > should move gen_ai.tool.definitions from metadata to observation "
    "input": _TOOL_MAP,
    "Property Mapping > should extract AI SDK available tools after metadata normalization "
    "in processToEvent": _TOOL_MAP,
    **{
        f"Span Counting > {name}": _COUNTING
        for name in (
            "should count spans correctly across multiple resource spans",
            "should handle empty resource spans",
            "should handle null/undefined resource spans",
            "should handle malformed resource spans",
            "should return 0 for non-array input",
            "should handle deeply nested null/undefined structures",
            "should return -1 and not throw on unexpected errors",
        )
    },
    **{
        f"Timestamp Conversion > {name}": _CONVERSION
        for name in (
            "should correctly convert OpenTelemetry timestamps to ISO strings",
            "should handle various timestamp formats correctly",
            "should return undefined for missing or invalid timestamps",
        )
    },
    "Missing span timestamps > should use the present timestamp as fallback when only one "
    "edge is missing": _CONVERSION + " (mockfuse's fallback: tests/test_otel.py)",
}


@pytest.fixture(scope="module")
def mapping_server() -> Iterator[MockfuseServer]:
    with MockfuseServer() as server:
        yield server


def _run_cases(mockfuse_url: str, export_url: str, report: Path) -> Outcome:
    env = {"MOCKFUSE_URL": mockfuse_url, "MOCKFUSE_EXPORT_URL": export_url}
    outcome = run_cases(CASES, report, env)
    return {name.removeprefix(_PREFIX): result for name, result in outcome.items()}


@pytest.mark.clients
@pytest.mark.parametrize("wire", ["json", "protobuf"])
def test_langfuses_mapping_cases_pass(
    mapping_server: MockfuseServer, wire: str, tmp_path: Path
) -> None:
    report = tmp_path / "cases.json"
    target = mapping_server.url + OTLP_TRACES_PATH
    if wire == "json":
        results = _run_cases(mapping_server.url, target, report)
    else:
        with otlp_protobuf_relay(target) as relay:
            results = _run_cases(mapping_server.url, relay, report)

    assert assert_cases_pass(results, NOT_APPLICABLE) > 200


def test_every_case_left_out_is_documented() -> None:
    documented = DOCS.read_text()
    missing = [name for name in NOT_APPLICABLE if name not in documented]
    assert not missing, f"docs/opentelemetry.md does not list: {missing}"
