"""Real clients of the ingestion-batch generation, unchanged, pointed at the fixture:
Langfuse Python SDK 2.x and LiteLLM's classic Langfuse logging (see tests/clients/)."""

from __future__ import annotations

import json
import uuid
from collections import Counter

import pytest

from tests.support.client_envs import run_client, run_node_client

pytestmark = pytest.mark.clients

INGESTION = "/api/public/ingestion"
# What the workload in tests/clients/lf2_sdk_workload.py sends, event type by event type.
LF2_WORKLOAD_EVENTS = Counter(
    {
        "trace-create": 3,  # the trace, trace.update(), the feedback trace
        "span-create": 2,
        "span-update": 3,  # embedding.end(), retrieval.update(), retrieval.end()
        "generation-create": 1,
        "generation-update": 1,
        "event-create": 2,
        "score-create": 1,
    }
)


def sent_event_ids(tenant) -> list[str]:
    """Envelope ids of every event the client sent, retries included."""
    return [
        event["id"]
        for request in tenant.requests
        if request.path == INGESTION
        for event in request.body["batch"]
    ]


def run_lf2_workload(tenant) -> dict[str, str]:
    result = run_client("lf2", "lf2_sdk_workload.py", tenant.env)
    ids = json.loads(result.stdout.strip().splitlines()[-1])
    tenant.wait_for(events=sum(LF2_WORKLOAD_EVENTS.values()))
    return ids


def assert_lf2_workload_projected(tenant, ids: dict[str, str]) -> None:
    assert Counter(e["type"] for e in tenant.events) == LF2_WORKLOAD_EVENTS
    traces = {trace["name"]: trace for trace in tenant.traces}
    assert set(traces) == {"qa-pipeline", "feedback"}
    assert [o["name"] for o in traces["feedback"]["observations"]] == ["thumbs-up"]
    trace = traces["qa-pipeline"]
    assert trace["id"] == ids["trace_id"]
    assert trace["name"] == "qa-pipeline"
    assert (trace["userId"], trace["sessionId"]) == ("user-123", "session-abc")
    assert (trace["release"], trace["version"]) == ("r-1", "v1")
    assert trace["metadata"] == {"env": "test"}
    assert trace["tags"] == ["lf2", "updated"]
    assert trace["output"] == {"answer": "An LLM observability platform."}

    observations = {o["name"]: o for o in trace["observations"]}
    assert set(observations) == {"retrieval", "embed-query", "llm-call", "cache-miss"}
    retrieval, embedding = observations["retrieval"], observations["embed-query"]
    assert (retrieval["id"], retrieval["type"]) == (ids["retrieval_id"], "SPAN")
    assert retrieval["parentObservationId"] is None
    assert retrieval["metadata"] == {"k": 2}
    assert retrieval["output"] == {"docs": ["doc-1", "doc-2"]}
    assert retrieval["endTime"] is not None
    assert embedding["id"] == ids["embedding_id"]
    assert embedding["parentObservationId"] == ids["retrieval_id"]
    assert embedding["output"] == {"dims": 3}

    generation = observations["llm-call"]
    assert (generation["id"], generation["type"]) == (ids["generation_id"], "GENERATION")
    assert generation["model"] == "gpt-3.5-turbo"
    # SDK 2.x's pydantic model turns float parameters into strings on the wire.
    assert generation["modelParameters"] == {"temperature": "0.7", "max_tokens": 256}
    assert generation["usageDetails"] == {"input": 12, "output": 8, "total": 20}
    assert generation["output"] == {
        "role": "assistant",
        "content": "An LLM observability platform.",
    }
    assert observations["cache-miss"]["type"] == "EVENT"
    assert observations["cache-miss"]["level"] == "WARNING"

    [score] = trace["scores"]
    assert (score["name"], score["value"], score["comment"]) == ("quality", 0.9, "good")
    assert score["dataType"] == "NUMERIC"
    assert all(o["traceId"] == ids["trace_id"] for o in trace["observations"])


def test_langfuse_sdk_2_workload_is_captured_once_and_projected(mockfuse):
    ids = run_lf2_workload(mockfuse)

    assert_lf2_workload_projected(mockfuse, ids)
    sent = sent_event_ids(mockfuse)
    assert sorted(sent) == sorted(e["id"] for e in mockfuse.events)  # no retries needed
    ingestion = [r for r in mockfuse.requests if r.path == INGESTION]
    assert all(r.status == 207 and r.response["errors"] == [] for r in ingestion)
    assert all(r.header("x-langfuse-sdk-name") == "python" for r in ingestion)
    assert all(r.body["metadata"]["sdk_version"].startswith("2.") for r in ingestion)
    mockfuse.assert_snapshot()


