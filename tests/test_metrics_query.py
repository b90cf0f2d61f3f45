"""The metrics API's query, answered from the tenant's projection."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tests.support.client_envs import run_client
from tests.support.http import get, post_json


@pytest.mark.clients
def test_sdk_5_queries_metrics_of_what_it_sent(mockfuse):
    seen = json.loads(run_client("lf5", "lf5_metrics_query_workload.py", mockfuse.env).stdout)
    today = datetime.now(timezone.utc).date().isoformat()
    assert seen["per_model"] == [
        {
            "providedModelName": "gpt-4o-mini",
            "time_dimension": f"{today}T00:00:00.000Z",
            "count_count": 1.0,
            "sum_totalCost": 0.5,
            "sum_totalTokens": 30.0,
        },
        {
            "providedModelName": "gpt-4o",
            "time_dimension": f"{today}T00:00:00.000Z",
            "count_count": 2.0,
            "sum_totalCost": 0.375,
            "sum_totalTokens": 18.0,
        },
    ]
    assert seen["per_name"] == [
        {"traceName": "chat", "count_count": 2.0},
        {"traceName": "search", "count_count": 1.0},
    ]
    assert seen["refused"] == 400


def test_the_v1_traces_view_aggregates_latency_and_counts(mockfuse):
    def at(second):
        return f"2026-11-27T10:00:0{second}Z"

    batch = []
    for index, (name, seconds) in enumerate((("a", 1), ("a", 3), ("b", 2))):
        trace_id = f"t-{index}"
        batch.append(
            {
                "id": f"e-{index}",
                "type": "trace-create",
                "timestamp": at(0),
                "body": {"id": trace_id, "name": name, "timestamp": at(0)},
            }
        )
        batch.append(
            {"id": f"s-{index}", "type": "span-create", "timestamp": at(0),
             "body": {"id": f"o-{index}", "traceId": trace_id, "startTime": at(0),
                      "endTime": at(seconds)}}
        )  # fmt: skip
    assert post_json(mockfuse, "/api/public/ingestion", {"batch": batch}).status_code == 207
    query = {
        "view": "traces",
        "dimensions": [{"field": "name"}],
        "metrics": [
            {"measure": "count", "aggregation": "count"},
            {"measure": "latency", "aggregation": "max"},
            {"measure": "latency", "aggregation": "p50"},
        ],
        "timeDimension": {"granularity": "hour"},
        "fromTimestamp": "2026-11-27T00:00:00Z",
        "toTimestamp": "2026-11-28T00:00:00Z",
        "orderBy": [{"field": "name", "direction": "asc"}],
    }
    rows = get(mockfuse, "/api/public/metrics", query=json.dumps(query)).json()["data"]
    hour = "2026-11-27T10:00:00.000Z"
    assert rows == [
        {"name": "a", "time_dimension": hour, "count_count": 2.0, "max_latency": 3000.0,
         "p50_latency": 2000.0},
        {"name": "b", "time_dimension": hour, "count_count": 1.0, "max_latency": 2000.0,
         "p50_latency": 2000.0},
    ]  # fmt: skip
    outside = {
        **query,
        "fromTimestamp": "2026-11-28T00:00:00Z",
        "toTimestamp": "2026-11-29T00:00:00Z",
    }
    assert get(mockfuse, "/api/public/metrics", query=json.dumps(outside)).json()["data"] == []
    for bad in ("not json", json.dumps({**query, "view": "spans"}), json.dumps({"view": "traces"})):
        refused = get(mockfuse, "/api/public/metrics", query=bad)
        assert (refused.status_code, refused.json()["error"]) == (400, "InvalidRequestError")
