"""MockfuseServer without pytest's fixtures, and the routes beside ingestion."""

from __future__ import annotations

import socket

import httpx
import pytest

from mockfuse import MockfuseServer
from tests.support.http import auth_headers, post_json, seed_batch


def test_the_server_runs_as_a_context_manager_and_frees_its_port():
    with MockfuseServer() as server:
        assert server.url.startswith("http://127.0.0.1:")
        port = server.port
        tenant = server.tenant()
        assert post_json(tenant, "/api/public/ingestion", seed_batch()).status_code == 207
        tenant.wait_for(events=2)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))  # would raise if the server still held it
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url


def test_a_taken_port_is_an_error_at_start():
    with MockfuseServer() as first, pytest.raises(OSError):
        MockfuseServer(port=first.port).start()


def test_health_needs_no_key(mockfuse):
    response = httpx.get(mockfuse.url + "/api/public/health")
    assert response.status_code == 200
    assert response.json()["status"] == "OK"


def test_projects_has_the_fields_both_sdk_generations_require(mockfuse):
    response = httpx.get(mockfuse.url + "/api/public/projects", headers=auth_headers(mockfuse))
    assert response.status_code == 200
    [project] = response.json()["data"]
    assert set(project) >= {"id", "name", "organization", "metadata"}
    assert set(project["organization"]) == {"id", "name"}
    assert httpx.get(mockfuse.url + "/api/public/projects").status_code == 401


def test_an_unknown_route_gets_404_json_and_is_logged(mockfuse):
    response = httpx.get(mockfuse.url + "/api/public/nothing-here", headers=auth_headers(mockfuse))
    assert response.status_code == 404
    assert response.json()["error"] == "LangfuseNotFoundError"
    assert [(r.path, r.status) for r in mockfuse.requests] == [("/api/public/nothing-here", 404)]


def test_strict_keys_refuse_every_other_pair():
    with MockfuseServer(keys=(("pk-lf-ci", "sk-lf-ci"),)) as server:
        known = server.tenant("pk-lf-ci", "sk-lf-ci")
        unknown = server.tenant("pk-lf-other", "sk-lf-other")
        assert post_json(known, "/api/public/ingestion", seed_batch()).status_code == 207
        refused = post_json(unknown, "/api/public/ingestion", seed_batch())
        bearer = post_json(
            known, "/api/public/ingestion", seed_batch(), Authorization="Bearer pk-lf-nope"
        )
    assert refused.status_code == 401
    assert refused.json()["message"].startswith("Invalid credentials")
    assert bearer.status_code == 401


def test_a_bug_in_a_route_answers_500_with_json_and_the_server_goes_on(mockfuse, monkeypatch):
    from mockfuse.api import exchange

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(exchange.Exchange, "answer", broken)
    response = httpx.get(mockfuse.url + "/api/public/health")
    assert (response.status_code, response.json()) == (500, {"error": "Internal Server Error"})
    monkeypatch.undo()
    assert httpx.get(mockfuse.url + "/api/public/health").status_code == 200
