"""Annotation queues and their items, driven through SDK 5.x's own calls."""

from __future__ import annotations

import json

import pytest

from tests.support.client_envs import run_client
from tests.support.http import post_json


@pytest.mark.clients
@pytest.mark.mockfuse_expect_rejections()
def test_sdk_5_manages_queues_and_their_items(mockfuse):
    seen = json.loads(run_client("lf5", "lf5_annotation_queues_workload.py", mockfuse.env).stdout)
    assert seen == {
        "queues": [["review", True]],
        "read": "weekly",
        "completed": ["COMPLETED", True],
        "pending": ["obs-1"],
        "deleted": True,
        "left": ["trace-1"],
        "assigned": "reviewer-1",
        "unassigned": True,
        "unknown_config": 404,
        "unknown_queue": 404,
    }


@pytest.mark.mockfuse_expect_rejections()
def test_queue_bodies_are_held_to_langfuses_strict_schemas(mockfuse):
    config = post_json(
        mockfuse, "/api/public/score-configs", {"name": "q", "dataType": "NUMERIC"}
    ).json()
    queues = "/api/public/annotation-queues"
    body = {"name": "review", "scoreConfigIds": [config["id"]]}
    assert post_json(mockfuse, queues, {**body, "owner": "me"}).status_code == 400
    assert post_json(mockfuse, queues, {**body, "scoreConfigIds": []}).status_code == 400
    queue = post_json(mockfuse, queues, body).json()
    items = f"{queues}/{queue['id']}/items"
    assert post_json(mockfuse, items, {"objectId": "t", "objectType": "PROMPT"}).status_code == 400
    item = post_json(mockfuse, items, {"objectId": "t", "objectType": "SESSION"}).json()
    assert (item["status"], item["completedAt"]) == ("PENDING", None)
