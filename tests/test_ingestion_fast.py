"""Ingestion's fast path (msgspec) answers exactly as judging event by event does.

It may only accept: whenever it takes a batch, judging the batch event by event must accept
every event too, with the same ids. Generated batches, mutated from real clients' batches,
look for a case where it would accept more.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockfuse.api.exchange import parse_json
from mockfuse.langfuse.ingestion import fast as ingestion_fast
from mockfuse.langfuse.ingestion import schema as rules
from mockfuse.langfuse.ingestion.batch import judge_batch
from mockfuse.langfuse.ingestion.fast import accept_batch
from mockfuse.langfuse.ingestion.marks import mark_of
from tests.support.http import capture_bodies, post_raw, seed_batch

pytest.importorskip("msgspec")

INGESTION = "/api/public/ingestion"


def real_batches() -> list[dict[str, Any]]:
    batches = [seed_batch()]
    for name in ("lf2.jsonl", "litellm_classic.jsonl"):
        batches.extend(capture_bodies(name, INGESTION))
    return batches


BASES = real_batches()
TIMESTAMPS = [
    "2025-01-16T19:28:55.125258Z",
    "2025-01-16 19:28:55Z",
    "2025-01-16t19:28:55z",
    "2025-01-16T19:28Z",
    "2025-01-16T19:28:55+05",
    "2025-01-16T19:28:55+0530",
    "2025-01-16T19:28:55,5Z",
    "2025-02-30T19:28:55Z",
    "2025-01-16T24:00:00Z",
    "2025-01-16T19:28:55",
    "2025-01-16",
    "20250116T192855Z",
    "2025-01-16T19:28:55.1234567-08:00",
    "0001-01-01T00:00:00Z",
    "+2025-01-16T19:28:55Z",
    5,
]
IDS = ["", "a\rb", "x" * 800, "x" * 801, "ok-id", "ü-id", 7]
# Values near each rule's edge, valid and not, for the field a rule checks.
EDGE_VALUES: dict[Any, list[Any]] = {
    rules.timestamp: TIMESTAMPS,
    rules.identifier: IDS,
    rules.integer: [0, 5, 2.0, 2.5, True, "3", -1, 2**70, None],
    rules.number: [0.5, 1, True, "x", None, -3],
    rules.string: ["x", "", 5, True, None, ["x"]],
    rules.boolean: [True, False, 1, "true", None],
    rules.string_list: [["a"], [], ["a", 1], "a", None],
    rules.json_object: [{}, {"a": 1}, [], "x", None],
    rules.model_parameters: [{"t": 0.5}, {"t": [1]}, {"t": ["a"]}, {"t": {"a": 1}}, "x"],
    rules.usage: [
        {"input": 1, "output": 2, "unit": "TOKENS"},
        {"input": 2.0},
        {"output": 2.5},
        {"input": "1"},
        {"unit": "tokens"},
        {"totalCost": True},
        [],
    ],
    rules.anything: [None, 0, "", "text", [1], {"a": None}, True],
    rules.environment: [
        "production",
        "staging_2-b",
        "x" * 40,
        "x" * 41,
        "Production",
        "langfuse-dev",
        "my-langfuse",
        "prod\n",
        "",
        "with space",
        None,
        5,
    ],
}
ENUM_EXTRAS = ["bogus", "debug", None, 3]


def edge_values(check: Any) -> list[Any]:
    if isinstance(check, rules.OneOf):
        return [*check.options, *ENUM_EXTRAS]
    if isinstance(check, rules.BoundedString):
        return ["x", "x" * check.limit, "x" * (check.limit + 1), 5, None]
    return EDGE_VALUES[check]


@st.composite
def mutated_batches(draw: st.DrawFn) -> dict[str, Any]:
    """A real client's batch with one to three fields set to values at their rule's edge."""
    batch = copy.deepcopy(draw(st.sampled_from(BASES)))
    events = batch["batch"]
    for _ in range(draw(st.integers(1, 3))):
        event = draw(st.sampled_from(events))
        schema = rules.BODY_SCHEMAS.get(event.get("type"))
        if (
            schema is None
            or not isinstance(event.get("body"), dict)
            or draw(st.integers(0, 5)) == 0
        ):
            key = draw(st.sampled_from(["id", "timestamp", "type", "body"]))
            pool = {
                "id": IDS,
                "timestamp": TIMESTAMPS,
                "type": [*rules.BODY_SCHEMAS, "nope", "dataset-run-item-create"],
                "body": [None, [], {}],
            }[key]
            target = event
        else:
            key = draw(st.sampled_from(sorted(schema.fields)))
            pool = edge_values(schema.fields[key])
            target = event["body"]
        if draw(st.integers(0, 6)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(st.sampled_from(pool))
    return batch


def assert_fast_accepts_no_more(batch: dict[str, Any], *, ensure_ascii: bool = True) -> bool:
    """Whether the fast path took ``batch``; when it did, judging each event agrees."""
    text = json.dumps(batch, ensure_ascii=ensure_ascii).encode()
    fast = accept_batch(text, 10_000)
    if fast is None:
        return False
    verdict = judge_batch(parse_json(text)["batch"], scores_only=False)
    assert verdict.errors == [], text
    assert [event.id for event in fast] == [success["id"] for success in verdict.successes]
    stored = [(e["id"], e["type"], e["body"].get("id")) for e in verdict.accepted]
    assert [(event.id, event.type, event.entity_id) for event in fast] == stored
    return True


def single_edge_mutations() -> list[dict[str, Any]]:
    """Every real batch with one field of one event set to each of its rule's edge values."""
    mutations = []
    for base in BASES:
        for index, event in enumerate(base["batch"]):
            schema = rules.BODY_SCHEMAS[event["type"]]
            for key, check in schema.fields.items():
                for value in edge_values(check):
                    batch = copy.deepcopy(base)
                    batch["batch"][index]["body"][key] = value
                    mutations.append(batch)
            for key, pool in (("id", IDS), ("timestamp", TIMESTAMPS)):
                for value in pool:
                    batch = copy.deepcopy(base)
                    batch["batch"][index][key] = value
                    mutations.append(batch)
    return mutations


