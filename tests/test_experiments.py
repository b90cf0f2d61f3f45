"""The experiments read API over plain HTTP, for what SDK runs cannot vary: the required time
range and how it cuts experiments, the id, name and dataset parameters, ``filter``, field
groups, scores and cursor paging. (SDK 5.x's own run and read-back: tests/test_datasets.py.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.experiment_spans import export, item_run
from tests.support.http import get, post_json

T0 = 1_764_669_600  # 2025-12-02T10:00:00Z
SINCE = "2025-12-02T00:00:00Z"


@pytest.fixture
def recorded(mockfuse):
    """Three item runs: two in a dataset experiment (an hour apart), one in an experiment over
    local data, and a trace score on the first."""
    runs = [
        item_run(trace_id="a" * 32, dataset_id="ds-1", item_id="i1", start_second=T0),
        item_run(trace_id="b" * 32, dataset_id="ds-1", item_id="i2", start_second=T0 + 3600),
        item_run(
            trace_id="c" * 32,
            experiment_id="local-1",
            run_name="local",
            item_id="hash",
            start_second=T0 + 60,
            extra={
                "langfuse.experiment.item.expected_output": '"yes"',
                "langfuse.experiment.metadata": '{"model":"m"}',
            },
        ),
    ]
    assert post_json(mockfuse, "/api/public/otel/v1/traces", export(*runs)).status_code == 200
    score = {"name": "exact", "value": 1, "traceId": "a" * 32}
    run_score = {"name": "mean", "value": 0.5, "datasetRunId": "experiment-1"}
    for body in (score, run_score):
        assert post_json(mockfuse, "/api/public/scores", body).status_code == 200
    return mockfuse


def items(tenant: Any, **query: Any) -> list[dict[str, Any]]:
    answer = get(tenant, "/api/public/experiment-items", **{"fromStartTime": SINCE, **query})
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]  # type: ignore[no-any-return]


def experiments(tenant: Any, **query: Any) -> list[dict[str, Any]]:
    answer = get(tenant, "/api/public/experiments", **{"fromStartTime": SINCE, **query})
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]  # type: ignore[no-any-return]


def test_items_are_the_runs_root_observations_newest_first(recorded):
    listed = items(recorded)
    assert [i["experimentItemId"] for i in listed] == ["i2", "hash", "i1"]
    first = listed[-1]
    assert first == {
        "id": "a" * 16,
        "traceId": "a" * 32,
        "startTime": "2025-12-02T10:00:00.000Z",
        "endTime": "2025-12-02T10:00:01.000Z",
        "level": "DEFAULT",
        "environment": "default",
        "experimentId": "experiment-1",
        "experimentName": "nightly",
        "experimentItemId": "i1",
        "experimentDatasetId": "ds-1",
        "experimentItemVersion": None,
    }
    [local] = items(recorded, experimentId="local-1", fields="core,io,experimentMetadata")
    assert (local["expectedOutput"], local["experimentMetadata"]) == ("yes", {"model": "m"})
    assert "experimentDatasetId" not in local


def test_experiments_group_their_items_within_the_time_range(recorded):
    listed = experiments(recorded)
    assert [(e["id"], e["itemCount"], e["datasetId"]) for e in listed] == [
        ("experiment-1", 2, "ds-1"),
        ("local-1", 1, None),
    ]
    assert (listed[0]["startTime"], listed[0]["endTime"]) == (
        "2025-12-02T10:00:00.000Z",
        "2025-12-02T11:00:01.000Z",
    )
    # The range applies to items before they are grouped: a partial experiment.
    later = experiments(recorded, fromStartTime="2025-12-02T10:30:00Z")
    assert [(e["id"], e["itemCount"]) for e in later] == [("experiment-1", 1)]
    assert "metadata" not in listed[1]
    assert experiments(recorded, id="local-1", fields="metadata")[0]["metadata"] == {"model": "m"}


def test_parameters_and_filter_pick_by_id_name_and_dataset(recorded):
    assert [i["experimentItemId"] for i in items(recorded, experimentItemId="i1,hash")] == [
        "hash",
        "i1",
    ]
    assert [e["id"] for e in experiments(recorded, name="local,other")] == ["local-1"]
    by_dataset = [{"type": "stringOptions", "column": "datasetId", "operator": "any of",
                   "value": ["ds-1"]}]  # fmt: skip
    assert {i["experimentItemId"] for i in items(recorded, filter=json.dumps(by_dataset))} == {
        "i1",
        "i2",
    }
    assert [e["id"] for e in experiments(recorded, datasetId="ds-1")] == ["experiment-1"]


def test_scores_come_with_the_scores_field_group(recorded):
    [dataset_experiment, _] = experiments(recorded, fields="scores")
    assert [s["name"] for s in dataset_experiment["scores"]] == ["mean"]
    [first] = items(recorded, experimentItemId="i1", fields="scores")
    assert [(s["name"], s["subject"]["kind"]) for s in first["scores"]] == [("exact", "trace")]
    assert "scores" not in items(recorded, experimentItemId="i1")[0]


def test_cursor_pages_at_most_a_hundred(recorded):
    page = get(recorded, "/api/public/experiment-items", fromStartTime=SINCE, limit=2).json()
    assert len(page["data"]) == 2
    rest = get(
        recorded,
        "/api/public/experiment-items",
        fromStartTime=SINCE,
        limit=2,
        cursor=page["meta"]["cursor"],
    ).json()
    assert ([i["experimentItemId"] for i in rest["data"]], rest["meta"]["cursor"]) == (["i1"], None)


@pytest.mark.parametrize(
    ("path", "query", "message"),
    [
        ("/api/public/experiments", {}, "fromStartTime: Required"),
        ("/api/public/experiment-items", {}, "fromStartTime: Required"),
        ("/api/public/experiments", {"fromStartTime": SINCE, "limit": 101}, "limit must be"),
        ("/api/public/experiments", {"fromStartTime": SINCE, "fields": "core,io"}, "fields:"),
        ("/api/public/experiment-items", {"fromStartTime": "today"}, "fromStartTime must be"),
    ],
)
def test_queries_langfuse_refuses_are_refused(recorded, path, query, message):
    refused = get(recorded, path, **query)
    assert refused.status_code == 400
    assert refused.json()["errors"][0].startswith(message)
