"""How events merge into traces, observations and scores (the rules Langfuse applies)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from mockfuse.langfuse.projection import Projection, clean_environment, public_view, read_io


def make_event(
    event_type: str, body: dict[str, Any], second: int, event_id: str | None = None
) -> dict[str, Any]:
    return {
        "id": event_id or f"{event_type}-{body.get('id')}-{second}",
        "type": event_type,
        "timestamp": f"2026-11-27T10:00:{second:02d}.000Z",
        "body": body,
    }


def project(*events: dict[str, Any]) -> Projection:
    projection = Projection()
    projection.add_all(list(events))
    return projection


def only_trace(projection: Projection) -> dict[str, Any]:
    [trace] = projection.traces()
    return public_view(trace)


def test_later_non_null_fields_win_and_nulls_never_erase():
    projection = project(
        make_event("trace-create", {"id": "t", "name": "first", "userId": "u1"}, 1),
        make_event("trace-create", {"id": "t", "name": "second", "userId": None}, 2),
    )
    trace = only_trace(projection)
    assert trace["name"] == "second"
    assert trace["userId"] == "u1"


def test_metadata_merges_key_by_key_and_tags_are_a_union():
    projection = project(
        make_event("trace-create", {"id": "t", "metadata": {"a": 1, "b": 1}, "tags": ["x"]}, 1),
        make_event("trace-create", {"id": "t", "metadata": {"b": 2}, "tags": ["y", "x"]}, 2),
    )
    trace = only_trace(projection)
    assert trace["metadata"] == {"a": 1, "b": 2}
    assert trace["tags"] == ["x", "y"]


def test_the_first_timestamp_of_a_trace_stays():
    projection = project(
        make_event("trace-create", {"id": "t", "timestamp": "2026-11-27T09:00:00Z"}, 1),
        make_event("trace-create", {"id": "t", "timestamp": "2026-11-27T11:00:00Z"}, 2),
    )
    assert only_trace(projection)["timestamp"] == "2026-11-27T09:00:00.000Z"


def test_updates_apply_after_creates_in_any_arrival_order():
    create = make_event("span-create", {"id": "s", "traceId": "t", "name": "create"}, 5)
    update = make_event(
        "span-update", {"id": "s", "name": "update", "endTime": "2026-11-27T10:00:09Z"}, 1
    )
    results = []
    for order in itertools.permutations([create, update]):
        [observation] = project(*order).observations()
        results.append(public_view(observation))
    assert results[0] == results[1]
    assert results[0]["name"] == "update"
    assert results[0]["type"] == "SPAN"
    assert results[0]["traceId"] == "t"
    assert results[0]["endTime"] == "2026-11-27T10:00:09.000Z"


def test_an_update_never_changes_the_type_the_create_gave():
    projection = project(
        make_event("agent-create", {"id": "a", "traceId": "t"}, 1),
        make_event("span-update", {"id": "a", "output": "done"}, 2),
    )
    [observation] = projection.observations()
    assert observation["type"] == "AGENT"
    assert observation["output"] == "done"


def test_start_time_defaults_to_the_event_timestamp_and_level_to_default():
    [observation] = project(
        make_event("event-create", {"id": "e", "traceId": "t"}, 3)
    ).observations()
    assert observation["startTime"] == "2026-11-27T10:00:03.000Z"
    assert observation["level"] == "DEFAULT"
    assert observation["environment"] == "default"


def test_an_observation_without_a_trace_gets_a_trace_of_its_own():
    projection = project(make_event("span-create", {"id": "lonely"}, 1))
    trace = only_trace(projection)
    assert trace["id"] == "lonely"
    assert [o["id"] for o in trace["observations"]] == ["lonely"]


def test_a_trace_known_only_through_its_observations_and_scores_exists():
    projection = project(
        make_event("score-create", {"id": "sc", "traceId": "t", "name": "q", "value": 1}, 1),
        make_event(
            "generation-create", {"id": "g", "traceId": "t", "startTime": "2026-11-27T10:00:02Z"}, 3
        ),
    )
    trace = only_trace(projection)
    assert trace["id"] == "t"
    assert trace["name"] is None
    assert trace["timestamp"] == "2026-11-27T10:00:02.000Z"
    assert [o["id"] for o in trace["observations"]] == ["g"]
    assert [s["id"] for s in trace["scores"]] == ["sc"]


def test_events_without_a_body_id_are_not_projected():
    projection = project(make_event("trace-create", {"name": "anonymous"}, 1))
    assert projection.traces() == []


def test_usage_in_openai_spelling_is_converted_and_details_flattened():
    body = {
        "id": "g",
        "traceId": "t",
        "usage": {"promptTokens": 10, "completionTokens": 5, "totalTokens": 15},
        "usageDetails": {
            "prompt_tokens": 10,
            "completion_tokens": 5,
            "total_tokens": 15,
            "prompt_tokens_details": {"cached_tokens": 4},
        },
        "costDetails": {"input": 0.1, "output": "free"},
    }
    [observation] = project(make_event("generation-create", body, 1)).observations()
    assert observation["usage"] == {"input": 10, "output": 5, "total": 15, "unit": "TOKENS"}
    assert observation["usageDetails"] == {
        "input": 6,
        "input_cached_tokens": 4,
        "output": 5,
        "total": 15,
    }
    assert observation["costDetails"] == {"input": 0.1}


def test_score_data_types_are_inferred():
    projection = project(
        make_event("score-create", {"id": "n", "traceId": "t", "name": "n", "value": 0.5}, 1),
        make_event("score-create", {"id": "c", "traceId": "t", "name": "c", "value": "good"}, 2),
        make_event(
            "score-create",
            {"id": "b", "traceId": "t", "name": "b", "value": 1, "dataType": "BOOLEAN"},
            3,
        ),
    )
    scores = {score["id"]: score for score in projection.scores()}
    assert (scores["n"]["dataType"], scores["n"]["value"], scores["n"]["stringValue"]) == (
        "NUMERIC",
        0.5,
        None,
    )
    assert (scores["c"]["dataType"], scores["c"]["value"], scores["c"]["stringValue"]) == (
        "CATEGORICAL",
        0,
        "good",
    )
    assert (scores["b"]["dataType"], scores["b"]["stringValue"]) == ("BOOLEAN", "True")
    assert all(score["source"] == "API" for score in scores.values())


def test_environment_names_from_otel_spans_are_made_valid():
    assert clean_environment("Production") == "production"
    assert clean_environment("langfuse-staging") == "staging"
    assert clean_environment("has spaces") == "default"
    assert clean_environment(None) == "default"
    assert clean_environment("x" * 50) == "x" * 40


def test_metadata_reads_back_as_the_map_langfuse_keeps():
    projection = project(
        make_event("trace-create", {"id": "t", "metadata": "just text"}, 1),
        make_event("trace-create", {"id": "t", "metadata": {"n": "42", "j": '{"a": [1]}'}}, 2),
        make_event("trace-create", {"id": "t", "metadata": {"s": "hello", "f": "NaN"}}, 3),
        make_event("span-create", {"id": "s", "traceId": "t", "metadata": [1, 2]}, 4),
        make_event("span-create", {"id": "bare", "traceId": "t"}, 5),
    )
    trace = only_trace(projection)
    assert trace["metadata"] == {
        "metadata": "just text",
        "n": 42,
        "j": {"a": [1]},
        "s": "hello",
        "f": "NaN",
    }
    by_id = {o["id"]: o for o in trace["observations"]}
    assert by_id["s"]["metadata"] == {"metadata": [1, 2]}
    assert by_id["bare"]["metadata"] == {}


def test_observations_and_scores_inherit_their_traces_environment():
    projection = project(
        make_event("trace-create", {"id": "t", "environment": "staging"}, 1),
        make_event("span-create", {"id": "inherits", "traceId": "t"}, 2),
        make_event("span-create", {"id": "own", "traceId": "t", "environment": "canary"}, 3),
        make_event("score-create", {"id": "sc", "traceId": "t", "name": "q", "value": 1}, 4),
        make_event("span-create", {"id": "orphan", "traceId": "elsewhere"}, 5),
    )
    environments = {o["id"]: o["environment"] for o in projection.observations()}
    assert environments == {"inherits": "staging", "own": "canary", "orphan": "default"}
    assert [s["environment"] for s in projection.scores()] == ["staging"]
    implicit = next(t for t in projection.traces() if t["id"] == "elsewhere")
    assert implicit["environment"] == "default"


def test_a_trace_known_only_through_its_observation_takes_the_observations_environment():
    projection = project(
        make_event("span-create", {"id": "s", "traceId": "t", "environment": "prod"}, 1)
    )
    assert only_trace(projection)["environment"] == "prod"


@pytest.mark.parametrize(
    ("details", "stored"),
    [
        # Exactly OpenAI's chat usage: converted, its breakdown taken out of the input.
        (
            {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12},
            {"input": 9, "output": 3, "total": 12},
        ),
        # The Responses API's shape too.
        (
            {"input_tokens": 9, "output_tokens": 3, "total_tokens": 12,
             "output_tokens_details": {"reasoning_tokens": 2}},
            {"input": 9, "output": 1, "output_reasoning_tokens": 2, "total": 12},
        ),
        # No total, or a key OpenAI's object does not have: Langfuse's strict schema refuses
        # it, so the keys are kept as they are, with a total added.
        (
            {"prompt_tokens": 9, "completion_tokens": 3},
            {"prompt_tokens": 9, "completion_tokens": 3, "total": 12},
        ),
        (
            {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12, "cache": 1},
            {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12, "cache": 1,
             "total": 25},
        ),
    ],
)  # fmt: skip
def test_openai_usage_is_converted_only_in_exactly_its_shape(details, stored):
    body = {"id": "g", "traceId": "t", "usageDetails": details}
    [observation] = project(make_event("generation-create", body, 1)).observations()
    assert observation["usageDetails"] == stored


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ('{"args": ["q"]}', {"args": ["q"]}),
        (' \n\t["a", 1]', ["a", 1]),
        ('"quoted"', "quoted"),
        ("-1.5", -1.5),
        ("true", True),
        ("null", None),
        ("python", "python"),
        ("1.45.2", "1.45.2"),  # starts as a number would, and is not one
        ("NaN", "NaN"),
        ("-Infinity", "-Infinity"),
        ("", ""),
        ("   ", "   "),
        ("\u00a0[1]", "\u00a0[1]"),  # a space JSON.parse does not skip
        ("{not json", "{not json"),
    ],
)
def test_inputs_read_as_json_where_they_are_json_and_as_themselves_elsewhere(stored, shown):
    assert read_io(stored) == shown


def test_forgetting_what_was_merged_merges_it_anew_at_the_next_read():
    projection = project(
        make_event("trace-create", {"id": "t", "name": "checkout"}, 1),
        make_event("span-create", {"id": "s", "traceId": "t", "name": "step"}, 2),
    )
    traces = projection.traces()
    assert projection.traces() is traces  # kept while nothing new arrives
    projection.forget_merged()
    again = projection.traces()
    assert again is not traces
    assert again == traces
