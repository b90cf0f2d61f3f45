"""Prompt management over HTTP: registered by the fixture, the admin API or a file, created
by clients, fetched by version and label."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from mockfuse.auth import basic_authorization
from tests.support.client_envs import run_client, run_node_client
from tests.support.http import auth_headers, get, post_json
from tests.test_cli import serve


def fetch(tenant, name, **query):
    return httpx.get(
        f"{tenant.url}/api/public/v2/prompts/{name}", params=query, headers=auth_headers(tenant)
    )


def test_a_registered_prompt_is_served_by_label_and_version(mockfuse):
    mockfuse.add_prompt("greeting", "Hello {{name}}", config={"temperature": 0})
    mockfuse.add_prompt("greeting", "Hi {{name}}", labels=["staging"])
    production = fetch(mockfuse, "greeting").json()
    assert (production["version"], production["prompt"], production["type"]) == (
        1,
        "Hello {{name}}",
        "text",
    )
    assert production["config"] == {"temperature": 0}
    assert production["labels"] == ["production"]
    staging = fetch(mockfuse, "greeting", label="staging").json()
    assert (staging["version"], staging["labels"]) == (2, ["staging", "latest"])
    assert fetch(mockfuse, "greeting", version="2").json()["prompt"] == "Hi {{name}}"
    assert fetch(mockfuse, "greeting", label="latest").json()["version"] == 2


def test_a_label_moves_to_the_newest_version_that_takes_it(mockfuse):
    mockfuse.add_prompt("p", "one")
    mockfuse.add_prompt("p", "two")
    assert fetch(mockfuse, "p").json()["prompt"] == "two"
    assert fetch(mockfuse, "p", version="1").json()["labels"] == []


def test_chat_prompts_and_names_with_slashes(mockfuse):
    messages = [{"role": "system", "content": "You review {{movie}}."}]
    mockfuse.add_prompt("folder/critic", messages, type="chat")
    answer = fetch(mockfuse, "folder%2Fcritic").json()
    assert (answer["type"], answer["prompt"], answer["name"]) == ("chat", messages, "folder/critic")


@pytest.mark.parametrize("query", [{}, {"version": "9"}, {"label": "nope"}])
def test_an_unknown_prompt_is_langfuses_404(mockfuse, query):
    mockfuse.add_prompt("known", "x")
    response = fetch(mockfuse, "known" if query else "unknown", **query)
    assert response.status_code == 404
    assert response.json()["error"] == "LangfuseNotFoundError"


def test_prompts_belong_to_their_tenant(mockfuse, mockfuse_server):
    other = mockfuse_server.tenant()
    try:
        other.add_prompt("private", "mine")
        assert fetch(mockfuse, "private").status_code == 404
        assert fetch(other, "private").status_code == 200
    finally:
        other.close()


@pytest.mark.mockfuse_expect_rejections()
def test_clients_create_versions(mockfuse):
    created = post_json(
        mockfuse,
        "/api/public/v2/prompts",
        {"name": "created", "prompt": "v1", "labels": ["production"]},
    )
    assert (created.status_code, created.json()["version"]) == (200, 1)
    post_json(
        mockfuse,
        "/api/public/v2/prompts",
        {"name": "created", "prompt": "v2", "commitMessage": "shorter"},
    )
    latest = fetch(mockfuse, "created", label="latest").json()
    assert (latest["version"], latest["commitMessage"]) == (2, "shorter")
    assert fetch(mockfuse, "created").json()["prompt"] == "v1"
    bad = post_json(
        mockfuse, "/api/public/v2/prompts", {"name": "x", "type": "chat", "prompt": "not a list"}
    )
    assert bad.status_code == 400


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ({"name": "", "prompt": "p"}, "name: Text cannot be empty"),
        ({"name": "new", "prompt": "p"}, "name: Prompt name cannot be 'new'"),
        ({"name": "a|b", "prompt": "p"}, "name: Prompt name cannot contain '|' character"),
        ({"name": "/a", "prompt": "p"}, "name: Name cannot start with a slash"),
        ({"name": "a//b", "prompt": "p"}, "name: Name cannot contain consecutive slashes"),
        ({"name": "<b>x</b>", "prompt": "p"}, "name: Text cannot contain HTML tags"),
        (
            {"name": "c", "type": "chat", "prompt": [{"role": "user", "content": True}]},
            "prompt.0: Invalid input",
        ),
        (
            {"name": "c", "type": "chat", "prompt": [{"type": "placeholder", "name": "1st"}]},
            "prompt.0: name: Placeholder name must start with a letter and contain only "
            "alphanumeric characters and underscores",
        ),
        (
            {"name": "t", "prompt": "p", "labels": ["Staging"]},
            "labels.0: Label must be lowercase alphanumeric with optional underscores, "
            "hyphens, or periods",
        ),
    ],
)
@pytest.mark.mockfuse_expect_rejections()
def test_prompts_langfuse_refuses_are_refused_with_its_words(mockfuse, spec, error):
    """Langfuse's CreatePromptSchema: what it refuses is a 400 naming the field, and nothing
    is stored."""
    refused = post_json(mockfuse, "/api/public/v2/prompts", spec)
    assert (refused.status_code, refused.json()) == (
        400,
        {"message": "Invalid request data", "errors": [error]},
    )
    assert get(mockfuse, "/api/public/v2/prompts").json()["data"] == []


def test_chat_prompts_keep_placeholders_and_names_are_trimmed(mockfuse):
    messages = [
        {"role": "system", "content": "Be brief."},
        {"type": "placeholder", "name": "history"},
        {"type": "chatmessage", "role": "user", "content": "{{question}}"},
    ]
    spec = {"name": " folder/chat ", "type": "chat", "prompt": messages}
    created = post_json(mockfuse, "/api/public/v2/prompts", spec)
    assert (created.status_code, created.json()["name"]) == (200, "folder/chat")
    assert fetch(mockfuse, "folder/chat", label="latest").json()["prompt"] == messages


def test_the_admin_api_registers_prompts_for_one_tenant(mockfuse):
    spec = {
        "public_key": mockfuse.tenant,
        "name": "admin-made",
        "type": "text",
        "prompt": "hi",
    }
    assert httpx.post(f"{mockfuse.url}/_mockfuse/prompts", json=spec).status_code == 201
    assert fetch(mockfuse, "admin-made").json()["prompt"] == "hi"
    assert (
        httpx.post(
            f"{mockfuse.url}/_mockfuse/prompts", json={"name": "x", "type": "odd"}
        ).status_code
        == 400
    )


def test_serve_loads_prompts_from_a_file_for_every_tenant(tmp_path):
    prompts = tmp_path / "prompts.json"
    prompts.write_text(json.dumps([{"name": "shared", "type": "text", "prompt": "for everyone"}]))
    with serve("--prompts", str(prompts)) as (_, url, _banner):
        for public_key in ("pk-lf-a", "pk-lf-b"):
            headers = {"Authorization": basic_authorization(public_key, "sk")}
            assert (
                httpx.get(f"{url}/api/public/v2/prompts/shared", headers=headers).json()["prompt"]
                == "for everyone"
            )


def assert_prompt_management_read_back(seen: dict[str, Any]) -> None:
    """What prompt_management_workload.py read back through the SDK's own calls."""
    # update_prompt moved production to version 2 and added staging there.
    assert seen["production"] == {
        "version": 2,
        "labels": ["latest", "production", "staging"],
        "tags": ["greeting"],  # left out on version 2: the prompt's tags
        "config": {},
        "compiled": "Hello Ada",
    }
    assert seen["staging"]["version"] == 2
    assert (seen["first"]["labels"], seen["first"]["config"]) == ([], {"t": 0.2})
    # An empty tag list on version 3 clears the prompt's tags, on every version.
    assert seen["first_after_clearing"]["tags"] == []
    assert (seen["latest"]["version"], seen["latest"]["labels"]) == (3, ["latest"])
    assert seen["listed"] == [
        ["folder/greeting", [1, 2, 3], ["latest", "production", "staging"], []]
    ]


