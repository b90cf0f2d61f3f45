"""Score configs, and scores that name one, driven through real SDKs' own calls."""

from __future__ import annotations

import json

import pytest

from tests.support.client_envs import run_client
from tests.support.http import post_json

INGESTION = "/api/public/ingestion"


@pytest.mark.clients
@pytest.mark.mockfuse_expect_rejections()
def test_sdk_5_makes_reads_and_changes_configs_and_its_scores_are_held_to_them(mockfuse):
    seen = json.loads(run_client("lf5", "lf5_score_configs_workload.py", mockfuse.env).stdout)
    against = "Ingested score body not valid against provided config: "
    assert seen == {
        "bad_range": 400,
        "bad_name": 400,
        "listed": ["correct", "tone", "accuracy"],  # newest first
        "boolean_categories": [["True", 1.0], ["False", 0.0]],
        "fitting": "Accepted",
        "misfits": [
            against + " - Value exceeds maximum value of 1 defined in config",
            against + " - Value sly does not map to a valid category. Pass a valid category value.",
            "The configId you provided does not match a valid config in this project",
            against + "value - Expected number, received string",
        ],
        "archived": True,
        "archived_score": [
            "Config is archived and cannot be used to create new scores. "
            "Please restore the config first."
        ],
        "empty_update": 400,
        "scores": [["accuracy", 0.5, "NUMERIC", None], ["tone", "polite", "CATEGORICAL", None]],
    }
    # Stored as Langfuse stores them: named by the config, a category's label mapped to its
    # value.
    stored = {s["name"]: (s["value"], s["stringValue"], s["dataType"]) for s in mockfuse.scores}
    assert stored == {"accuracy": (0.5, None, "NUMERIC"), "tone": (1, "polite", "CATEGORICAL")}


@pytest.mark.clients
def test_a_batched_score_that_misfits_its_config_is_accepted_then_dropped(mockfuse):
    configs = [
        post_json(
            mockfuse,
            "/api/public/score-configs",
            {"name": "accuracy", "dataType": "NUMERIC", "minValue": 0, "maxValue": max_value},
        ).json()["id"]
        for max_value in (1, 5)
    ]
    run_client("lf2", "lf2_scores_with_config.py", mockfuse.env, *configs)
    [batch] = [r for r in mockfuse.requests if r.path == INGESTION]
    # Langfuse's worker checks configs after the batch is answered: every event is a 201.
    assert batch.response["errors"] == [] and len(batch.response["successes"]) == 3
    assert [(s["value"], s["configId"]) for s in mockfuse.scores] == [(0.5, configs[0])]
    assert "dropped: Ingested score body not valid against provided config" in batch.note
    assert "maximum value of 5" in batch.note
