"""POST /api/public/otel/v1/traces and POST /api/public/scores over HTTP, as Langfuse answers."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from mockfuse.langfuse.otel import mapping
from mockfuse.langfuse.otel.seen_traces import SeenTraces
from tests.support.client_envs import run_client
from tests.support.http import DATA, auth_headers, post_json

OTLP = "/api/public/otel/v1/traces"
TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
ROOT_ID = "b7ad6b7169203331"
CHILD_ID = "00f067aa0ba902b7"
LLM_START = 1_795_791_338_002_000_000


def attr(key, value):
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    if isinstance(value, list):
        return {
            "key": key,
            "value": {"arrayValue": {"values": [{"stringValue": v} for v in value]}},
        }
    return {"key": key, "value": {"stringValue": value}}


def langfuse_js_export():
    """An OTLP/JSON export shaped like @langfuse/otel's: hex ids, JSON-string attributes."""
    common = [
        attr("langfuse.trace.name", "support-chat"),
        attr("user.id", "user-7"),
        attr("session.id", "sess-9"),
        attr("langfuse.trace.tags", ["js", "otel"]),
        attr("langfuse.trace.public", True),
        attr("langfuse.trace.metadata.plan", '"pro"'),
    ]
    root = {
        "traceId": TRACE_ID,
        "spanId": ROOT_ID,
        "name": "handle-message",
        "kind": 1,
        "startTimeUnixNano": "1795791338000000000",
        "endTimeUnixNano": "1795791339000000000",
        "attributes": [
            *common,
            attr("langfuse.observation.type", "agent"),
            attr("langfuse.observation.input", json.dumps({"text": "hi"})),
            attr("langfuse.observation.output", json.dumps({"text": "hello"})),
            attr("langfuse.environment", "staging"),
        ],
        "status": {"code": 0},
    }
    child = {
        "traceId": TRACE_ID,
        "spanId": CHILD_ID,
        "parentSpanId": ROOT_ID,
        "name": "llm",
        # int64 as {high, low}, as some JavaScript exporters send it
        "startTimeUnixNano": {"high": LLM_START >> 32, "low": LLM_START & 0xFFFFFFFF},
        "endTimeUnixNano": "1795791338900000000",
        "attributes": [
            *common,
            attr("langfuse.observation.type", "generation"),
            attr("langfuse.observation.model.name", "gpt-4o-mini"),
            attr("langfuse.observation.usage_details", json.dumps({"input": 3, "output": 5})),
            attr("langfuse.observation.cost_details", json.dumps({"total": 0.002})),
            attr(
                "langfuse.observation.completion_start_time", json.dumps("2026-11-27T10:00:00.500Z")
            ),
            attr("langfuse.observation.metadata", json.dumps({"attempt": 1})),
            attr("langfuse.observation.prompt.name", "greeting"),
            attr("langfuse.observation.prompt.version", 3),
        ],
        "status": {"code": 2, "message": "slow"},
    }
    scope = {"name": "langfuse-sdk", "version": "5.10.1"}
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": []},
                "scopeSpans": [{"scope": scope, "spans": [root, child]}],
            }
        ]
    }


def post_otlp(tenant, body: bytes, content_type="application/json", **headers):
    merged = {**auth_headers(tenant), "Content-Type": content_type, **headers}
    return httpx.post(tenant.url + OTLP, content=body, headers=merged)


def test_an_otlp_json_export_like_langfuse_otel_is_mapped_as_langfuse_maps_it(mockfuse):
    response = post_otlp(mockfuse, json.dumps(langfuse_js_export()).encode())
    assert response.status_code == 200
    assert response.json() == {}

    [trace] = mockfuse.traces
    assert trace["id"] == TRACE_ID
    assert (trace["name"], trace["userId"], trace["sessionId"]) == (
        "support-chat",
        "user-7",
        "sess-9",
    )
    # Metadata as Langfuse keeps it: the client's, and the resource's and scope's attributes.
    scope = {"name": "langfuse-sdk", "version": "5.10.1", "attributes": {}}
    assert (trace["tags"], trace["public"], trace["metadata"]) == (
        ["js", "otel"],
        True,
        {"plan": "pro", "resourceAttributes": {}, "scope": scope},
    )
    assert (trace["input"], trace["output"]) == ({"text": "hi"}, {"text": "hello"})
    assert trace["environment"] == "staging"
    assert trace["timestamp"] == "2026-11-27T14:55:38.000Z"
    observations = {o["id"]: o for o in trace["observations"]}
    root, llm = observations[ROOT_ID], observations[CHILD_ID]
    assert (root["type"], root["parentObservationId"]) == ("AGENT", None)
    assert (llm["type"], llm["parentObservationId"], llm["model"]) == (
        "GENERATION",
        ROOT_ID,
        "gpt-4o-mini",
    )
    assert llm["startTime"] == "2026-11-27T14:55:38.002Z"  # {high, low} int64
    assert llm["usageDetails"] == {"input": 3, "output": 5, "total": 8}
    assert llm["costDetails"] == {"total": 0.002}
    assert llm["completionStartTime"] == "2026-11-27T10:00:00.500Z"
    assert llm["metadata"] == {"attempt": 1, "resourceAttributes": {}, "scope": scope}
    assert (llm["promptName"], llm["promptVersion"]) == ("greeting", 3)
    assert (llm["level"], llm["statusMessage"]) == ("ERROR", "slow")


