"""Real clients of the OpenTelemetry generation, unchanged, pointed at the fixture: Langfuse
Python SDK 5.x, LiteLLM's current Langfuse logging, and a plain OpenTelemetry SDK exporter
(the current JS SDK: test_clients_js_current.py)."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Status, StatusCode

from mockfuse.auth import basic_authorization
from tests.support.client_envs import run_client

OTLP = "/api/public/otel/v1/traces"


@pytest.mark.clients
def test_sdk_2_and_the_current_sdk_give_the_same_traces_snapshot(mockfuse, mockfuse_server):
    """One workload, written for each SDK generation: batches against OpenTelemetry spans.
    The traces match but for two differences Langfuse shows as well: an OpenTelemetry span
    has the model parameters ``{}`` where a batch's span has none, and the metadata value
    ``"2"`` reads as the number 2 from SDK 2.x (sent as it is, read as JSON) and as the text
    "2" from SDK 5.x (sent as JSON text)."""
    current = mockfuse_server.tenant()
    try:
        run_client("lf2", "lf2_common_workload.py", mockfuse.env)
        run_client("lf5", "lf5_common_workload.py", current.env)

        assert {r.path for r in mockfuse.requests} == {"/api/public/ingestion"}
        assert {r.path for r in current.requests} == {OTLP, "/api/public/scores"}
        otlp = next(r for r in current.requests if r.path == OTLP)
        assert otlp.headers.get("Content-Encoding") == "gzip"
        assert otlp.header("x-langfuse-ingestion-version") == "4"
        sdk_2, sdk_5 = mockfuse.snapshot(), current.snapshot()
        assert _named(sdk_2, "retrieval")["metadata"] == {"k": 2}
        assert _named(sdk_5, "retrieval")["metadata"] == {"k": "2"}
        assert all(
            o["modelParameters"] == {} for o in _observations(sdk_5) if o["type"] != "GENERATION"
        )
        for observation in _observations(sdk_2):
            observation.setdefault("modelParameters", {})
        _named(sdk_2, "retrieval")["metadata"] = {"k": "2"}
        assert sdk_5 == sdk_2
        mockfuse.assert_snapshot()
    finally:
        current.close()


def _observations(snapshot: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for trace in snapshot:
        pending = list(trace["observations"])
        while pending:
            observation = pending.pop()
            found.append(observation)
            pending.extend(observation.get("children", []))
    return found


def _named(snapshot: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(o for o in _observations(snapshot) if o["name"] == name)


@pytest.mark.clients
def test_litellm_current_langfuse_logging_is_captured(mockfuse):
    env = {**mockfuse.env, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    run_client("litellm_current", "litellm_current_workload.py", env, f"litellm-{uuid.uuid4()}")
    mockfuse.wait_for(traces=1)

    assert any(r.path == OTLP and r.status == 200 for r in mockfuse.requests)
    [trace] = mockfuse.traces
    assert (trace["name"], trace["userId"], trace["tags"]) == (
        "litellm-completion",
        "user-123",
        ["litellm"],
    )
    [generation] = trace["observations"]
    assert (generation["type"], generation["name"], generation["model"]) == (
        "GENERATION",
        "greet",
        "gpt-3.5-turbo",
    )
    assert generation["usageDetails"]["total"] == 30
    assert generation["costDetails"] == {"total": 3.5e-05}
    assert generation["output"]["content"] == "Hello! How can I assist you today?"
    # LiteLLM puts its call and response ids into metadata: the snapshot shows placeholders.
    mockfuse.assert_snapshot()


def test_an_opentelemetry_only_app_reaches_the_fixture_with_no_configuration(mockfuse, monkeypatch):
    """An exporter made with no arguments, as an app without Langfuse's SDK makes one: the
    fixture's environment names mockfuse, the traces path and the Basic auth. The general
    endpoint an app's deployment may also set (its collector) does not take the traces."""
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter()))
    with provider.get_tracer("app").start_as_current_span("answer") as span:
        span.set_attribute("gen_ai.request.model", "gpt-4o")
    provider.shutdown()
    [trace] = mockfuse.wait_for(traces=1).traces
    assert [(o["name"], o["model"]) for o in trace["observations"]] == [("answer", "gpt-4o")]
    [request] = mockfuse.requests
    assert (request.path, request.status) == (OTLP, 200)
    assert request.header("Content-Type") == "application/x-protobuf"