def test_no_single_edge_value_is_accepted_by_the_fast_path_alone():
    taken = sum(assert_fast_accepts_no_more(batch) for batch in single_edge_mutations())
    assert taken > 0  # the comparison is not empty: many edge values are valid


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=mutated_batches(), ascii_only=st.booleans())
def test_the_fast_path_never_accepts_what_judging_each_event_refuses(batch, ascii_only):
    assert_fast_accepts_no_more(batch, ensure_ascii=ascii_only)


@pytest.mark.parametrize("batch", BASES, ids=lambda b: f"{len(b['batch'])} events")
def test_real_clients_batches_take_the_fast_path(batch):
    accepted = accept_batch(json.dumps(batch).encode(), 10_000)
    assert accepted is not None
    assert [event.id for event in accepted] == [event["id"] for event in batch["batch"]]


def test_text_the_structs_cannot_judge_goes_the_slow_way():
    batch = seed_batch()
    batch["batch"][0]["timestamp"] = "2025-01-16 19:28:55Z"  # zod refuses the space
    assert accept_batch(json.dumps(batch).encode(), 10_000) is None
    batch = seed_batch()
    batch["batch"][0]["body"]["id"] = "a\rb"
    assert accept_batch(json.dumps(batch).encode(), 10_000) is None
    text = json.dumps(seed_batch()).encode().replace(b"Hello!", b"Hello\xff")  # not UTF-8
    assert accept_batch(text, 10_000) is None


def _answers_and_traces(tenant, bodies: list[bytes]) -> tuple[list[Any], list[Any]]:
    answers = []
    for body in bodies:
        response = post_raw(tenant, INGESTION, body)
        answers.append((response.status_code, response.json()))
    return answers, tenant.snapshot()


def test_the_server_answers_and_stores_the_same_with_and_without_the_fast_path(
    mockfuse_server, monkeypatch
):
    bodies = [json.dumps(batch).encode() for batch in BASES]
    bad = seed_batch()
    bad["batch"][1]["body"]["usage"] = {"input": "ten"}
    bodies.append(json.dumps(bad).encode())
    bodies.append(bodies[0])  # re-sent: stored once
    with_fast = mockfuse_server.tenant()
    fast = _answers_and_traces(with_fast, bodies)
    assert with_fast.requests[0].body == BASES[0]
    monkeypatch.setattr(ingestion_fast, "AVAILABLE", False)
    without = mockfuse_server.tenant()
    assert _answers_and_traces(without, bodies) == fast
    assert [r.body for r in without.requests] == [r.body for r in with_fast.requests]
    assert without.events == with_fast.events


@pytest.mark.parametrize("batch", BASES, ids=lambda batch: f"{len(batch['batch'])}-events")
def test_the_fast_path_marks_events_for_test_windows_as_decoding_them_would(batch):
    text = json.dumps(batch).encode()
    marks: list[Any] = []
    accepted = accept_batch(text, 10_000, marks)
    assert accepted is not None
    expected = [mark_of(event) for event in batch["batch"] if event["type"] != "sdk-log"]
    assert marks == expected
    assert all(made is not None for made, _ in marks)