def test_an_attribute_nested_deeper_than_python_decodes_is_kept_as_its_text(mockfuse):
    export = langfuse_js_export()
    deep = "[" * 5000 + "]" * 5000
    export["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"].append(
        attr("langfuse.observation.output", deep)
    )
    assert post_otlp(mockfuse, json.dumps(export).encode()).status_code == 200
    root = next(o for o in mockfuse.observations if o["id"] == ROOT_ID)
    assert root["output"] == deep


def test_a_gzipped_protobuf_export_recorded_from_sdk_5_is_captured(mockfuse):
    [record] = [
        json.loads(line)
        for line in (DATA / "captures" / "lf5.jsonl").read_text().splitlines()
        if json.loads(line)["path"] == OTLP
    ]
    headers = {
        k: v
        for k, v in record["headers"]
        if k.lower() in ("content-encoding", "x-langfuse-ingestion-version")
    }
    response = post_otlp(
        mockfuse, base64.b64decode(record["body_b64"]), "application/x-protobuf", **headers
    )
    assert response.status_code == 200
    recorded = record["decoded_protobuf"]["resourceSpans"][0]["scopeSpans"][0]["spans"]
    assert {o["id"] for o in mockfuse.observations} == {span["spanId"] for span in recorded}
    [request] = mockfuse.requests
    assert [span["span_id"] for span in request.body] == [span["spanId"] for span in recorded]


def test_a_protobuf_export_is_answered_before_its_spans_are_mapped(mockfuse_server, monkeypatch):
    """As Langfuse queues an export for its worker: mapping waits for the first read (of a
    key without test windows; a window must place each event as it arrives)."""
    mockfuse = mockfuse_server.tenant()
    mapped = []

    mapping_of = mapping._mapped

    def counting(spans, seen_traces=None):
        mapped.append(len(spans))
        return mapping_of(spans, seen_traces)

    monkeypatch.setattr(mapping, "_mapped", counting)
    request = ExportTraceServiceRequest()
    span = request.resource_spans.add().scope_spans.add().spans.add()
    span.trace_id, span.span_id, span.name = b"\x01" * 16, b"\x02" * 8, "later"
    response = post_otlp(mockfuse, request.SerializeToString(), "application/x-protobuf")
    assert (response.status_code, mapped) == (200, [])
    assert [o["name"] for o in mockfuse.observations] == ["later"]
    assert mapped == [1]
    mockfuse.close()


def test_a_resent_export_is_stored_once(mockfuse):
    body = json.dumps(langfuse_js_export()).encode()
    post_otlp(mockfuse, body)
    post_otlp(mockfuse, body)
    assert len(mockfuse.requests) == 2
    assert len(mockfuse.observations) == 2
    assert len({e["id"] for e in mockfuse.events}) == len(mockfuse.events)


def _protobuf_with_ids(trace_id: bytes, span_id: bytes, parent: bytes = b"") -> bytes:
    request = ExportTraceServiceRequest()
    span = request.resource_spans.add().scope_spans.add().spans.add()
    span.trace_id, span.span_id, span.parent_span_id = trace_id, span_id, parent
    return request.SerializeToString()