def test_langfuse_sdk_2_resends_after_a_207_with_an_error_and_nothing_doubles(mockfuse):
    mockfuse.fail(207, route=INGESTION, reject=1)
    ids = run_lf2_workload(mockfuse)

    assert_lf2_workload_projected(mockfuse, ids)
    ingestion = [r for r in mockfuse.requests if r.path == INGESTION]
    first = ingestion[0]
    [rejected] = first.response["errors"]
    assert first.note == f"fault: 207 on {INGESTION}"
    # The SDK re-sent the whole batch: its accepted events arrived twice, were stored once.
    resent = next(r for r in ingestion[1:] if r.body["batch"] == first.body["batch"])
    assert {"id": rejected["id"], "status": 201} in resent.response["successes"]
    sent = sent_event_ids(mockfuse)
    assert len(sent) > len(set(sent))
    assert sorted(set(sent)) == sorted(e["id"] for e in mockfuse.events)
    # Retries change neither the events nor the traces a snapshot sees.
    mockfuse.assert_snapshot()


def test_litellm_classic_langfuse_logging_is_captured_as_in_the_seed(mockfuse):
    trace_id = f"litellm-test-{uuid.uuid4()}"
    run_client("lf2", "litellm_classic_workload.py", mockfuse.env, trace_id)
    mockfuse.wait_for(traces=2, events=4)

    traces = {t["id"]: t for t in mockfuse.traces}
    assert set(traces) == {trace_id, trace_id + "-failed"}
    trace = traces[trace_id]
    assert trace["name"] == "litellm-completion"
    assert trace["userId"] == "user-123"
    assert trace["tags"] == ["litellm"]
    assert trace["output"]["content"] == "Hello! How can I assist you today?"
    [generation] = trace["observations"]
    assert generation["type"] == "GENERATION"
    assert generation["name"] == "greet"
    assert generation["model"] == "gpt-3.5-turbo"
    assert generation["input"] == {"messages": [{"role": "user", "content": "Hello!"}]}
    assert generation["usage"]["unit"] == "TOKENS"
    assert (
        generation["usageDetails"]["total"]
        == generation["usage"]["input"] + generation["usage"]["output"]
    )
    assert generation["level"] == "DEFAULT"

    [failed] = traces[trace_id + "-failed"]["observations"]
    assert failed["level"] == "ERROR"
    assert "mock provider failure" in failed["statusMessage"]

    ingestion = [r for r in mockfuse.requests if r.path == INGESTION]
    assert all(r.body["metadata"]["sdk_integration"] == "litellm" for r in ingestion)
    # LiteLLM looks up its project id when its logger starts.
    assert any(r.path == "/api/public/projects" and r.status == 200 for r in mockfuse.requests)
    mockfuse.assert_snapshot()


def test_langfuse_sdk_2_reads_back_through_its_own_fetch_calls(mockfuse):
    run_client("lf2", "lf2_common_workload.py", mockfuse.env)
    [trace] = mockfuse.traces
    result = run_client("lf2", "lf2_read_back.py", mockfuse.env, trace["id"])
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen == {
        "trace_name": "qa-pipeline",
        "trace_observations": ["embed-query", "llm-call", "qa-pipeline", "retrieval"],
        "trace_scores": ["quality"],
        "total_cost": pytest.approx(2.8e-05),
        "listed": [trace["id"]],
        "generation": "llm-call",
        "generation_model": "gpt-3.5-turbo",
        # The v1 observation's usage: token counts and unit, as Langfuse shapes it.
        "generation_usage": {"input": 12, "output": 8, "total": 20, "unit": "TOKENS"},
        "sessions": ["session-abc"],
    }


def test_the_legacy_js_sdk_gives_the_same_snapshot_as_python_sdk_2(mockfuse, mockfuse_server):
    """The JS SDK batches in its own order (children before their trace, as recorded in
    tests/data/captures) and sends explicit nulls; the snapshot holds."""
    python = mockfuse_server.tenant()
    try:
        run_client("lf2", "lf2_common_workload.py", python.env)
        run_node_client("js_legacy", "js_legacy_common_workload.cjs", mockfuse.env)
        ingestion = [r for r in mockfuse.requests if r.path == INGESTION]
        assert all(r.header("x-langfuse-sdk-name") == "langfuse-js" for r in ingestion)
        assert all(r.response["errors"] == [] for r in ingestion)
        events = [event for r in ingestion for event in r.body["batch"]]
        assert any(value is None for event in events for value in event["body"].values())
        assert mockfuse.snapshot() == python.snapshot()
    finally:
        python.close()


@pytest.mark.clients
def test_the_legacy_js_sdk_reads_back_through_its_own_calls(mockfuse):
    result = run_node_client("js_legacy", "js_legacy_read_back.cjs", mockfuse.env)
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    ids = seen["ids"]
    # 100 and 50 gpt-4o-mini tokens, priced from mockfuse's table of common models.
    assert seen["trace"] == {
        "name": "js-read-back",
        "sessionId": "js-session",
        "totalCost": 4.5e-05,
    }
    assert seen["observations"] == [["llm", "gpt-4o-mini", 4.5e-05]]
    assert seen["scores"] == [["quality", "BOOLEAN", 1, "True"]]
    assert seen["listed"] == [ids["generation"]]
    assert seen["sessions"] == ["js-session"]
    assert seen["dataset"] == ["js set/ü", "from js", [["js-item", {"q": 1}, 2]]]
    assert seen["run"] == ["js-run", "first", [["js-item", ids["trace"], ids["generation"]]]]
