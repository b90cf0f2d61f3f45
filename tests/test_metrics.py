"""Daily metrics, computed from the tenant's traces as Langfuse computes them."""

from __future__ import annotations

import json

import pytest

from tests.support.client_envs import run_client
from tests.support.http import get


def by_model(day):
    return {usage["model"]: usage for usage in day["usage"]}


@pytest.mark.clients
def test_sdk_2_reads_daily_metrics_of_what_it_sent(mockfuse):
    seen = json.loads(run_client("lf2", "lf2_daily_metrics_workload.py", mockfuse.env).stdout)
    second, first = seen["days"]  # newest first
    assert (first["date"], first["countTraces"], first["countObservations"]) == ("2026-11-27", 2, 4)
    assert (second["date"], second["countTraces"], second["countObservations"]) == (
        "2026-11-28",
        1,
        2,
    )
    assert (first["totalCost"], second["totalCost"]) == (0.75, 0.125)
    models = by_model(first)
    assert models["gpt-4o-mini"] == {
        "model": "gpt-4o-mini",
        "inputUsage": 20,
        "outputUsage": 10,
        "totalUsage": 30,
        "countTraces": 1,
        "countObservations": 1,
        "totalCost": 0.5,
    }
    # Spans count too, under no model, as Langfuse's join counts them.
    assert (models[None]["countObservations"], models[None]["countTraces"]) == (2, 2)
    assert seen["only_search"] == ["2026-11-28"]


def test_daily_metrics_filter_and_page(mockfuse):
    assert get(mockfuse, "/api/public/metrics/daily").json() == {
        "data": [],
        "meta": {"page": 1, "limit": 50, "totalItems": 0, "totalPages": 0},
    }
    refused = get(mockfuse, "/api/public/metrics/daily", fromTimestamp="yesterday")
    assert refused.status_code == 400
