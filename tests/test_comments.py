"""Comments, driven through SDK 5.x's own calls and over HTTP as Langfuse's schema has it."""

from __future__ import annotations

import json

import pytest

from tests.support.client_envs import run_client
from tests.support.http import get, post_json

COMMENTS = "/api/public/comments"


@pytest.mark.clients
@pytest.mark.mockfuse_expect_rejections()
def test_sdk_5_comments_on_what_it_sent_and_reads_them_back(mockfuse):
    seen = json.loads(run_client("lf5", "lf5_comments_workload.py", mockfuse.env).stdout)
    assert seen == {
        "missing_trace": 404,
        "on_trace": ["looks right"],
        "all": ["OBSERVATION", "SESSION", "TRACE"],
        "one": "reviewer",
        "object_id_alone": 400,
    }
    [missing] = [r for r in mockfuse.requests if r.status == 404]
    assert missing.response["message"] == (
        "Reference object, TRACE: no-such-trace not found in Clickhouse. Skipping creating comment."
    )


@pytest.mark.mockfuse_expect_rejections()
def test_a_comment_on_a_prompt_and_the_schemas_strictness(mockfuse):
    post_json(mockfuse, "/api/public/prompts", {"name": "p", "prompt": "Hi", "isActive": True})
    prompt_id = get(mockfuse, "/api/public/prompts", name="p").json()["id"]
    body = {
        "projectId": "mockfuse-project",
        "objectType": "PROMPT",
        "objectId": prompt_id,
        "content": "  reword it  ",
    }
    created = post_json(mockfuse, COMMENTS, body)
    assert created.status_code == 200
    stored = get(mockfuse, f"{COMMENTS}/{created.json()['id']}").json()
    assert (stored["content"], stored["authorUserId"]) == ("reword it", None)
    assert set(stored) == {
        "id", "projectId", "createdAt", "updatedAt", "objectType", "objectId", "content",
        "authorUserId",
    }  # fmt: skip
    # Langfuse's body and query schemas are strict: an unknown field is refused.
    unknown_field = post_json(mockfuse, COMMENTS, {**body, "mood": "happy"})
    assert unknown_field.status_code == 400
    assert unknown_field.json()["errors"] == ["Unrecognized key(s) in object: 'mood'"]
    unknown_parameter = get(mockfuse, COMMENTS, sort="new")
    assert unknown_parameter.status_code == 400
    assert unknown_parameter.json()["errors"] == ["Unrecognized key(s) in object: 'sort'"]
    other_project = post_json(mockfuse, COMMENTS, {**body, "projectId": "elsewhere"})
    assert other_project.json()["message"] == f"No prompt with id {prompt_id} in project elsewhere"
    assert get(mockfuse, f"{COMMENTS}/nope").status_code == 404
