"""mockfuse under load, crash and hostile input: nothing acknowledged is lost, never a 500."""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockfuse import MockfuseServer
from mockfuse.auth import basic_authorization
from tests.support.http import post_json, seed_batch
from tests.test_cli import serve

INGESTION = "/api/public/ingestion"
NOW = "2026-11-27T10:00:00Z"


def traces_batch(count: int) -> dict:
    return {
        "batch": [
            {
                "id": str(uuid.uuid4()),
                "type": "trace-create",
                "timestamp": NOW,
                "body": {"id": str(uuid.uuid4())},
            }
            for _ in range(count)
        ]
    }


def test_bounded_retention_keeps_the_newest_requests_and_counts_the_evicted():
    with MockfuseServer(max_requests=10) as server:
        tenant = server.tenant()
        batches = [traces_batch(2) for _ in range(50)]
        for batch in batches:
            assert post_json(tenant, INGESTION, batch).status_code == 207
        kept = tenant.requests
        assert 10 <= len(kept) <= 11
        assert [r.body for r in kept] == batches[-len(kept) :]
        assert {e["id"] for e in tenant.events} == {
            e["id"] for b in batches[-len(kept) :] for e in b["batch"]
        }
        assert len(tenant.traces) == 2 * len(kept)
        [listed] = [
            t
            for t in httpx.get(server.url + "/_mockfuse/tenants").json()["data"]
            if t["public_key"] == tenant.public_key
        ]
        assert (listed["evicted_requests"], listed["evicted_events"]) == (
            50 - len(kept),
            2 * (50 - len(kept)),
        )


def test_the_admin_token_guards_the_admin_api_only():
    with MockfuseServer(admin_token="s3cret") as server:
        tenant = server.tenant()
        assert post_json(tenant, INGESTION, seed_batch()).status_code == 207
        assert httpx.get(server.url + "/_mockfuse/traces").status_code == 401
        assert (
            httpx.get(
                server.url + "/_mockfuse/traces", headers={"Authorization": "Bearer nope"}
            ).status_code
            == 401
        )
        allowed = httpx.get(
            server.url + "/_mockfuse/traces", headers={"Authorization": "Bearer s3cret"}
        )
        assert (allowed.status_code, len(allowed.json()["data"])) == (200, 2)


