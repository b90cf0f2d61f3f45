"""POST /api/public/ingestion over HTTP, answered as Langfuse answers it."""

from __future__ import annotations

import base64
import json
from collections import Counter
from typing import Any

import httpx
import pytest

from mockfuse import MockfuseServer
from tests.support.http import capture_bodies, post_json, post_raw, seed_batch

INGESTION = "/api/public/ingestion"
NOW = "2026-11-27T10:00:00.000Z"


def event(
    event_type: str, body: dict[str, Any], event_id: str = "e-1", **extra: Any
) -> dict[str, Any]:
    return {"id": event_id, "type": event_type, "timestamp": NOW, "body": body, **extra}


def test_seed_batch_is_accepted_and_projected_under_the_trace_its_generation_names(mockfuse):
    batch = seed_batch()
    response = post_json(mockfuse, INGESTION, batch)

    assert response.status_code == 207
    assert response.json() == {
        "successes": [{"id": e["id"], "status": 201} for e in batch["batch"]],
        "errors": [],
    }
    created_trace_id = batch["batch"][0]["body"]["id"]
    generation = batch["batch"][1]["body"]
    traces = {trace["id"]: trace for trace in mockfuse.traces}
    # The seed's generation names another trace than the one created (LiteLLM's test
    # rewrote one id): both traces exist, the generation under the one it names.
    assert set(traces) == {created_trace_id, generation["traceId"]}
    assert traces[created_trace_id]["name"] == "litellm-acompletion"
    assert traces[created_trace_id]["observations"] == []
    implicit = traces[generation["traceId"]]
    assert implicit["name"] is None
    assert implicit["timestamp"] == "2025-01-16T19:28:54.796Z"  # the generation's start
    [observation] = implicit["observations"]
    assert observation["id"] == generation["id"]
    assert observation["type"] == "GENERATION"
    assert observation["model"] == "gpt-3.5-turbo"
    # As the read API shows it: the counts, the unit sent, and the costs (LiteLLM's total).
    assert observation["usage"] == {
        "input": 10,
        "output": 20,
        "total": 30,
        "unit": "TOKENS",
        "inputCost": None,
        "outputCost": None,
        "totalCost": 3.5e-05,
    }
    assert observation["usageDetails"]["total"] == 30
    assert observation["startTime"] == "2025-01-16T19:28:54.796Z"
    assert mockfuse.events == batch["batch"]


@pytest.mark.parametrize("capture", ["lf2.jsonl", "litellm_classic.jsonl"])
def test_batches_recorded_from_real_clients_are_accepted_whole(mockfuse, capture):
    bodies = capture_bodies(capture, INGESTION)
    assert bodies
    sent = 0
    for body in bodies:
        response = post_json(mockfuse, INGESTION, body)
        assert response.status_code == 207
        assert response.json()["errors"] == []
        sent += len(body["batch"])
    assert len(mockfuse.events) == sent


def test_a_resent_batch_is_stored_once_and_both_requests_are_logged(mockfuse):
    batch = seed_batch()
    first = post_json(mockfuse, INGESTION, batch)
    again = post_json(mockfuse, INGESTION, batch)

    assert first.json() == again.json()
    assert len(mockfuse.events) == 2
    assert [r.status for r in mockfuse.requests] == [207, 207]
    assert len(mockfuse.traces) == 2


def test_an_empty_batch_gets_both_empty_lists(mockfuse):
    response = post_json(mockfuse, INGESTION, {"batch": []})
    assert response.status_code == 207
    assert response.json() == {"successes": [], "errors": []}


