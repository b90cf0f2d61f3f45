"""Normalization, comparison and file naming of snapshots, over captures sent by HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockfuse.snapshot.compare import describe_difference, find_changes, snapshot_text
from mockfuse.snapshot.files import safe_segment, snapshot_path, write_snapshot
from mockfuse.snapshot.normalize import ENDS_BEFORE_START, normalize
from tests.support.http import post_json, seed_batch

INGESTION = "/api/public/ingestion"


def ev(event_id, event_type, body, second=0):
    return {
        "id": event_id,
        "type": event_type,
        "timestamp": f"2026-11-27T10:00:{second:02d}Z",
        "body": body,
    }


def send(tenant, *events):
    response = post_json(tenant, INGESTION, {"batch": list(events)})
    assert response.json()["errors"] == []


def test_ids_become_typed_placeholders_and_links_stay(mockfuse):
    send(
        mockfuse,
        ev("e1", "trace-create", {"id": "trace-a", "name": "checkout", "sessionId": "s-1"}),
        ev("e2", "span-create", {"id": "span-a", "traceId": "trace-a", "name": "retrieve"}),
        ev(
            "e3",
            "generation-create",
            {"id": "gen-a", "traceId": "trace-a", "parentObservationId": "span-a", "name": "llm"},
        ),
        ev(
            "e4",
            "score-create",
            {"id": "sc", "traceId": "trace-a", "observationId": "gen-a", "name": "q", "value": 1},
        ),
        ev("e5", "trace-create", {"id": "trace-b", "name": "followup", "sessionId": "s-1"}),
    )
    [checkout, followup] = mockfuse.snapshot()
    assert (checkout["id"], followup["id"]) == ("<trace:1>", "<trace:2>")
    assert checkout["sessionId"] == followup["sessionId"] == "<session:1>"
    [retrieve] = checkout["observations"]
    assert retrieve["id"] == "<observation:1>"
    [llm] = retrieve["children"]
    assert llm["id"] == "<observation:2>"
    assert "parentObservationId" not in llm  # the nesting says it
    [score] = checkout["scores"]
    assert score["observationId"] == "<observation:2>"
    assert "traceId" not in score


def test_a_reference_to_an_id_never_captured_is_marked_missing(mockfuse):
    send(
        mockfuse,
        ev("e1", "trace-create", {"id": "t", "name": "n"}),
        ev("e2", "span-create", {"id": "s", "traceId": "t", "parentObservationId": "gone"}),
    )
    [trace] = mockfuse.snapshot()
    assert trace["observations"][0]["parentObservationId"] == "<missing:observation:1>"


def test_in_the_events_view_the_seeds_generation_points_at_a_missing_trace(mockfuse):
    post_json(mockfuse, INGESTION, seed_batch())
    events = {event["type"]: event for event in mockfuse.snapshot("events")}
    assert events["trace-create"]["body"]["id"] == "<trace:1>"
    assert events["generation-create"]["body"]["traceId"] == "<missing:trace:1>"
    assert events["generation-create"]["timestamp"] == "<timestamp>"


def test_timestamps_are_masked_but_an_end_before_its_start_is_reported(mockfuse):
    send(
        mockfuse,
        ev(
            "e1",
            "span-create",
            {
                "id": "ok",
                "traceId": "t",
                "name": "a",
                "startTime": "2026-11-27T10:00:00Z",
                "endTime": "2026-11-27T10:00:01Z",
            },
        ),
        ev(
            "e2",
            "span-create",
            {
                "id": "bad",
                "traceId": "t",
                "name": "b",
                "startTime": "2026-11-27T10:00:05Z",
                "endTime": "2026-11-27T10:00:01Z",
            },
        ),
    )
    [trace] = mockfuse.snapshot()
    ends = {o["name"]: o["endTime"] for o in trace["observations"]}
    assert ends == {"a": "<timestamp>", "b": ENDS_BEFORE_START}
    assert trace["timestamp"] == "<timestamp>"


def test_null_fields_are_left_out_but_user_data_keeps_its_nulls(mockfuse):
    send(
        mockfuse,
        ev("e1", "trace-create", {"id": "t", "name": "n", "userId": None, "output": {"x": None}}),
    )
    [trace] = mockfuse.snapshot()
    assert "userId" not in trace
    assert trace["output"] == {"x": None}


def test_user_ignore_globs_drop_paths_and_keep_restores_defaults(mockfuse):
    send(
        mockfuse,
        ev(
            "e1",
            "trace-create",
            {"id": "t", "name": "n", "release": "abc123", "metadata": {"a": 1, "volatile": 2}},
        ),
        ev(
            "e2",
            "span-create",
            {"id": "s", "traceId": "t", "name": "sp", "metadata": {"volatile": 3, "b": 4}},
        ),
    )
    [trace] = mockfuse.snapshot(ignore=["*metadata.volatile"])
    assert "release" not in trace  # SDK 2.x sets it from CI variables: dropped by default
    assert trace["metadata"] == {"a": 1}
    assert trace["observations"][0]["metadata"] == {"b": 4}
    [kept] = mockfuse.snapshot(keep=["release", "id"])
    assert kept["release"] == "abc123"
    assert kept["id"] == "t"


def test_the_requests_view_drops_sdk_bookkeeping(mockfuse):
    post_json(mockfuse, INGESTION, seed_batch())
    [request] = mockfuse.snapshot("requests")
    assert request["body"]["metadata"] == {"sdk_integration": "litellm"}
    assert (request["method"], request["path"], request["status"]) == ("POST", INGESTION, 207)
    assert [e["id"] for e in request["body"]["batch"]] == ["<event:1>", "<event:2>"]


def test_unknown_view_is_refused(mockfuse):
    with pytest.raises(ValueError, match="unknown view"):
        mockfuse.snapshot("spans")


@pytest.mark.parametrize("view", ["traces", "events", "requests"])
def test_normalizing_twice_changes_nothing(mockfuse, view):
    post_json(mockfuse, INGESTION, seed_batch())
    once = mockfuse.snapshot(view)
    assert normalize(view, once) == once


def test_floats_compare_with_a_tolerance_and_ints_equal_floats():
    assert (
        find_changes([{"cost": 3.5e-05, "n": 1}], [{"cost": 3.5000000000001e-05, "n": 1.0}]) == []
    )
    [change] = find_changes([{"cost": 3.5e-05}], [{"cost": 3.6e-05}])
    assert (change.kind, change.path) == ("changed", "0.cost")


def test_an_empty_object_that_became_full_is_one_change():
    # DeepDiff reports an empty object that gained several fields as changed whole.
    costs = {"input": 1e-06, "output": 2e-06, "total": 3e-06}
    [change] = find_changes({"costDetails": {}}, {"costDetails": costs})
    assert (change.kind, change.path, change.actual) == ("changed", "costDetails", costs)


def test_the_difference_names_items_and_aligns_a_missing_one():
    expected = [
        {"name": "a", "x": 1},
        {"name": "b", "x": 2},
        {"name": "c", "observations": [{"name": "llm", "model": "m1"}]},
    ]
    actual = [
        {"name": "a", "x": 1},
        {"name": "c", "observations": [{"name": "llm", "model": "m2"}]},
    ]
    changes = find_changes(expected, actual)
    report = describe_difference(expected, actual, changes, expected_label="snap.json")
    lines = report.splitlines()
    assert lines[0] == "2 difference(s) between expected (snap.json) and actual:"
    assert '  changed  1(c).observations.0(llm).model: "m1" -> "m2"' in lines
    assert '  removed  1(b): expected {"name": "b", "x": 2}' in lines
    assert "--- expected (snap.json)" in lines
    assert "+++ actual" in lines
    assert '-        "model": "m1",' in lines or '-        "model": "m1"' in lines


def test_a_huge_difference_is_shortened():
    expected = [{"name": f"t{i}", "value": i} for i in range(500)]
    actual = [{"name": f"t{i}", "value": i + 1} for i in range(500)]
    report = describe_difference(
        expected, actual, find_changes(expected, actual), expected_label="x"
    )
    assert "… and 475 more" in report
    assert "more diff lines" in report
    assert len(report.splitlines()) < 200


@pytest.mark.parametrize(
    "nodeid",
    [
        "tests/test_a.py::test_x[a/b]",
        "tests/test_a.py::test_x[ünïcode-名前]",
        "tests/test_a.py::test_x[../../etc/passwd]",
        "../outside.py::test_x",
        "tests/test_a.py::TestClass::test_x[\x00]",
        "tests/test_a.py::" + "long" * 100,
    ],
)
def test_no_test_name_writes_outside_the_snapshot_folder(tmp_path, nodeid):
    root = tmp_path / "snapshots"
    for name in (None, "../../escape", "a/b", ".hidden", "..", "x" * 300):
        path = snapshot_path(root, nodeid, name)
        assert path.resolve().is_relative_to(root.resolve())
        assert all(not part.startswith(".") for part in path.relative_to(root).parts)
        assert len(path.name) < 255


def test_sanitized_names_that_collide_get_distinct_files(tmp_path):
    assert safe_segment("test_x[a/b]") != safe_segment("test_x[a_b]")
    assert safe_segment("test_plain") == "test_plain"
    first = snapshot_path(tmp_path, "t.py::test_x[a/b]")
    second = snapshot_path(tmp_path, "t.py::test_x[a_b]")
    assert first != second


def test_files_have_sorted_keys_two_space_indent_and_a_trailing_newline(tmp_path):
    path = tmp_path / "deep" / "snap.json"
    write_snapshot(path, [{"b": 1, "a": {"d": 2, "c": "é"}}])
    text = path.read_text(encoding="utf-8")
    assert text == '[\n  {\n    "a": {\n      "c": "é",\n      "d": 2\n    },\n    "b": 1\n  }\n]\n'
    assert text == snapshot_text(json.loads(text))
    assert [p.name for p in Path(tmp_path / "deep").iterdir()] == ["snap.json"]  # no temp file left