@pytest.mark.parametrize(
    ("body", "content_type", "headers", "error"),
    [
        (b"{}", "text/plain", {}, "Invalid content type"),
        (
            b"not gzip",
            "application/json",
            {"Content-Encoding": "gzip"},
            "Failed to decompress request body",
        ),
        (b"\xff\xff\xff", "application/x-protobuf", {}, "Failed to parse OTel Protobuf Trace"),
        (b"{not json", "application/json", {}, "Failed to parse OTel JSON Trace"),
        (
            _protobuf_with_ids(b"\x01\x02", b"\x01" * 8),
            "application/x-protobuf",
            {},
            "Invalid OTLP trace export: traceId",
        ),
        (
            _protobuf_with_ids(b"\x01" * 16, b"\x01" * 8, b"\x03"),
            "application/x-protobuf",
            {},
            "Invalid OTLP trace export: parentSpanId",
        ),
        (
            json.dumps(
                {"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "xyz"}]}]}]}
            ).encode(),
            "application/json",
            {},
            "Invalid OTLP trace export: traceId",
        ),
        (
            b'{"resourceSpans": [{"scopeSpans": {"spans": []}}]}',
            "application/json",
            {},
            "Invalid OTLP trace export: scopeSpans must be an array",
        ),
        (
            b"{}",
            "application/json",
            {"x-langfuse-ingestion-version": "5"},
            'Unsupported x-langfuse-ingestion-version: "5". Maximum supported: "4".',
        ),
    ],
    ids=[
        "content type",
        "gzip",
        "protobuf",
        "json",
        "short id",
        "short parent id",
        "bad hex id",
        "not arrays",
        "version",
    ],
)
@pytest.mark.mockfuse_expect_rejections()
def test_a_bad_export_gets_langfuses_400_and_stores_nothing(
    mockfuse, body, content_type, headers, error
):
    response = post_otlp(mockfuse, body, content_type, **headers)
    assert response.status_code == 400
    assert response.json()["error"].startswith(error)
    assert mockfuse.events == []
    assert post_otlp(mockfuse, json.dumps(langfuse_js_export()).encode()).status_code == 200


@pytest.mark.mockfuse_expect_rejections("its events could not be made")
def test_a_string_deep_inside_that_is_not_utf_8_is_a_rejection_not_a_400(mockfuse):
    """An export is answered once its structure and ids are checked; the rest is decoded when
    its spans are read. A string attribute that is not UTF-8 (which no SDK sends), refused
    by Langfuse with a 400, is then reported as the export's rejection."""
    request = ExportTraceServiceRequest()
    span = request.resource_spans.add().scope_spans.add().spans.add()
    span.trace_id, span.span_id, span.name = b"\x01" * 16, b"\x02" * 8, "chat"
    attribute = span.attributes.add()
    attribute.key, attribute.value.string_value = "note", "MARKER"
    body = request.SerializeToString().replace(b"MARKER", b"\xff\xfeRKER")
    assert post_otlp(mockfuse, body, "application/x-protobuf").status_code == 200
    assert mockfuse.events == []
    [rejection] = mockfuse.rejections
    assert rejection.what == "spans of the export"


def test_an_empty_export_is_fine(mockfuse):
    assert post_otlp(mockfuse, b"{}").json() == {}
    assert (
        post_otlp(
            mockfuse, ExportTraceServiceRequest().SerializeToString(), "application/x-protobuf"
        ).status_code
        == 200
    )


@pytest.mark.mockfuse_expect_rejections()
def test_a_gzip_bomb_is_refused_without_inflating_it_all(mockfuse):
    bomb = gzip.compress(b"\0" * (80 * 1_048_576))  # 80 MiB of zeros, about 80 KB on the wire
    response = post_otlp(mockfuse, bomb, "application/x-protobuf", **{"Content-Encoding": "gzip"})
    assert response.status_code == 413
    assert mockfuse.events == []


def test_otlp_needs_a_secret_key(mockfuse):
    body = json.dumps(langfuse_js_export()).encode()
    assert (
        post_otlp(mockfuse, body, Authorization=f"Bearer {mockfuse.public_key}").status_code == 401
    )
    assert (
        httpx.post(
            mockfuse.url + OTLP, content=body, headers={"Content-Type": "application/json"}
        ).status_code
        == 401
    )


SCORE = {"traceId": "t-1", "name": "accuracy", "value": 0.9}


def test_one_score_answers_its_id(mockfuse):
    response = post_json(mockfuse, "/api/public/scores", {**SCORE, "id": "score-1"})
    assert (response.status_code, response.json()) == (200, {"id": "score-1"})
    generated = post_json(mockfuse, "/api/public/scores", SCORE).json()["id"]
    assert {s["id"] for s in mockfuse.scores} == {"score-1", generated}
    [trace] = mockfuse.traces
    assert len(trace["scores"]) == 2


@pytest.mark.mockfuse_expect_rejections()
def test_an_array_of_scores_answers_202_or_207_naming_the_rejected(mockfuse):
    first = {**SCORE, "id": "s-1"}
    second = {**SCORE, "id": "s-2", "value": "good", "dataType": "CATEGORICAL"}
    accepted = post_json(mockfuse, "/api/public/scores", [first, second])
    assert (accepted.status_code, accepted.json()) == (202, {"message": "Accepted"})
    mixed = post_json(mockfuse, "/api/public/scores", [first, {"name": "no-target", "value": 1}])
    assert mixed.status_code == 207
    assert (mixed.json()["accepted"], mixed.json()["rejected"]) == (1, 1)
    assert mixed.json()["errors"][0]["index"] == 1
    # The same score sent again (a retry) is stored once.
    assert len(mockfuse.scores) == 2


@pytest.mark.parametrize(
    "payload", [{"traceId": "t"}, "score", {"name": "x", "value": True, "traceId": "t"}]
)
@pytest.mark.mockfuse_expect_rejections()
def test_an_invalid_score_gets_400(mockfuse, payload):
    response = post_json(mockfuse, "/api/public/scores", payload)
    assert response.status_code == 400
    assert response.json()["message"] == "Invalid request data"
    assert mockfuse.scores == []


STEP = "langfuse.observation.metadata.step"


def test_metadata_holds_what_langfuse_keeps_and_snapshots_leave_the_process_out(mockfuse):
    """A root span's observation metadata is its trace's too; another instrumentation's span
    keeps its remaining attributes as text; resource and scope attributes are per process."""
    export = {
        "resourceSpans": [
            {
                "resource": {
                    "attributes": [
                        {"key": "service.name", "value": {"stringValue": "shop"}},
                        {"key": "process.pid", "value": {"intValue": "4242"}},
                    ]
                },
                "scopeSpans": [
                    {
                        "scope": {"name": "openinference.instrumentation", "version": "1.2"},
                        "spans": [
                            {
                                "traceId": "ab" * 16,
                                "spanId": "cd" * 8,
                                "name": "answer",
                                "startTimeUnixNano": "1764255338000000000",
                                "endTimeUnixNano": "1764255339000000000",
                                "attributes": [
                                    {"key": STEP, "value": {"stringValue": "first"}},
                                    {"key": "llm.temperature", "value": {"doubleValue": 0.5}},
                                    {"key": "input.value", "value": {"stringValue": "hi"}},
                                ],
                            }
                        ],
                    }
                ],
            }
        ]
    }  # fmt: skip
    assert post_otlp(mockfuse, json.dumps(export).encode()).status_code == 200
    [trace] = mockfuse.traces
    resource = {"service.name": "shop", "process.pid": 4242}
    scope = {"name": "openinference.instrumentation", "version": "1.2", "attributes": {}}
    expected = {
        "step": "first",
        # Langfuse leaves out of ``attributes`` what it read as metadata or input
        "attributes": {"llm.temperature": "0.5"},
        "resourceAttributes": resource,
        "scope": scope,
    }
    assert trace["metadata"] == trace["observations"][0]["metadata"] == expected
    [shown] = mockfuse.snapshot()
    assert "resourceAttributes" not in shown["metadata"] and "scope" not in shown["metadata"]
    [kept] = mockfuse.snapshot(keep=["*metadata.resourceAttributes"])
    assert kept["metadata"]["resourceAttributes"] == resource


def attribute(key, text):
    return {"key": key, "value": {"stringValue": text}}


def test_model_parameters_that_are_not_strings_or_numbers_are_kept_as_compact_json(mockfuse):
    parameters = {"temperature": 0.2, "max_tokens": 64, "stop": ["\n", "END"], "stream": True}
    export = {
        "resourceSpans": [
            {
                "scopeSpans": [
                    {
                        "scope": {"name": "langfuse-sdk"},
                        "spans": [
                            {
                                "traceId": "ef" * 16,
                                "spanId": "01" * 8,
                                "name": "llm",
                                "startTimeUnixNano": "1764255338000000000",
                                "attributes": [
                                    attribute("langfuse.observation.type", "generation"),
                                    attribute(
                                        "langfuse.observation.model.parameters",
                                        json.dumps(parameters),
                                    ),
                                ],
                            }
                        ],
                    }
                ]
            }
        ]
    }  # fmt: skip
    assert post_otlp(mockfuse, json.dumps(export).encode()).status_code == 200
    [generation] = mockfuse.observations
    assert generation["modelParameters"] == {
        "temperature": 0.2,
        "max_tokens": 64,
        "stop": '["\\n","END"]',
        "stream": "true",
    }


@pytest.mark.clients
def test_sdk_5_usage_in_openai_spellings_is_converted_only_in_exactly_their_shape(mockfuse):
    seen = json.loads(run_client("lf5", "lf5_openai_usage_workload.py", mockfuse.env).stdout)
    [trace] = mockfuse.traces
    assert trace["id"] == seen["trace_id"]
    usage = {o["name"]: o["usageDetails"] for o in trace["observations"] if o["name"] != "usage"}
    assert usage == {
        "chat": {"input": 9, "output": 3, "total": 12},
        "responses": {"input": 9, "output": 1, "output_reasoning_tokens": 2, "total": 12},
        # Not exactly OpenAI's object: kept key for key, with a total added, as Langfuse does.
        "no-total": {"prompt_tokens": 9, "completion_tokens": 3, "total": 12},
        "extra-key": {
            "prompt_tokens": 9,
            "completion_tokens": 3,
            "total_tokens": 12,
            "cache": 1,
            "total": 25,
        },
    }


def _one_span_export(span: dict[str, Any]) -> bytes:
    base = {"traceId": "ef" * 16, "spanId": "12" * 8, "name": "step"}
    return json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [{**base, **span}]}]}]}).encode()