BAD_EVENTS = {
    "missing id": {"type": "trace-create", "timestamp": NOW, "body": {}},
    "timestamp without offset": event("trace-create", {"id": "t"})
    | {"timestamp": "2026-11-27T10:00:00"},
    "timestamp not a date": event("trace-create", {"id": "t"}) | {"timestamp": "yesterday"},
    "unknown type": event("trace-delete", {"id": "t"}),
    "type not a string": event("trace-create", {"id": "t"}) | {"type": ["trace-create"]},
    "body missing": {"id": "e-1", "type": "trace-create", "timestamp": NOW},
    "name of wrong type": event("trace-create", {"id": "t", "name": 42}),
    "tags not strings": event("trace-create", {"id": "t", "tags": ["a", 1]}),
    "public not boolean": event("trace-create", {"id": "t", "public": "yes"}),
    "span without id": event("span-create", {"traceId": "t", "name": "s"}),
    "level unknown": event("span-create", {"id": "s", "level": "LOUD"}),
    "end time without offset": event("span-update", {"id": "s", "endTime": "2026-11-27 10:00"}),
    "prompt name without version": event("generation-create", {"id": "g", "promptName": "p"}),
    "usage input not a number": event("generation-create", {"id": "g", "usage": {"input": "ten"}}),
    "usage unit unknown": event("generation-create", {"id": "g", "usage": {"unit": "WORDS"}}),
    "model parameter nested too deep": event(
        "generation-create", {"id": "g", "modelParameters": {"a": {"b": {"c": 1}}}}
    ),
    "score without name": event("score-create", {"traceId": "t", "value": 1}),
    "score without value": event("score-create", {"traceId": "t", "name": "q"}),
    "score with two targets": event(
        "score-create", {"traceId": "t", "sessionId": "s", "name": "q", "value": 1}
    ),
    "score observation without trace": event(
        "score-create", {"observationId": "o", "name": "q", "value": 1}
    ),
    "boolean score of 2": event(
        "score-create", {"traceId": "t", "name": "q", "value": 2, "dataType": "BOOLEAN"}
    ),
    "numeric score given a string": event(
        "score-create", {"traceId": "t", "name": "q", "value": "high", "dataType": "NUMERIC"}
    ),
    "id with carriage return": event("trace-create", {"id": "t\r"}),
    "environment in capitals": event("trace-create", {"id": "t", "environment": "Production"}),
    "environment with the reserved prefix": event(
        "span-create", {"id": "s", "environment": "langfuse-prod"}
    ),
    "environment over 40 characters": event("trace-create", {"id": "t", "environment": "e" * 41}),
    "environment null": event("trace-create", {"id": "t", "environment": None}),
    "score environment with a space": event(
        "score-create", {"traceId": "t", "name": "q", "value": 1, "environment": "my env"}
    ),
    "dataset run item": event(
        "dataset-run-item-create",
        {"traceId": "t", "datasetId": "d", "runId": "r", "datasetItemId": "i"},
    ),
    "event not an object": "trace-create",
}


@pytest.mark.parametrize("bad", list(BAD_EVENTS.values()), ids=list(BAD_EVENTS))
@pytest.mark.mockfuse_expect_rejections()
def test_a_bad_event_is_rejected_alone_and_its_neighbour_accepted(mockfuse, bad):
    good = event("trace-create", {"id": "good-trace", "name": "fine"}, event_id="good")
    response = post_json(mockfuse, INGESTION, {"batch": [bad, good]})

    assert response.status_code == 207
    answer = response.json()
    assert answer["successes"] == [{"id": "good", "status": 201}]
    [error] = answer["errors"]
    assert error["status"] == 400
    assert error["message"] == "Invalid request data"
    assert error["id"] == (bad.get("id", "unknown") if isinstance(bad, dict) else "unknown")
    assert isinstance(json.loads(error["error"]), list)  # zod's issue list, as text
    assert [t["id"] for t in mockfuse.traces] == ["good-trace"]


def test_sdk_log_events_appear_in_neither_list_and_are_not_stored(mockfuse):
    batch = {"batch": [event("sdk-log", {"log": {"memory": 1}}, event_id="log-1")]}
    response = post_json(mockfuse, INGESTION, batch)
    assert response.json() == {"successes": [], "errors": []}
    assert mockfuse.events == []


def test_events_of_every_type_are_accepted(mockfuse):
    kinds = ["agent", "tool", "chain", "retriever", "evaluator", "embedding", "guardrail"]
    batch = [
        event("trace-create", {"id": "t"}, event_id="trace"),
        event("span-create", {"id": "s", "traceId": "t"}, event_id="span"),
        event("span-update", {"id": "s", "traceId": "t", "endTime": NOW}, event_id="span-u"),
        event("generation-create", {"id": "g", "traceId": "t"}, event_id="gen"),
        event("generation-update", {"id": "g", "traceId": "t"}, event_id="gen-u"),
        event("event-create", {"id": "ev", "traceId": "t"}, event_id="ev"),
        event("score-create", {"traceId": "t", "name": "q", "value": 1}, event_id="score"),
        event("observation-create", {"id": "lo", "traceId": "t", "type": "EVENT"}, event_id="lo"),
        event("observation-update", {"id": "lo", "type": "EVENT"}, event_id="lo-u"),
        *(event(f"{kind}-create", {"id": kind, "traceId": "t"}, event_id=kind) for kind in kinds),
    ]
    answer = post_json(mockfuse, INGESTION, {"batch": batch}).json()
    assert answer["errors"] == []
    assert len(answer["successes"]) == len(batch)
    types = Counter(o["type"] for o in mockfuse.observations)
    assert types == Counter(["SPAN", "GENERATION", "EVENT", "EVENT", *(k.upper() for k in kinds)])


@pytest.mark.mockfuse_expect_rejections()
def test_bearer_public_key_may_send_scores_only(mockfuse):
    batch = {
        "batch": [
            event("score-create", {"traceId": "t", "name": "q", "value": 1}, event_id="s"),
            event("trace-create", {"id": "t"}, event_id="t"),
        ]
    }
    response = post_json(mockfuse, INGESTION, batch, Authorization=f"Bearer {mockfuse.public_key}")
    assert response.status_code == 207
    assert response.json() == {
        "successes": [{"id": "s", "status": 201}],
        "errors": [
            {
                "id": "t",
                "status": 401,
                "message": "Authentication error",
                "error": "Access Scope Denied",
            }
        ],
    }
    assert [e["type"] for e in mockfuse.events] == ["score-create"]