def test_a_plain_opentelemetry_exporter_with_genai_attributes_maps_to_observation_types(mockfuse):
    exporter = OTLPSpanExporter(
        endpoint=mockfuse.url + OTLP,
        headers={"Authorization": basic_authorization(mockfuse.public_key, mockfuse.secret_key)},
    )
    provider = TracerProvider(resource=Resource.create({"service.name": "agent-app"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("my-agent")
    with tracer.start_as_current_span("run-agent") as root:
        root.set_attribute("gen_ai.operation.name", "invoke_agent")
        root.set_attribute("session.id", "s-1")
        with tracer.start_as_current_span("chat gpt-4o") as chat:
            chat.set_attribute("gen_ai.operation.name", "chat")
            chat.set_attribute("gen_ai.request.model", "gpt-4o")
            chat.set_attribute("gen_ai.request.temperature", 0.2)
            chat.set_attribute("gen_ai.usage.input_tokens", 11)
            chat.set_attribute("gen_ai.usage.output_tokens", 7)
        with tracer.start_as_current_span("lookup") as tool:
            tool.set_attribute("gen_ai.tool.name", "weather")
            tool.set_status(Status(StatusCode.ERROR, "weather service down"))
        with tracer.start_as_current_span("embed") as embed:
            embed.set_attribute("gen_ai.operation.name", "embeddings")
        with tracer.start_as_current_span("plain-step"):
            pass
    provider.shutdown()

    [trace] = mockfuse.traces
    assert (trace["name"], trace["sessionId"]) == ("run-agent", "s-1")
    observations = {o["name"]: o for o in trace["observations"]}
    types = {name: o["type"] for name, o in observations.items()}
    assert types == {
        "run-agent": "AGENT",
        "chat gpt-4o": "GENERATION",
        "weather": "TOOL",  # a tool is named by gen_ai.tool.name, as Langfuse names it
        "embed": "EMBEDDING",
        "plain-step": "SPAN",
    }
    chat = observations["chat gpt-4o"]
    assert chat["model"] == "gpt-4o"
    assert chat["modelParameters"] == {"temperature": 0.2}
    assert chat["usageDetails"] == {"input": 11, "output": 7, "total": 18}
    assert chat["parentObservationId"] == observations["run-agent"]["id"]
    assert (observations["weather"]["level"], observations["weather"]["statusMessage"]) == (
        "ERROR",
        "weather service down",
    )
    # The raw spans stay in the request log.
    assert all(r.path == OTLP and r.status == 200 for r in mockfuse.requests)
    spans = {span["name"] for r in mockfuse.requests for span in r.body}
    assert spans == set(types) - {"weather"} | {"lookup"}


@pytest.mark.clients
def test_current_sdk_used_as_a_user_would_traces_scores_prompts_and_reads_back(mockfuse):
    mockfuse.add_prompt("movie-critic", "Review {{movie}} as a critic.")
    result = run_client("lf5", "lf5_sdk_workload.py", mockfuse.env)
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["prompt"] == "Review Dune as a critic."
    assert seen["prompt_version"] == 1
    assert (seen["fallback"], seen["fallback_is_fallback"]) == ("Say hi to Ada", True)
    assert seen["read_back"] == ["answer", "cache-miss", "qa-pipeline", "retrieve"]
    assert seen["scores_read_back"] == [
        ["helpful", "CATEGORICAL", "yes", "trace"],
        ["relevance", "NUMERIC", 0.8, "observation"],
    ]
    statuses = {(r.method, r.path): r.status for r in mockfuse.requests}
    assert statuses[("GET", "/api/public/projects")] == 200  # auth_check()
    assert statuses[("GET", "/api/public/v2/prompts/not-registered")] == 404

    [trace] = mockfuse.traces
    assert (trace["name"], trace["userId"], trace["tags"]) == ("qa-pipeline", "user-123", ["lf5"])
    observations = {o["name"]: o for o in trace["observations"]}
    assert {name: o["type"] for name, o in observations.items()} == {
        "qa-pipeline": "SPAN",
        "retrieve": "SPAN",
        "answer": "GENERATION",
        "cache-miss": "EVENT",
    }
    assert observations["cache-miss"]["parentObservationId"] == observations["retrieve"]["id"]
    assert observations["answer"]["costDetails"] == {
        "input": 0.00012,
        "output": 0.00016,
        "total": 0.00028,  # the sum, which Langfuse adds when the client sent no total
    }
    scores = {s["name"]: s for s in trace["scores"]}
    assert scores["relevance"]["observationId"] == observations["answer"]["id"]
    assert (scores["helpful"]["dataType"], scores["helpful"]["stringValue"]) == (
        "CATEGORICAL",
        "yes",
    )
    mockfuse.assert_snapshot()


@pytest.mark.clients
def test_media_sent_by_the_current_sdk_is_stored_and_linked_to_its_observation(mockfuse):
    result = run_client("lf5", "lf5_media_workload.py", mockfuse.env)
    sent = json.loads(result.stdout.strip().splitlines()[-1])

    [media] = mockfuse.media
    assert media["mediaId"] == sent["media_id"]  # the SDK checked the id rule too
    assert base64.b64decode(media["contentBase64"]) == b"\x89PNG\r\n\x1a\n not really an image"
    assert (media["contentType"], media["uploaded"], media["uploadHttpStatus"]) == (
        "image/png",
        True,
        200,
    )
    assert media["links"] == [
        {"traceId": sent["trace_id"], "observationId": sent["observation_id"], "field": "input"}
    ]
    [observation] = mockfuse.observations
    assert (
        observation["input"]["image"]
        == f"@@@langfuseMedia:type=image/png|id={sent['media_id']}|source=bytes@@@"
    )
    assert_media_resolved(sent)


def assert_media_resolved(sent: dict[str, Any]) -> None:
    """The SDK read its generation back and resolved the reference to the bytes it sent."""
    image = base64.b64encode(b"\x89PNG\r\n\x1a\n not really an image").decode()
    assert sent["resolved_input"] == {
        "image": f"data:image/png;base64,{image}",
        "question": "What is it?",
    }
