"""Fault rules over HTTP, and real clients' retry behaviour driven by them."""

from __future__ import annotations

import random

import httpx
import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from mockfuse.auth import basic_authorization
from tests.support.client_envs import run_client
from tests.support.http import auth_headers, post_json, seed_batch
from tests.test_cli import serve

INGESTION = "/api/public/ingestion"
OTLP = "/api/public/otel/v1/traces"


def test_a_status_fault_answers_stores_nothing_and_is_logged(mockfuse):
    mockfuse.fail(429, route=INGESTION, retry_after=3)
    faulted = post_json(mockfuse, INGESTION, seed_batch())
    assert (faulted.status_code, faulted.headers["Retry-After"]) == (429, "3")
    assert mockfuse.events == []
    assert post_json(mockfuse, INGESTION, seed_batch()).status_code == 207
    assert [(r.status, r.note) for r in mockfuse.requests] == [
        (429, f"fault: 429 on {INGESTION}"),
        (207, None),
    ]


def test_a_dropped_connection_gets_no_answer(mockfuse):
    mockfuse.fail(None, drop=True)
    with pytest.raises(httpx.TransportError):
        post_json(mockfuse, INGESTION, seed_batch())
    assert post_json(mockfuse, INGESTION, seed_batch()).status_code == 207
    assert [(r.status, r.note) for r in mockfuse.requests] == [
        (0, "fault: dropped connection on *"),
        (207, None),
    ]
    assert len(mockfuse.events) == 2


def test_a_malformed_answer_is_not_json(mockfuse):
    mockfuse.fail(207, malformed=True, route=INGESTION)
    response = post_json(mockfuse, INGESTION, seed_batch())
    assert response.status_code == 207
    with pytest.raises(ValueError):
        response.json()
    assert mockfuse.events == []


def test_a_delay_holds_the_answer_then_serves_it(mockfuse):
    mockfuse.fail(None, delay=3)
    with pytest.raises(httpx.ReadTimeout):  # the client gives up before mockfuse answers
        httpx.get(
            mockfuse.url + "/api/public/projects", headers=auth_headers(mockfuse), timeout=0.5
        )
    mockfuse.wait_for(requests=1)
    [request] = mockfuse.requests
    assert (request.status, request.note) == (200, "fault: delay on *")


def test_a_fraction_fires_on_a_seeded_share_of_requests(mockfuse):
    mockfuse.fail(503, route=INGESTION, times=None, fraction=0.5, seed=7)
    statuses = [post_json(mockfuse, INGESTION, {"batch": []}).status_code for _ in range(20)]
    draws = random.Random(7)
    assert statuses == [503 if draws.random() < 0.5 else 207 for _ in range(20)]
    assert 0 < statuses.count(503) < 20


@pytest.mark.parametrize(
    "options",
    [
        {"status": 418},
        {"times": 0},
        {"times": None},
        {"drop": True, "malformed": True},
        {"status": None},
    ],
)
def test_an_impossible_rule_is_refused(mockfuse, options):
    with pytest.raises(ValueError):
        mockfuse.fail(**options)


def test_serve_takes_fault_rules(tmp_path):
    rule = (
        '{"public_key": "pk-lf-local", "route": "/api/public/ingestion", "status": 503, "times": 1}'
    )
    with serve("--fault", rule) as (_, url, _banner):
        headers = {"Authorization": basic_authorization("pk-lf-local", "sk-lf-local")}
        first = httpx.post(url + INGESTION, json=seed_batch(), headers=headers)
        second = httpx.post(url + INGESTION, json=seed_batch(), headers=headers)
    assert (first.status_code, second.status_code) == (503, 207)


def test_serve_refuses_a_bad_fault_rule():
    with pytest.raises(AssertionError, match="fault"), serve("--fault", '{"status": 503}'):
        pass


def export_one_span(tenant) -> None:
    exporter = OTLPSpanExporter(
        endpoint=tenant.url + OTLP,
        headers={"Authorization": basic_authorization(tenant.public_key, tenant.secret_key)},
    )
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with provider.get_tracer("retries").start_as_current_span("work"):
        pass
    provider.shutdown()


@pytest.mark.parametrize("status", [429, 503])
def test_the_otlp_exporter_retries_after_429_and_503_and_each_span_is_stored_once(mockfuse, status):
    mockfuse.fail(status, route=OTLP, retry_after=1)
    export_one_span(mockfuse)
    assert [r.status for r in mockfuse.requests] == [status, 200]
    assert [o["name"] for o in mockfuse.observations] == ["work"]


def test_the_otlp_exporter_does_not_retry_after_500(mockfuse):
    mockfuse.fail(500, route=OTLP)
    export_one_span(mockfuse)
    assert [r.status for r in mockfuse.requests] == [500]
    assert mockfuse.observations == []


@pytest.mark.clients
def test_langfuse_sdk_2_resends_after_a_503_and_nothing_doubles(mockfuse):
    mockfuse.fail(503, route=INGESTION)
    run_client("lf2", "lf2_common_workload.py", mockfuse.env)
    ingestion = [r for r in mockfuse.requests if r.path == INGESTION]
    assert ingestion[0].status == 503
    assert ingestion[1].body["batch"] == ingestion[0].body["batch"]
    sent = [event["id"] for request in ingestion for event in request.body["batch"]]
    assert sorted(set(sent)) == sorted(e["id"] for e in mockfuse.events)
    assert len(mockfuse.events) == len(set(sent))