def _basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "No authorization header"),
        ("Token abc", "Invalid authorization header"),
        ("Basic %%%not-base64", "Invalid authorization header"),
        (_basic("only-a-public-key"), "Invalid credentials"),
        (_basic(":secret"), "Invalid credentials"),
    ],
    ids=["missing", "unknown scheme", "not base64", "no secret", "no public key"],
)
def test_broken_auth_gets_401_with_json_and_the_server_goes_on(mockfuse, authorization, message):
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = httpx.post(mockfuse.url + INGESTION, json=seed_batch(), headers=headers)

    assert response.status_code == 401
    assert response.json()["error"] == "UnauthorizedError"
    assert response.json()["message"].startswith(message)
    assert post_json(mockfuse, INGESTION, seed_batch()).status_code == 207
    assert len(mockfuse.events) == 2


def test_a_registered_public_key_with_another_secret_is_refused(mockfuse):
    response = post_json(
        mockfuse, INGESTION, seed_batch(), Authorization=_basic(f"{mockfuse.public_key}:wrong")
    )
    assert response.status_code == 401
    assert mockfuse.events == []
    # The refusal is logged under the key it claimed, so the test can see it.
    assert [r.status for r in mockfuse.requests] == [401]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"{not json", "Invalid JSON"),
        (b'{"batch": [NaN]}', "Invalid JSON"),
        (b"[]", "Expected object, received array"),
        (b'{"events": []}', "batch: Required"),
        (b'{"batch": {"id": 1}}', "batch: Expected array, received object"),
        (b'"batch"', "Expected object, received string"),
        (b"\xff\xfe", "Invalid JSON"),
        (b'{"batch": [' + b"[" * 5000 + b"]" * 5000 + b"]}", "Invalid JSON"),
    ],
    ids=["malformed", "NaN", "array", "no batch", "batch object", "string", "not utf-8", "deep"],
)
@pytest.mark.mockfuse_expect_rejections()
def test_a_request_that_is_not_a_batch_gets_400_with_json(mockfuse, body, error):
    response = post_raw(mockfuse, INGESTION, body)
    assert response.status_code == 400
    assert response.json()["message"] == "Invalid request data"
    assert response.json()["errors"][0].startswith(error)
    assert post_json(mockfuse, INGESTION, seed_batch()).status_code == 207


@pytest.mark.mockfuse_expect_rejections()
def test_a_body_over_the_limit_gets_413_and_nothing_is_stored(mockfuse):
    padding = "x" * 4_800_000  # over Langfuse's 4.5 MB ingestion limit
    batch = {"batch": [event("trace-create", {"id": "big", "input": padding})]}
    response = post_json(mockfuse, INGESTION, batch)

    assert response.status_code == 413
    assert response.json()["message"] == "Body exceeded 4.5mb limit"
    assert mockfuse.events == []
    assert [r.status for r in mockfuse.requests] == [413]
    assert post_json(mockfuse, INGESTION, seed_batch()).status_code == 207


def test_the_body_limit_is_configurable_and_applies_to_chunked_bodies():
    with MockfuseServer(max_body_size=2_000) as server:
        tenant = server.tenant()

        def chunks():
            yield b'{"batch": ['
            for _ in range(100):
                yield b'"0123456789012345678901234567890123456789",'
            yield b"0]}"

        headers = {"Authorization": _basic(f"{tenant.public_key}:{tenant.secret_key}")}
        chunked = httpx.post(server.url + INGESTION, content=chunks(), headers=headers)
        small = post_json(tenant, INGESTION, {"batch": []})
    assert chunked.status_code == 413
    assert chunked.json()["message"] == "Body exceeded 2000b limit"
    assert small.status_code == 207


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods_get_405(mockfuse, method):
    response = httpx.request(method, mockfuse.url + INGESTION)
    assert response.status_code == 405
    assert response.json()["error"] == "MethodNotAllowedError"


@pytest.mark.parametrize(
    "header", ["x_langfuse_sdk_name", "x-langfuse-sdk-name", "X-Langfuse-Sdk-Name"]
)
def test_sdk_headers_are_read_in_either_spelling(mockfuse, header):
    post_json(mockfuse, INGESTION, {"batch": []}, **{header: "python"})
    [request] = mockfuse.requests
    assert request.header("x-langfuse-sdk-name") == "python"
    assert request.header("x_langfuse_sdk_name") == "python"


def test_the_request_log_keeps_raw_and_decoded_bodies_and_the_answer(mockfuse):
    raw = json.dumps(seed_batch()).encode()
    post_raw(mockfuse, INGESTION, raw)
    [request] = mockfuse.requests
    assert request.method == "POST"
    assert request.path == INGESTION
    assert request.raw_body == raw
    assert request.body == json.loads(raw)
    assert request.status == 207
    assert len(request.response["successes"]) == 2
    assert request.public_key == mockfuse.public_key