@pytest.mark.clients
@pytest.mark.parametrize("client", ["lf2", "lf5"])
def test_sdks_manage_prompts_versions_labels_and_tags(mockfuse, mockfuse_server, client):
    seen = json.loads(run_client(client, "prompt_management_workload.py", mockfuse.env).stdout)
    assert_prompt_management_read_back(seen)
    patches = [r for r in mockfuse.requests if r.method == "PATCH"]
    assert [(r.status, r.body) for r in patches] == [
        (200, {"newLabels": ["production", "staging"]})
    ]
    # The generation that used version 2 reads back linked to it.
    [generation] = [o for o in mockfuse.observations if o["id"] == seen["generation_id"]]
    assert (generation["promptName"], generation["promptVersion"]) == ("folder/greeting", 2)
    read_back = httpx.get(
        f"{mockfuse.url}/api/public/observations/{generation['id']}",
        headers=auth_headers(mockfuse),
    ).json()
    prompts = mockfuse_server.services.prompts
    assert read_back["promptId"] == prompts.id_of(mockfuse.tenant, "folder/greeting", 2)
    assert read_back["promptId"] not in (
        None,
        prompts.id_of(mockfuse.tenant, "folder/greeting", 1),
    )


@pytest.mark.mockfuse_expect_rejections()
def test_update_prompt_refuses_unknown_versions_and_bad_labels(mockfuse):
    mockfuse.add_prompt("known", "hi")
    path = "/api/public/v2/prompts/known/versions"
    answer = httpx.patch(
        f"{mockfuse.url}{path}/7", json={"newLabels": ["x"]}, headers=auth_headers(mockfuse)
    )
    assert answer.status_code == 404 and answer.json()["error"] == "LangfuseNotFoundError"
    answer = httpx.patch(
        f"{mockfuse.url}{path}/1", json={"newLabels": "x"}, headers=auth_headers(mockfuse)
    )
    assert answer.status_code == 400
    # A GET of a name that ends like a version path is still a prompt fetch.
    assert fetch(mockfuse, "known/versions/1").status_code == 404


