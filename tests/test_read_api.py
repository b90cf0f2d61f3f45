"""The read API over HTTP: consistent at once, in the shapes Langfuse's API declares."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.support.http import auth_headers, get, post_json

T0 = "2026-11-27T10:00:0{}Z"


def ev(event_id, event_type, body, second=0):
    return {"id": event_id, "type": event_type, "timestamp": T0.format(second), "body": body}


@pytest.fixture
def captured(mockfuse):
    batch = [
        ev(
            "1",
            "trace-create",
            {"id": "t-1", "name": "checkout", "userId": "u-1", "sessionId": "s-1", "tags": ["a"]},
        ),
        ev(
            "2",
            "span-create",
            {
                "id": "o-1",
                "traceId": "t-1",
                "name": "plan",
                "startTime": T0.format(1),
                "endTime": T0.format(3),
            },
        ),
        ev(
            "3",
            "generation-create",
            {
                "id": "o-2",
                "traceId": "t-1",
                "parentObservationId": "o-1",
                "name": "llm",
                "startTime": T0.format(2),
                "endTime": T0.format(4),
                "costDetails": {"input": 0.25, "output": 0.5},
            },
            2,
        ),
        ev("4", "score-create", {"id": "sc-1", "traceId": "t-1", "name": "q", "value": 1}),
        ev("5", "trace-create", {"id": "t-2", "name": "refund", "userId": "u-2"}, 5),
    ]
    assert post_json(mockfuse, "/api/public/ingestion", {"batch": batch}).json()["errors"] == []
    return mockfuse


def test_a_trace_with_its_observations_scores_latency_and_cost(captured):
    trace = get(captured, "/api/public/traces/t-1").json()
    assert (trace["name"], trace["userId"], trace["sessionId"]) == ("checkout", "u-1", "s-1")
    assert trace["htmlPath"] == "/project/mockfuse-project/traces/t-1"
    assert trace["latency"] == 4.0
    assert trace["totalCost"] == 0.75
    assert {o["id"] for o in trace["observations"]} == {"o-1", "o-2"}
    assert [s["id"] for s in trace["scores"]] == ["sc-1"]


def test_an_unknown_trace_is_langfuses_404(captured):
    response = get(captured, "/api/public/traces/nope")
    assert response.status_code == 404
    assert response.json() == {
        "error": "LangfuseNotFoundError",
        "message": "Trace nope not found within authorized project",
    }


def test_traces_are_listed_newest_first_filtered_and_paged(captured):
    listed = get(captured, "/api/public/traces").json()
    assert [t["id"] for t in listed["data"]] == ["t-2", "t-1"]
    assert listed["meta"] == {"page": 1, "limit": 50, "totalItems": 2, "totalPages": 1}
    assert [t["id"] for t in get(captured, "/api/public/traces", userId="u-1").json()["data"]] == [
        "t-1"
    ]
    assert [t["id"] for t in get(captured, "/api/public/traces", tags="a").json()["data"]] == [
        "t-1"
    ]
    second = get(captured, "/api/public/traces", page=2, limit=1).json()
    assert ([t["id"] for t in second["data"]], second["meta"]["totalPages"]) == (["t-1"], 2)
    assert get(captured, "/api/public/traces", limit=0).status_code == 400


def test_observations_one_and_many(captured):
    llm = get(captured, "/api/public/observations/o-2").json()
    assert (llm["type"], llm["parentObservationId"], llm["latency"]) == ("GENERATION", "o-1", 2.0)
    assert get(captured, "/api/public/observations/nope").status_code == 404
    by_type = get(captured, "/api/public/observations", type="SPAN").json()
    assert [o["id"] for o in by_type["data"]] == ["o-1"]


# Langfuse's v1 observation (web/src/features/public-api/types/observations.ts), a strict
# zod object: exactly these fields.
V1_OBSERVATION_FIELDS = {
    "id", "projectId", "traceId", "parentObservationId", "name", "type", "environment",
    "startTime", "endTime", "version", "createdAt", "updatedAt", "input", "output", "metadata",
    "level", "statusMessage", "model", "modelParameters", "completionStartTime", "promptId",
    "promptName", "promptVersion", "usageDetails", "costDetails", "usage", "unit",
    "promptTokens", "completionTokens", "totalTokens", "usagePricingTierName",
    "usagePricingTierId", "modelId", "inputPrice", "outputPrice", "totalPrice",
    "calculatedInputCost", "calculatedOutputCost", "calculatedTotalCost", "latency",
    "timeToFirstToken",
}  # fmt: skip


def test_the_v1_observation_has_langfuses_fields_and_legacy_token_counts(captured):
    span = get(captured, "/api/public/observations/o-1").json()
    listed = get(captured, "/api/public/observations").json()["data"]
    assert set(span) == V1_OBSERVATION_FIELDS
    assert all(set(o) == V1_OBSERVATION_FIELDS for o in listed)
    assert (span["promptTokens"], span["completionTokens"], span["totalTokens"]) == (0, 0, 0)
    assert span["usage"] == {"unit": "TOKENS", "input": 0, "output": 0, "total": 0}


def test_v2_observations_page_with_a_cursor(captured):
    first = get(captured, "/api/public/v2/observations", limit=1).json()
    assert [o["id"] for o in first["data"]] == ["o-2"]
    second = get(
        captured, "/api/public/v2/observations", limit=1, cursor=first["meta"]["cursor"]
    ).json()
    assert ([o["id"] for o in second["data"]], second["meta"]["cursor"]) == (["o-1"], None)
    assert get(captured, "/api/public/v2/observations", cursor="!!").status_code == 400


def test_the_read_api_needs_a_secret_key(captured):
    response = httpx.get(
        captured.url + "/api/public/traces",
        headers={"Authorization": f"Bearer {captured.public_key}"},
    )
    assert response.status_code == 401


@pytest.mark.mockfuse_expect_rejections()
def test_scores_listed_filtered_and_one_by_id(captured):
    post_json(
        captured,
        "/api/public/scores",
        {"id": "sc-2", "sessionId": "s-1", "name": "mood", "value": "calm"},
    )
    listed = get(captured, "/api/public/v2/scores").json()
    assert {s["id"] for s in listed["data"]} == {"sc-1", "sc-2"}
    assert [
        s["id"]
        for s in get(captured, "/api/public/v2/scores", dataType="CATEGORICAL").json()["data"]
    ] == ["sc-2"]
    assert [s["id"] for s in get(captured, "/api/public/scores", userId="u-1").json()["data"]] == [
        "sc-1"
    ]
    one = get(captured, "/api/public/v2/scores/sc-2").json()
    assert (one["stringValue"], one["sessionId"]) == ("calm", "s-1")
    assert get(captured, "/api/public/v2/scores/nope").status_code == 404
    assert (
        httpx.put(captured.url + "/api/public/scores", headers=auth_headers(captured)).status_code
        == 405
    )


def test_sessions_gather_their_traces(captured):
    listed = get(captured, "/api/public/sessions").json()
    assert [s["id"] for s in listed["data"]] == ["s-1"]
    session = get(captured, "/api/public/sessions/s-1").json()
    assert [t["id"] for t in session["traces"]] == ["t-1"]
    assert session["projectId"] == "mockfuse-project"
    assert get(captured, "/api/public/sessions/nope").status_code == 404


def test_v3_scores_show_subjects_and_typed_values_with_a_cursor(mockfuse):
    targets = [
        ("num", {"traceId": "t", "value": 0.5}, 1),
        ("bool", {"traceId": "t", "observationId": "o", "value": 1, "dataType": "BOOLEAN"}, 2),
        ("cat", {"sessionId": "s", "value": "good"}, 3),
        ("run", {"datasetRunId": "r", "value": 2}, 4),
    ]
    batch = [
        ev(name, "score-create", {"id": name, "name": name, **body}, second)
        for name, body, second in targets
    ]
    assert post_json(mockfuse, "/api/public/ingestion", {"batch": batch}).json()["errors"] == []
    first = get(mockfuse, "/api/public/v3/scores", limit=3).json()
    assert first["meta"]["limit"] == 3
    shown = {s["id"]: (s["subject"], s["value"]) for s in first["data"]}
    assert shown == {
        "run": ({"kind": "experiment", "id": "r"}, 2),
        "cat": ({"kind": "session", "id": "s"}, "good"),
        "bool": ({"kind": "observation", "id": "o", "traceId": "t"}, True),
    }
    rest = get(mockfuse, "/api/public/v3/scores", limit=3, cursor=first["meta"]["cursor"]).json()
    assert ([s["id"] for s in rest["data"]], rest["meta"]["cursor"]) == (["num"], None)
    assert rest["data"][0]["subject"] == {"kind": "trace", "id": "t"}

    def ids(**query):
        return [s["id"] for s in get(mockfuse, "/api/public/v3/scores", **query).json()["data"]]

    assert ids(experimentId="r") == ["run"]
    assert ids(valueMin=0.75) == ["run", "bool"]
    assert ids(valueMax=0.5, dataType="NUMERIC") == ["num"]
    assert ids(value="good") == ["cat"]
    assert ids(fromTimestamp=T0.format(2), toTimestamp=T0.format(4)) == ["cat", "bool"]
    assert get(mockfuse, "/api/public/v3/scores", fromTimestamp="soon").status_code == 400


def ids_of(tenant, path, **query):
    response = get(tenant, path, **query)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]]


def test_list_filters_by_time_version_release_environment_and_order(mockfuse):
    batch = [
        ev("1", "trace-create", {"id": "a", "name": "n", "version": "v1", "release": "r1"}, 1),
        ev("2", "trace-create", {"id": "b", "name": "m", "environment": "staging"}, 3),
        ev("3", "trace-create", {"id": "c", "name": "o", "environment": "prod"}, 5),
        ev("4", "span-create", {"id": "root", "traceId": "a", "startTime": T0.format(1)}, 1),
        ev(
            "5",
            "span-create",
            {"id": "child", "traceId": "a", "parentObservationId": "root"},
            4,
        ),
        ev("6", "trace-create", {"id": "s", "sessionId": "sess", "environment": "prod"}, 6),
    ]
    assert post_json(mockfuse, "/api/public/ingestion", {"batch": batch}).json()["errors"] == []
    traces = "/api/public/traces"
    assert ids_of(mockfuse, traces, version="v1") == ["a"]
    assert ids_of(mockfuse, traces, release="r1") == ["a"]
    assert ids_of(mockfuse, traces, environment=["staging", "prod"]) == ["s", "c", "b"]
    window = {"fromTimestamp": T0.format(3), "toTimestamp": T0.format(5)}
    assert ids_of(mockfuse, traces, **window) == ["b"]
    assert ids_of(mockfuse, traces, orderBy="name.asc", name=["m", "n", "o"]) == ["b", "a", "c"]
    assert get(mockfuse, traces, orderBy="name.sideways").status_code == 400
    assert get(mockfuse, traces, fromTimestamp="last week").status_code == 400
    observations = "/api/public/observations"
    assert ids_of(mockfuse, observations, fromStartTime=T0.format(2)) == ["child"]
    assert ids_of(mockfuse, observations, toStartTime=T0.format(2)) == ["root"]
    assert ids_of(mockfuse, "/api/public/v2/observations", isRootObservation="true") == ["root"]
    sessions = "/api/public/sessions"
    assert ids_of(mockfuse, sessions, environment="prod") == ["sess"]
    assert ids_of(mockfuse, sessions, toTimestamp=T0.format(6)) == []


def filtered(tenant, path, *conditions):
    return get(tenant, path, filter=json.dumps(list(conditions)))


def test_the_filter_parameter_on_observations_scores_and_sessions(captured):
    generations = filtered(
        captured,
        "/api/public/observations",
        {"type": "stringOptions", "column": "type", "operator": "any of", "value": ["GENERATION"]},
        {"type": "number", "column": "latency", "operator": ">=", "value": 2},
    ).json()["data"]
    assert [o["id"] for o in generations] == ["o-2"]
    later = filtered(
        captured,
        "/api/public/v2/observations",
        {"type": "datetime", "column": "Start Time", "operator": ">", "value": T0.format(1)},
    ).json()["data"]
    assert [o["id"] for o in later] == ["o-2"]
    roots = filtered(
        captured,
        "/api/public/observations",
        {"type": "null", "column": "parentObservationId", "operator": "is null", "value": ""},
    ).json()["data"]
    assert [o["id"] for o in roots] == ["o-1"]
    scores = filtered(
        captured,
        "/api/public/v2/scores",
        {"type": "number", "column": "value", "operator": "=", "value": 1},
    ).json()["data"]
    assert [s["id"] for s in scores] == ["sc-1"]
    sessions = filtered(
        captured,
        "/api/public/sessions",
        {"type": "string", "column": "id", "operator": "starts with", "value": "s-"},
    ).json()["data"]
    assert [s["id"] for s in sessions] == ["s-1"]


@pytest.mark.parametrize(
    "bad",
    [
        "not json",
        '{"type": "string"}',
        '[{"type": "string", "column": "name", "operator": ">", "value": "x"}]',
        '[{"type": "number", "column": "latency", "operator": ">", "value": "x"}]',
        '[{"type": "colour", "column": "name", "operator": "=", "value": "x"}]',
    ],
)
def test_a_bad_filter_is_langfuses_400(captured, bad):
    answer = get(captured, "/api/public/traces", filter=bad)
    assert (answer.status_code, answer.json()["error"]) == (400, "InvalidRequestError")


def test_the_fixture_shows_what_the_read_api_answers_field_for_field(mockfuse):
    """A trace with a span, a generation linked to a prompt and priced by a built-in model,
    and a score: ``mockfuse.traces`` and ``mockfuse.observations`` are what
    ``GET /api/public/traces/{id}`` answers, its observations included."""
    mockfuse.add_prompt("greeting", "Hi {{name}}")
    generation = {
        "id": "o-2",
        "traceId": "t-1",
        "parentObservationId": "o-1",
        "name": "llm",
        "model": "gpt-4o-mini",
        "startTime": T0.format(2),
        "completionStartTime": T0.format(3),
        "endTime": T0.format(4),
        "usageDetails": {"input": 1000, "output": 100},
        "promptName": "greeting",
        "promptVersion": 1,
    }
    batch = [
        ev("1", "trace-create", {"id": "t-1", "name": "checkout", "userId": "u-1"}),
        ev("2", "span-create", {"id": "o-1", "traceId": "t-1", "name": "plan"}, 1),
        ev("3", "generation-create", generation, 2),
        ev("4", "score-create", {"id": "sc-1", "traceId": "t-1", "name": "q", "value": 1}),
    ]
    assert post_json(mockfuse, "/api/public/ingestion", {"batch": batch}).json()["errors"] == []

    [trace] = mockfuse.traces
    answered = get(mockfuse, "/api/public/traces/t-1").json()
    assert answered == trace
    in_trace = {o["id"]: o for o in answered["observations"]}
    assert {o["id"]: o for o in mockfuse.observations} == in_trace
    llm = next(o for o in trace["observations"] if o["id"] == "o-2")
    assert llm["promptId"] is not None and llm["modelId"] is not None
    assert (llm["calculatedInputCost"], llm["calculatedOutputCost"]) == (0.00015, 0.00006)
    assert (llm["inputPrice"], llm["outputPrice"]) == (1.5e-07, 6e-07)
    assert (llm["latency"], llm["timeToFirstToken"]) == (2.0, 1.0)
    assert trace["totalCost"] == llm["calculatedTotalCost"] == 0.00021
    assert trace["htmlPath"] == "/project/mockfuse-project/traces/t-1"


def test_snapshots_keep_costs_and_prices_and_leave_out_what_time_and_the_server_derive(
    captured,
):
    [trace] = [t for t in captured.snapshot() if t["name"] == "checkout"]
    assert trace["totalCost"] == 0.75 and "htmlPath" not in trace and "latency" not in trace
    llm = trace["observations"][0]["children"][0]
    assert (llm["calculatedTotalCost"], llm["totalCost"]) == (0.75, 0.75)
    for derived in ("latency", "timeToFirstToken", "projectId", "userId", "usage"):
        assert derived not in llm
    [kept] = [
        t
        for t in captured.snapshot(keep=["latency", "observations.latency"])
        if t["name"] == "checkout"
    ]
    assert (kept["latency"], kept["observations"][0]["latency"]) == (4.0, 2.0)


def test_the_tree_shows_a_tests_traces_at_a_glance(mockfuse):
    generation = {
        "id": "o-2",
        "traceId": "t-1",
        "parentObservationId": "o-1",
        "name": "llm",
        "model": "gpt-4o-mini",
        "startTime": T0.format(2),
        "usageDetails": {"input": 1000, "output": 100},
    }
    failed = {"id": "o-3", "traceId": "t-1", "parentObservationId": "o-1", "name": "lookup"}
    failed.update(startTime=T0.format(3), level="ERROR", statusMessage="timed out")
    batch = [
        ev("1", "trace-create", {"id": "t-1", "name": "checkout", "userId": "u-1"}),
        ev("2", "span-create", {"id": "o-1", "traceId": "t-1", "name": "plan"}, 1),
        ev("3", "generation-create", generation, 2),
        ev("4", "span-create", failed, 3),
        ev("5", "score-create", {"id": "s", "traceId": "t-1", "name": "helpful", "value": 1}),
    ]
    assert post_json(mockfuse, "/api/public/ingestion", {"batch": batch}).json()["errors"] == []
    assert mockfuse.tree() == "\n".join(
        [
            "trace 'checkout'  userId=u-1  $0.00021  scores helpful=1",
            "  - SPAN 'plan'",
            "    - GENERATION 'llm'  gpt-4o-mini  input 1000, output 100  $0.00021",
            "    - SPAN 'lookup'  ERROR: timed out",
        ]
    )
    with pytest.raises(TimeoutError) as waited:
        mockfuse.wait_for(traces=2, timeout=0.2)
    assert "\n  trace 'checkout'" in str(waited.value)
