"""Datasets, items and runs: driven by the SDKs' own dataset calls, and over plain HTTP for the
answers Langfuse gives to what the SDKs never send."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from mockfuse.auth import basic_authorization
from mockfuse.langfuse.datasets import DatasetBook, stable_run_id
from mockfuse.langfuse.timestamps import parse_timestamp, utc_now
from tests.support.client_envs import run_client
from tests.support.experiment_spans import export, item_run
from tests.support.http import auth_headers, get, post_json


def assert_dataset_read_back(seen: dict[str, Any]) -> None:
    assert seen["dataset"]["description"] == "capitals"
    assert seen["dataset"]["metadata"] == {"owner": "qa"}
    france, italy = seen["items"]
    assert isinstance(france["id"], str)
    assert {k: v for k, v in france.items() if k != "id"} == {
        "input": {"country": "France"},
        "expected": "Paris",
        "metadata": None,
        "status": "ACTIVE",
    }
    assert italy == {
        "id": "item-italy",
        "input": {"country": "Italy"},
        "expected": "Rome",
        "metadata": {"checked": True},
        "status": "ACTIVE",
    }


@pytest.mark.clients
@pytest.mark.parametrize(
    ("client", "name"),
    # SDK 5.x quotes every character of a name in a path, a slash too; SDK 2.x sends a path
    # name as it is (a slash would split it) and quotes a name it puts in a query.
    [("lf2", "capital cities ü"), ("lf5", "evals/capital cities ü")],
)
def test_sdks_create_and_read_back_datasets(mockfuse, client, name):
    seen = json.loads(run_client(client, "dataset_workload.py", mockfuse.env, name).stdout)
    assert seen["dataset"]["name"] == name
    assert_dataset_read_back(seen)
    item_lists = [r for r in mockfuse.requests if r.path == "/api/public/dataset-items"]
    # One page per item (page size 1), and every request answered.
    for request in mockfuse.requests:
        if request.path == "/api/public/ingestion":
            assert request.response["errors"] == []
        else:
            assert request.status == 200, request.path
    assert len([r for r in item_lists if r.method == "GET"]) == 2


@pytest.mark.clients
def test_sdk_2_links_items_to_traces_in_a_run_created_on_the_fly(mockfuse):
    seen = json.loads(run_client("lf2", "dataset_workload.py", mockfuse.env, "qa").stdout)
    assert seen["runs"] == ["run-1"]
    run = seen["run"]
    assert (run["name"], run["description"], run["metadata"]) == ("run-1", "first run", {"n": 1})
    generations = {o["id"]: o for o in mockfuse.observations if o["name"] == "llm"}
    linked = {
        item_id: (trace_id, observation_id) for item_id, trace_id, observation_id in run["items"]
    }
    assert set(linked) == {i["id"] for i in seen["items"]}
    for trace_id, observation_id in linked.values():
        assert generations[observation_id]["traceId"] == trace_id


def make_dataset(tenant: Any, name: str = "qa") -> dict[str, Any]:
    response = post_json(tenant, "/api/public/v2/datasets", {"name": name})
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def make_item(tenant: Any, **fields: Any) -> httpx.Response:
    return post_json(tenant, "/api/public/dataset-items", {"datasetName": "qa", **fields})


def test_a_dataset_reads_back_with_every_declared_key(mockfuse):
    created = make_dataset(mockfuse)
    assert set(created) == {
        "id",
        "name",
        "description",
        "metadata",
        "inputSchema",
        "expectedOutputSchema",
        "projectId",
        "createdAt",
        "updatedAt",
    }
    assert created["projectId"] == "mockfuse-project"
    assert created["createdAt"].endswith("Z")
    again = post_json(mockfuse, "/api/public/v2/datasets", {"name": "qa", "description": "d"})
    assert (again.json()["id"], again.json()["description"]) == (created["id"], "d")
    assert get(mockfuse, "/api/public/v2/datasets/qa").json()["description"] == "d"
    listed = get(mockfuse, "/api/public/v2/datasets").json()
    assert [d["name"] for d in listed["data"]] == ["qa"]
    assert listed["meta"] == {"page": 1, "limit": 50, "totalItems": 1, "totalPages": 1}


def test_items_are_listed_newest_first_with_paging_and_filters(mockfuse):
    make_dataset(mockfuse)
    for n in range(3):
        assert make_item(mockfuse, id=f"i{n}", sourceTraceId=f"t{n % 2}").status_code == 200
    page = get(mockfuse, "/api/public/dataset-items", datasetName="qa", page=2, limit=2).json()
    assert [i["id"] for i in page["data"]] == ["i0"]
    assert page["meta"] == {"page": 2, "limit": 2, "totalItems": 3, "totalPages": 2}
    from_t0 = get(mockfuse, "/api/public/dataset-items", sourceTraceId="t0").json()["data"]
    assert [i["id"] for i in from_t0] == ["i2", "i0"]
    archived = make_item(mockfuse, id="i1", status="ARCHIVED").json()
    assert (archived["status"], archived["sourceTraceId"]) == ("ARCHIVED", "t1")
    item = get(mockfuse, "/api/public/dataset-items/i1").json()
    assert item == archived
    assert item["datasetName"] == "qa"


@pytest.mark.mockfuse_expect_rejections()
def test_unknown_names_get_langfuses_404(mockfuse):
    make_dataset(mockfuse)
    not_found = {"error": "LangfuseNotFoundError"}
    for path, message in [
        ("/api/public/v2/datasets/nope", "Dataset not found"),
        ("/api/public/dataset-items/nope", "Dataset item not found"),
        ("/api/public/datasets/nope/runs", "Dataset not found"),
        ("/api/public/datasets/qa/runs/nope", "Dataset run not found"),
    ]:
        response = get(mockfuse, path)
        assert (response.status_code, response.json()) == (404, {**not_found, "message": message})
    missing = post_json(mockfuse, "/api/public/dataset-items", {"datasetName": "nope"})
    assert (missing.status_code, missing.json()["message"]) == (404, "Dataset not found")
    assert mockfuse.requests[-1].body == {"datasetName": "nope"}  # logged as sent


@pytest.mark.mockfuse_expect_rejections()
def test_an_item_id_belongs_to_one_dataset(mockfuse):
    make_dataset(mockfuse)
    make_dataset(mockfuse, "other")
    assert make_item(mockfuse, id="shared").status_code == 200
    taken = post_json(
        mockfuse, "/api/public/dataset-items", {"datasetName": "other", "id": "shared"}
    )
    assert taken.status_code == 404
    assert taken.json()["message"] == (
        "The dataset item with id shared already exists in a dataset other than other"
    )


def test_a_run_item_naming_only_an_observation_is_linked_to_its_trace(mockfuse):
    make_dataset(mockfuse)
    make_item(mockfuse, id="item")
    batch = {
        "batch": [
            {
                "id": "e1",
                "type": "span-create",
                "timestamp": "2026-11-27T10:00:00Z",
                "body": {"id": "span-1", "traceId": "trace-1"},
            }
        ]
    }
    assert post_json(mockfuse, "/api/public/ingestion", batch).status_code == 207
    created = post_json(
        mockfuse,
        "/api/public/dataset-run-items",
        {"runName": "r", "datasetItemId": "item", "observationId": "span-1"},
    ).json()
    assert (created["traceId"], created["observationId"]) == ("trace-1", "span-1")
    assert created["datasetRunName"] == "r"
    run = get(mockfuse, "/api/public/datasets/qa/runs/r").json()
    assert [i["id"] for i in run["datasetRunItems"]] == [created["id"]]
    listed = get(
        mockfuse, "/api/public/dataset-run-items", datasetId=run["datasetId"], runName="r"
    ).json()
    assert [i["id"] for i in listed["data"]] == [created["id"]]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"runName": "r", "datasetItemId": "item"}, 400),
        ({"runName": "r", "datasetItemId": "item", "observationId": "unknown"}, 404),
        ({"runName": "r", "datasetItemId": "unknown", "traceId": "t"}, 404),
        ({"datasetItemId": "item", "traceId": "t"}, 400),
        ({"runName": 5, "datasetItemId": "item", "traceId": "t"}, 400),
    ],
)
@pytest.mark.mockfuse_expect_rejections()
def test_run_items_langfuse_refuses_are_refused_alike(mockfuse, payload, status):
    make_dataset(mockfuse)
    make_item(mockfuse, id="item")
    response = post_json(mockfuse, "/api/public/dataset-run-items", payload)
    assert response.status_code == status
    assert "message" in response.json()
    assert mockfuse.requests[-1].body == payload  # refused, and logged as sent
    assert get(mockfuse, "/api/public/datasets/qa/runs").json()["data"] == []


def test_deleting_an_item_and_a_run(mockfuse):
    make_dataset(mockfuse)
    make_item(mockfuse, id="item")
    link = {"runName": "r", "datasetItemId": "item", "traceId": "t"}
    assert post_json(mockfuse, "/api/public/dataset-run-items", link).status_code == 200
    headers = auth_headers(mockfuse)
    deleted = httpx.delete(f"{mockfuse.url}/api/public/datasets/qa/runs/r", headers=headers)
    assert deleted.json() == {"message": "Dataset run successfully deleted"}
    assert get(mockfuse, "/api/public/datasets/qa/runs/r").status_code == 404
    deleted = httpx.delete(f"{mockfuse.url}/api/public/dataset-items/item", headers=headers)
    assert deleted.json() == {"message": "Dataset item successfully deleted"}
    assert get(mockfuse, "/api/public/dataset-items/item").status_code == 404


def test_datasets_belong_to_their_tenant(mockfuse, mockfuse_server):
    make_dataset(mockfuse)
    other = mockfuse_server.tenant()
    try:
        assert get(other, "/api/public/v2/datasets/qa").status_code == 404
        assert get(other, "/api/public/v2/datasets").json()["data"] == []
    finally:
        other.close()
    headers = {"Authorization": basic_authorization(mockfuse.public_key, "wrong")}
    refused = httpx.get(f"{mockfuse.url}/api/public/v2/datasets", headers=headers)
    assert refused.status_code == 401


def test_the_deprecated_v1_routes_show_datasets_with_items_and_runs(mockfuse):
    created = post_json(mockfuse, "/api/public/datasets", {"name": "qa"}).json()
    assert (created["name"], created["items"], created["runs"]) == ("qa", [], [])
    make_item(mockfuse, id="item")
    link = {"runName": "r", "datasetItemId": "item", "traceId": "t"}
    assert post_json(mockfuse, "/api/public/dataset-run-items", link).status_code == 200
    one = get(mockfuse, "/api/public/datasets/qa").json()
    assert ([i["id"] for i in one["items"]], one["runs"]) == (["item"], ["r"])
    listed = get(mockfuse, "/api/public/datasets").json()["data"]
    assert [(d["name"], d["items"], d["runs"]) for d in listed] == [("qa", ["item"], ["r"])]


@pytest.mark.clients
def test_sdk_5_runs_an_experiment_over_a_dataset(mockfuse):
    result = run_client("lf5", "lf5_experiment_workload.py", mockfuse.env)
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    (france, france_output, france_scores, france_trace), italy = seen["items"]
    assert (france, france_output, france_scores) == ("France", "Lyon", [0.0])
    assert (italy[0], italy[1], italy[2]) == ("Italy", "Rome", [1.0])
    # Each item ran in a trace of its own, and its evaluation landed as a score on it.
    traces = {t["id"]: t for t in mockfuse.traces}
    for trace_id, value in ((france_trace, 0.0), (italy[3], 1.0)):
        assert [(s["name"], s["value"]) for s in traces[trace_id]["scores"]] == [("exact", value)]
    # SDK 5.x posts no run items: the run is read from the experiment's spans, under the id
    # the SDK derived for it, each item linked to the trace it ran in.
    (run,) = get(mockfuse, "/api/public/datasets/capitals/runs").json()["data"]
    assert (run["id"], run["name"]) == (seen["experiment_id"], seen["run_name"])
    linked = get(mockfuse, f"/api/public/datasets/capitals/runs/{run['name']}").json()
    items = {i["id"]: i["input"]["country"] for i in get_items(mockfuse, "capitals")}
    assert sorted((items[i["datasetItemId"]], i["traceId"]) for i in linked["datasetRunItems"]) == [
        ("France", france_trace),
        ("Italy", italy[3]),
    ]
    # And as the SDK's experiments API reads it back: one experiment over the dataset, an
    # item per dataset item, each with its trace, input, output and expected output.
    dataset_id = get(mockfuse, "/api/public/v2/datasets/capitals").json()["id"]
    [[experiment_id, name, count, of_dataset, _]] = seen["experiments"]
    assert (experiment_id, name, count, of_dataset) == (run["id"], run["name"], 2, dataset_id)
    by_country = {country: item_id for item_id, country in items.items()}
    assert seen["read_items"] == sorted(
        [
            [france_trace, by_country["France"], {"country": "France"}, "Lyon", "Paris"],
            [italy[3], by_country["Italy"], {"country": "Italy"}, "Rome", "Rome"],
        ]
    )


def get_items(tenant: Any, dataset: str, **query: Any) -> list[dict[str, Any]]:
    found = get(tenant, "/api/public/dataset-items", datasetName=dataset, **query)
    assert found.status_code == 200, found.text
    return found.json()["data"]  # type: ignore[no-any-return]


@pytest.mark.clients
def test_sdk_5_reads_a_dataset_as_it_was_at_a_version(mockfuse):
    seen = json.loads(run_client("lf5", "lf5_dataset_versions_workload.py", mockfuse.env).stdout)
    assert seen["then"] == [["question", {"n": 1}], ["retired", "old"]]
    # Lists hold active items only; the archived one is still found by its id.
    assert seen["now"] == [["question", {"n": 2}]]
    assert seen["retired"] == "ARCHIVED"


def test_lists_hold_active_items_and_an_archived_one_is_found_by_id(mockfuse):
    make_dataset(mockfuse)
    make_item(mockfuse, id="kept")
    make_item(mockfuse, id="retired", status="ARCHIVED")
    listed = get(mockfuse, "/api/public/dataset-items", datasetName="qa").json()
    assert ([i["id"] for i in listed["data"]], listed["meta"]["totalItems"]) == (["kept"], 1)
    assert get(mockfuse, "/api/public/dataset-items/retired").json()["status"] == "ARCHIVED"
    assert [i["id"] for i in get(mockfuse, "/api/public/datasets/qa").json()["items"]] == ["kept"]
    assert get(mockfuse, "/api/public/datasets").json()["data"][0]["items"] == ["kept"]


def after(moment: str) -> None:
    """Wait until the clock has passed ``moment``, so the next write comes strictly later."""
    passed = parse_timestamp(moment)
    assert passed is not None
    while utc_now() <= passed:
        pass


def test_a_version_lists_the_items_as_they_were_then(mockfuse):
    make_dataset(mockfuse)
    make_item(mockfuse, id="edited", input=1)
    moment = make_item(mockfuse, id="deleted", input="x").json()["version"]
    after(moment)
    make_item(mockfuse, id="edited", input=2)
    make_item(mockfuse, id="archived-later", input="y")
    headers = auth_headers(mockfuse)
    httpx.delete(f"{mockfuse.url}/api/public/dataset-items/deleted", headers=headers)

    def inputs(**query: Any) -> list[Any]:
        return [(i["id"], i["input"]) for i in get_items(mockfuse, "qa", **query)]

    assert inputs(version=moment) == [("deleted", "x"), ("edited", 1)]
    assert inputs() == [("archived-later", "y"), ("edited", 2)]
    assert inputs(version="2000-01-01T00:00:00Z") == []
    assert get(mockfuse, "/api/public/dataset-items/deleted").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"version": "2026-01-01T00:00:00Z"}, "datasetName is required when version"),
        ({"datasetName": "qa", "version": "yesterday"}, "version: must be an ISO 8601"),
    ],
)
def test_a_version_langfuse_refuses_is_refused_alike(mockfuse, query, message):
    make_dataset(mockfuse)
    refused = get(mockfuse, "/api/public/dataset-items", **query)
    assert refused.status_code == 400
    assert refused.json()["message"] == "Invalid request data"
    assert refused.json()["errors"][0].startswith(message)


def test_run_ids_are_langfuses_stable_experiment_ids():
    # The vectors Langfuse pins for its SDKs and server to derive alike.
    project, dataset = "7a88fb47-b4e2-43b8-a06c-a5ce950dc53a", "cm9x1dataset0000000000001"
    assert stable_run_id(project, dataset, "my-run") == "a1164c0f238e4173"
    assert stable_run_id(project, dataset, 'Läufe "v2" 🚀 \u2013 2026-10-06T12:00:00.000Z') == (
        "dce21641128b88a8"
    )


@pytest.mark.mockfuse_expect_rejections()
def test_a_run_item_body_is_strict_and_takes_the_dataset_version(mockfuse):
    make_dataset(mockfuse)
    make_item(mockfuse, id="item")
    link = {"runName": "r", "datasetItemId": "item", "traceId": "t"}
    refused = post_json(mockfuse, "/api/public/dataset-run-items", {**link, "extra": 1})
    assert refused.status_code == 400
    assert refused.json()["errors"] == ["Unrecognized key(s) in object: 'extra'"]
    versioned = {**link, "datasetVersion": "2026-01-01T00:00:00.000Z"}
    created = post_json(mockfuse, "/api/public/dataset-run-items", versioned).json()
    project = get(mockfuse, "/api/public/projects").json()["data"][0]["id"]
    dataset = get(mockfuse, "/api/public/v2/datasets/qa").json()["id"]
    assert created["datasetRunId"] == stable_run_id(project, dataset, "r")


def test_spans_carrying_experiment_attributes_make_the_run(mockfuse):
    dataset = make_dataset(mockfuse)
    make_item(mockfuse, id="item")
    described = {
        "langfuse.experiment.description": "every night",
        "langfuse.experiment.metadata": '{"model":"m"}',
    }
    run = item_run(trace_id="a" * 32, dataset_id=dataset["id"], extra=described)
    for _ in range(2):  # an exporter's retry links nothing twice
        assert post_json(mockfuse, "/api/public/otel/v1/traces", export(run)).status_code == 200
    read = get(mockfuse, "/api/public/datasets/qa/runs/nightly").json()
    assert (read["description"], read["metadata"]) == ("every night", {"model": "m"})
    linked = [
        (i["datasetItemId"], i["traceId"], i["observationId"]) for i in read["datasetRunItems"]
    ]
    assert linked == [("item", "a" * 32, "a" * 16)]


@pytest.mark.clients
def test_dataset_item_media_comes_back_as_the_sdks_media_references(mockfuse):
    seen = json.loads(run_client("lf5", "lf5_dataset_media_workload.py", mockfuse.env).stdout)
    for name, content in (("gallery", b"first picture"), ("expected", b"second picture")):
        rebuilt = seen[name]
        assert (rebuilt["type"], rebuilt["content_type"]) == ("LangfuseMediaReference", "image/png")
        assert base64.b64decode(rebuilt["bytes"]) == b"\x89PNG\r\n\x1a\n " + content
    assert seen["references"] == [
        ["expectedOutput", "$", True],
        ["input", "$['gallery'][0]", True],
    ]


def test_item_writes_in_one_millisecond_get_distinct_ordered_versions():
    """As a database round trip between two writes gives in Langfuse: ``version=`` at the
    first write's time never shows the second."""
    book = DatasetBook("project")
    book.upsert_dataset("tenant", {"name": "fast"})
    # Straight to the book: far faster than one write a millisecond.
    written = [
        book.upsert_item("tenant", {"datasetName": "fast", "id": f"item-{n}", "input": n})
        for n in range(20)
    ]
    versions = [parse_timestamp(item["version"]) for item in written]
    assert versions == sorted(set(versions))
    then = book.items("tenant", dataset_name="fast", version=versions[0])
    assert [item["id"] for item in then] == ["item-0"]