@pytest.mark.clients
def test_the_legacy_js_sdks_create_prompt_with_is_active_is_taken_as_production(mockfuse):
    result = run_node_client("js_legacy", "js_legacy_prompts.cjs", mockfuse.env)
    seen = json.loads(result.stdout)
    assert seen == {
        "created": 1,
        "version": 1,
        "labels": ["production", "latest"],
        "compiled": "Hi Ada",
    }
    [create] = [r for r in mockfuse.requests if r.method == "POST"]
    # Langfuse drops fields its schema does not name; mockfuse too, and keeps the body as sent.
    assert (create.status, create.body["isActive"]) == (200, True)


@pytest.mark.clients
@pytest.mark.mockfuse_expect_rejections()
def test_sdk_deletes_prompts_by_version_label_or_name_as_langfuse_does(mockfuse):
    seen = json.loads(run_client("lf5", "lf5_prompt_delete_workload.py", mockfuse.env).stdout)
    assert seen == {
        "before": [1, 2, 3],
        "latest_after_deleting_v3": 2,  # "latest" moved to the newest version left
        "after_label": [1],
        "both": 400,
        "after_all": [],
        "again": 404,
    }
    deletes = [r for r in mockfuse.requests if r.method == "DELETE"]
    assert [(r.status, r.query) for r in deletes] == [
        (204, {"version": "3"}),
        (204, {"label": "staging"}),
        (400, {"version": "1", "label": "production"}),
        (204, {}),
        (404, {}),
    ]
    assert deletes[0].response is None and deletes[-1].response == {
        "error": "LangfuseNotFoundError",
        "message": "Prompt not found",
    }


@pytest.mark.mockfuse_expect_rejections()
def test_the_legacy_v1_prompts_route_answers_rows_with_is_active(mockfuse):
    created = post_json(
        mockfuse,
        "/api/public/prompts",
        {"name": "v1", "prompt": "Hi {{name}}", "isActive": True, "public_key": "pk-other"},
    )
    assert created.status_code == 201
    row = created.json()
    assert (row["version"], row["isActive"], row["labels"]) == (1, True, ["production", "latest"])
    assert row["projectId"] == "mockfuse-project" and row["createdBy"] == "API"
    inactive = post_json(
        mockfuse, "/api/public/prompts", {"name": "v1", "prompt": "Hello", "isActive": False}
    ).json()
    assert (inactive["version"], inactive["isActive"]) == (2, False)
    # Without a version, the production one; with one, that one.
    current = get(mockfuse, "/api/public/prompts", name="v1").json()
    assert (current["version"], current["prompt"], current["id"]) == (1, "Hi {{name}}", row["id"])
    assert get(mockfuse, "/api/public/prompts", name="v1", version="2").json()["isActive"] is False
    missing = get(mockfuse, "/api/public/prompts", name="nope")
    assert (missing.status_code, missing.json()["error"]) == (404, "LangfuseNotFoundError")
    refused = post_json(mockfuse, "/api/public/prompts", {"name": "v1", "prompt": "no flag"})
    assert refused.status_code == 400
