"""The current Langfuse JS SDK, unchanged, pointed at the fixture: @langfuse/tracing and
@langfuse/otel export OpenTelemetry spans (on OpenTelemetry's NodeSDK), @langfuse/client
sends scores, manages prompts and datasets and reads traces back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.client_envs import run_client, run_node_client

OTLP = "/api/public/otel/v1/traces"


@pytest.mark.clients
def test_the_current_js_sdk_gives_the_same_snapshot_as_python_sdk_5(mockfuse, mockfuse_server):
    """Spans through @langfuse/otel, the score through @langfuse/client's batched
    ingestion: the same traces as SDK 5.x's for the same workload, but for one difference
    Langfuse shows too. Both set the metadata ``{"k": "2"}``; SDK 5.x sends the value as
    JSON text (``'"2"'``), the JS SDK as it is (``"2"``), and Langfuse's read API parses
    metadata values as JSON, so the JS SDK's reads as the number 2."""
    python = mockfuse_server.tenant()
    try:
        run_client("lf5", "lf5_common_workload.py", python.env)
        run_node_client("js_current", "js_current_common_workload.cjs", mockfuse.env)
        sent = {(r.path, r.status) for r in mockfuse.requests}
        assert sent == {(OTLP, 200), ("/api/public/ingestion", 207)}
        assert {r.header("x-langfuse-sdk-name") for r in mockfuse.requests} == {"javascript"}
        js_snapshot, python_snapshot = mockfuse.snapshot(), python.snapshot()
        assert _retrieval(js_snapshot)["metadata"] == {"k": 2}
        assert _retrieval(python_snapshot)["metadata"] == {"k": "2"}
        _retrieval(js_snapshot)["metadata"] = {"k": "2"}
        assert js_snapshot == python_snapshot
    finally:
        python.close()


def _retrieval(snapshot: list[dict[str, Any]]) -> dict[str, Any]:
    [trace] = snapshot
    [pipeline] = trace["observations"]
    return next(child for child in pipeline["children"] if child["name"] == "retrieval")


@pytest.mark.clients
def test_the_current_js_sdk_manages_prompts_and_datasets_and_reads_back(mockfuse):
    result = run_node_client("js_current", "js_current_read_back.cjs", mockfuse.env)
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {
        "prompts": [[1, "Hi Ada"], [2, "Hello Ada"]],
        "latestAfterDelete": 1,  # "latest" moved back when version 2 was deleted
        "fallback": [True, "Bye Ada"],
        "dataset": ["js-current-set", "from the current js sdk", [["js-item-1", {"q": 1}, 2]]],
        "media": [True, "image/png", True],
        "trace": ["js-read-back", {"question": "read me back"}, ["js-read-back"]],
    }
    # The SDK URL-encodes a name's slash; Langfuse's router (and mockfuse's) decodes it.
    [delete] = [r for r in mockfuse.requests if r.method == "DELETE"]
    assert (delete.path, delete.query, delete.status) == (
        "/api/public/v2/prompts/js/greeting",
        {"version": "2"},
        204,
    )
    [missing] = [r for r in mockfuse.requests if r.status == 404]
    assert missing.response == {
        "error": "LangfuseNotFoundError",
        "message": "Prompt not found: 'js/missing' with label 'production'",
    }


@pytest.mark.clients
def test_the_current_js_sdk_lists_traces_through_langfuses_filter_parameter(mockfuse):
    result = run_node_client("js_current", "js_current_filters.cjs", mockfuse.env)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "user": ["checkout", "login"],
        "tags": ["checkout"],
        "metadata": ["checkout", "login"],
        "names": ["checkout", "refund"],
        "both": ["checkout"],
        "badFilter": 400,
    }


@pytest.mark.clients
def test_the_current_js_sdk_runs_an_experiment_and_reads_it_back(mockfuse):
    result = run_node_client("js_current", "js_current_experiment.cjs", mockfuse.env)
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    (france, france_output, france_trace), (italy, italy_output, italy_trace) = seen["items"]
    assert (france, france_output, italy, italy_output) == ("js-France", "Lyon", "js-Italy", "Rome")
    # The SDK posts a run item per dataset item and stamps its spans as well: each trace is
    # linked once, in the run whose id the SDK reports as the experiment's.
    assert seen["experimentId"] == seen["datasetRunId"]
    assert seen["run"] == [
        seen["datasetRunId"],
        "js-run",
        [["js-France", france_trace], ["js-Italy", italy_trace]],
    ]
    assert seen["experiments"] == [[seen["experimentId"], "js-run", 2]]
    assert seen["readItems"] == [
        ["js-France", france_trace, "Lyon", "Paris"],
        ["js-Italy", italy_trace, "Rome", "Rome"],
    ]