def test_a_missing_edge_of_a_span_takes_the_other_as_langfuse_takes_it(mockfuse):
    post_otlp(mockfuse, _one_span_export({"endTimeUnixNano": "1795791338123456789"}))
    [observation] = mockfuse.observations
    assert observation["startTime"] == observation["endTime"] == "2026-11-27T14:55:38.123Z"


def test_a_span_with_no_times_is_kept_at_the_time_it_was_mapped(mockfuse):
    before = datetime.now(timezone.utc)
    post_otlp(mockfuse, _one_span_export({}))
    [observation] = mockfuse.observations
    start = datetime.fromisoformat(observation["startTime"].replace("Z", "+00:00"))
    assert observation["startTime"] == observation["endTime"]
    assert before - timedelta(seconds=1) <= start <= datetime.now(timezone.utc)


def test_a_traces_shallow_create_is_made_once_per_trace_as_langfuse_makes_it(mockfuse):
    """Children exported before their root: the first makes the trace known (id, time,
    environment), the next does not repeat it, and the root fills it in."""
    child = {"parentSpanId": "34" * 8, "startTimeUnixNano": "1795791338200000000"}
    post_otlp(mockfuse, _one_span_export({**child, "spanId": "56" * 8}))
    post_otlp(mockfuse, _one_span_export({**child, "spanId": "78" * 8}))
    root = {"spanId": "34" * 8, "name": "root", "startTimeUnixNano": "1795791338000000000"}
    post_otlp(mockfuse, _one_span_export(root))
    kinds = [(e["type"], e["body"].get("name")) for e in mockfuse.events]
    assert kinds == [
        ("trace-create", None),
        ("span-create", "step"),
        ("span-create", "step"),
        ("trace-create", "root"),
        ("span-create", "root"),
    ]
    [trace] = mockfuse.traces
    assert (trace["name"], trace["timestamp"]) == ("root", "2026-11-27T14:55:38.000Z")


def test_json_text_is_kept_as_sent_and_read_as_langfuses_read_api_parses_it(mockfuse):
    io = [attribute("input.value", '{"q": 1}'), attribute("output.value", "plain text")]
    post_otlp(mockfuse, _one_span_export({"attributes": io}))
    [event] = [e for e in mockfuse.events if e["type"] == "span-create"]
    assert (event["body"]["input"], event["body"]["output"]) == ('{"q": 1}', "plain text")
    [observation] = mockfuse.observations
    assert (observation["input"], observation["output"]) == ({"q": 1}, "plain text")


def test_the_traces_remembered_for_shallow_creates_stay_bounded():
    seen = SeenTraces(ids=2, tenants=2)
    first = seen.of("a")
    for trace_id in ("t1", "t2", "t3"):
        first.add(trace_id)
    assert first == {"t2", "t3"}
    assert seen.of("a") is first
    seen.of("b"), seen.of("c")  # a third tenant: the oldest is forgotten
    assert seen.of("a") is not first and not seen.of("a")
