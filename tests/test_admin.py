"""The admin API under /_mockfuse/, as a suite in another language would use it."""

from __future__ import annotations

import httpx
import pytest

from tests.support.http import post_json, seed_batch

INGESTION = "/api/public/ingestion"


@pytest.fixture
def two_tenants(mockfuse_server):
    first, second = mockfuse_server.tenant(), mockfuse_server.tenant()
    post_json(first, INGESTION, seed_batch())
    post_json(second, INGESTION, {"batch": seed_batch()["batch"][:1]})
    yield first, second
    first.close()
    second.close()


@pytest.mark.parametrize(
    ("listing", "first_count", "second_count"),
    [
        ("requests", 1, 1),
        ("events", 2, 1),
        ("traces", 2, 1),
        ("observations", 1, 0),
    ],
)
def test_a_listing_for_one_tenant_holds_only_its_items(
    two_tenants, listing, first_count, second_count
):
    first, second = two_tenants
    for tenant, count in ((first, first_count), (second, second_count)):
        response = httpx.get(
            f"{tenant.url}/_mockfuse/{listing}", params={"public_key": tenant.public_key}
        )
        assert response.status_code == 200
        assert len(response.json()["data"]) == count


def test_a_listing_without_a_key_names_each_items_tenant(two_tenants):
    first, second = two_tenants
    data = httpx.get(f"{first.url}/_mockfuse/events").json()["data"]
    mine = [
        item["id"] for item in data if item["public_key"] in (first.public_key, second.public_key)
    ]
    assert sorted(mine) == sorted(
        [e["id"] for e in seed_batch()["batch"]] + [seed_batch()["batch"][0]["id"]]
    )


def test_requests_carry_raw_body_and_answer(two_tenants):
    first, _ = two_tenants
    [request] = httpx.get(
        f"{first.url}/_mockfuse/requests", params={"public_key": first.public_key}
    ).json()["data"]
    assert request["method"] == "POST"
    assert request["path"] == INGESTION
    assert request["status"] == 207
    assert request["body"] == seed_batch()
    assert request["raw_body_base64"]
    assert len(request["response"]["successes"]) == 2


def test_tenants_lists_counts(two_tenants):
    first, _ = two_tenants
    tenants = {
        t["public_key"]: t for t in httpx.get(f"{first.url}/_mockfuse/tenants").json()["data"]
    }
    assert tenants[first.public_key] == {
        "tenant": first.public_key,
        "public_key": first.public_key,
        "test": None,
        "requests": 1,
        "events": 2,
        "traces": 2,
        "evicted_requests": 0,
        "evicted_events": 0,
    }


def test_delete_captures_clears_one_tenant(two_tenants):
    first, second = two_tenants
    response = httpx.delete(
        f"{first.url}/_mockfuse/captures", params={"public_key": first.public_key}
    )
    assert response.status_code == 200
    assert first.events == []
    assert len(second.events) == 1


def test_fault_rules_through_the_admin_api(mockfuse):
    rule = {
        "public_key": mockfuse.public_key,
        "route": INGESTION,
        "status": 503,
        "times": 1,
        "retry_after": 2,
    }
    created = httpx.post(f"{mockfuse.url}/_mockfuse/faults", json=rule)
    assert created.status_code == 201
    listed = httpx.get(
        f"{mockfuse.url}/_mockfuse/faults", params={"public_key": mockfuse.public_key}
    ).json()
    assert [r["status"] for r in listed["data"]] == [503]

    faulted = post_json(mockfuse, INGESTION, seed_batch())
    assert faulted.status_code == 503
    assert faulted.headers["Retry-After"] == "2"
    assert mockfuse.events == []
    assert post_json(mockfuse, INGESTION, seed_batch()).status_code == 207
    assert [(r.status, r.note) for r in mockfuse.requests] == [
        (503, f"fault: 503 on {INGESTION}"),
        (207, None),
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"status": 503}',
        b'{"public_key": "pk", "status": 418}',
        b'{"public_key": "pk", "times": 0}',
        b'{"public_key": "pk", "colour": "red"}',
    ],
)
def test_a_bad_fault_rule_gets_400(mockfuse, body):
    response = httpx.post(f"{mockfuse.url}/_mockfuse/faults", content=body)
    assert response.status_code == 400
    assert response.json()["error"] == "BadRequest"


def test_delete_faults_clears_a_tenants_rules(mockfuse):
    mockfuse.fail(503, times=5)
    httpx.delete(f"{mockfuse.url}/_mockfuse/faults", params={"tenant": mockfuse.tenant})
    assert post_json(mockfuse, INGESTION, seed_batch()).status_code == 207


@pytest.mark.mockfuse_expect_rejections()
def test_rejections_name_each_rejected_event_with_its_reason(mockfuse):
    bad = {"traceId": "t-1", "name": "ok", "value": 2, "dataType": "BOOLEAN"}
    batch = [
        {"id": "e-1", "type": "trace-create", "timestamp": "2026-12-06T10:00:00Z", "body": {}},
        {"id": "e-2", "type": "score-create", "timestamp": "2026-12-06T10:00:00Z", "body": bad},
    ]
    post_json(mockfuse, "/api/public/ingestion", {"batch": batch})
    answer = httpx.get(f"{mockfuse.url}/_mockfuse/rejections", params={"tenant": mockfuse.tenant})
    [rejection] = answer.json()["data"]
    assert (rejection["what"], rejection["status"]) == ("event e-2 (score-create)", 207)
    assert "for data type BOOLEAN" in rejection["reason"]
    assert rejection["description"] == mockfuse.rejections[0].describe()
    assert rejection["tenant"] == mockfuse.tenant