def test_serve_refuses_to_bind_beyond_loopback_without_an_admin_token():
    result = subprocess.run(
        [sys.executable, "-m", "mockfuse", "serve", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "give --admin-token" in result.stderr


def test_many_clients_at_once_every_acknowledged_event_stored_exactly_once(mockfuse):
    def client(_: int) -> list[str]:
        acknowledged = []
        with httpx.Client() as session:
            for _ in range(25):
                batch = traces_batch(4)
                response = session.post(
                    mockfuse.url + INGESTION,
                    json=batch,
                    headers={
                        "Authorization": basic_authorization(
                            mockfuse.public_key, mockfuse.secret_key
                        )
                    },
                )
                acknowledged += [s["id"] for s in response.json()["successes"]]
        return acknowledged

    with ThreadPoolExecutor(max_workers=8) as pool:
        acknowledged = [event_id for ids in pool.map(client, range(8)) for event_id in ids]
    stored = [e["id"] for e in mockfuse.events]
    assert len(acknowledged) == 8 * 25 * 4
    assert sorted(stored) == sorted(acknowledged)
    assert len(mockfuse.requests) == 200


def test_a_journal_survives_sigkill_under_load_and_a_torn_last_line(tmp_path):
    journal = tmp_path / "captures.jsonl"
    headers = {"Authorization": basic_authorization("pk-lf-load", "sk-lf-load")}
    acknowledged: list[str] = []
    with serve("--journal", str(journal)) as (process, url, _banner):
        with httpx.Client() as session:
            for number in range(120):
                if number == 100:
                    process.send_signal(signal.SIGKILL)  # mid-stream: later posts fail
                try:
                    response = session.post(url + INGESTION, json=traces_batch(3), headers=headers)
                except httpx.TransportError:
                    break
                acknowledged += [s["id"] for s in response.json()["successes"]]
        process.wait(timeout=10)
    assert len(acknowledged) >= 300
    with journal.open("ab") as torn:
        torn.write(b'{"public_key": "pk-lf-load", "method": "PO')  # a write cut short by a crash

    with serve("--journal", str(journal)) as (_, url, _banner):
        events = httpx.get(url + "/_mockfuse/events", params={"public_key": "pk-lf-load"}).json()[
            "data"
        ]
        assert set(acknowledged) <= {e["id"] for e in events}
        assert len(events) == len({e["id"] for e in events})
        assert httpx.post(url + INGESTION, json=traces_batch(1), headers=headers).status_code == 207


ROUTES = [
    "/api/public/ingestion",
    "/api/public/otel/v1/traces",
    "/api/public/scores",
    "/api/public/projects",
    "/api/public/health",
    "/api/public/v2/prompts/x",
    "/api/public/v2/prompts",
    "/api/public/media",
    "/api/public/media/abc",
    "/api/public/traces",
    "/api/public/traces/t",
    "/api/public/observations",
    "/api/public/v2/observations",
    "/api/public/v2/scores",
    "/api/public/sessions",
    "/api/public/nothing",
    "/_mockfuse/faults",
    "/_mockfuse/prompts",
    "/_mockfuse/snapshot",
    "/_mockfuse/uploads/x",
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.lists(json_values, max_size=3).map(lambda batch: json.dumps({"batch": batch}).encode()),
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    route=st.sampled_from(ROUTES),
    body=bodies,
    content_type=st.sampled_from(["application/json", "application/x-protobuf", "text/plain", ""]),
    gzipped=st.booleans(),
    authorization=st.sampled_from(["basic", "bearer", "garbage", "none"]),
    query=st.dictionaries(
        st.sampled_from(["page", "limit", "cursor", "version", "view", "public_key"]),
        st.text(max_size=8),
        max_size=3,
    ),
)
@pytest.mark.mockfuse_expect_rejections()
def test_no_request_gets_a_500_and_the_next_good_one_is_served(
    mockfuse, method, route, body, content_type, gzipped, authorization, query
):
    headers = {}
    if content_type:
        headers["Content-Type"] = content_type
    if gzipped:
        body = gzip.compress(body) if len(body) % 2 else body  # sometimes not gzip at all
        headers["Content-Encoding"] = "gzip"
    credentials = {
        "basic": basic_authorization(mockfuse.public_key, mockfuse.secret_key),
        "bearer": f"Bearer {mockfuse.public_key}",
        "garbage": "Basic !!!",
    }
    if authorization in credentials:
        headers["Authorization"] = credentials[authorization]
    response = httpx.request(
        method, mockfuse.url + route, content=body, headers=headers, params=query
    )
    assert response.status_code < 500 or (
        response.status_code == 503 and route == "/_mockfuse/faults"
    )
    assert post_json(mockfuse, INGESTION, {"batch": []}).status_code == 207


def test_a_batch_over_the_event_limit_gets_413():
    with MockfuseServer(max_batch_events=5) as server:
        tenant = server.tenant()
        refused = post_json(tenant, INGESTION, traces_batch(6))
        assert (refused.status_code, refused.json()["error"]) == (413, "PayloadTooLargeError")
        assert post_json(tenant, INGESTION, traces_batch(5)).status_code == 207
        assert len(tenant.events) == 5


def test_an_oversized_header_gets_400_and_the_server_goes_on(mockfuse):
    response = httpx.get(mockfuse.url + "/api/public/health", headers={"X-Padding": "x" * 20_000})
    assert response.status_code == 400
    assert httpx.get(mockfuse.url + "/api/public/health").status_code == 200
