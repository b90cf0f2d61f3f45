"""The trace viewer's server side: its page and assets, its data, and the live stream."""

from __future__ import annotations

import json
import threading

import httpx
import pytest

from mockfuse import MockfuseServer
from tests.support.http import post_json, seed_batch

INGESTION = "/api/public/ingestion"


def test_the_root_redirects_to_the_viewer_page_which_forbids_outside_scripts(mockfuse):
    response = httpx.get(mockfuse.url + "/", follow_redirects=True)
    assert response.status_code == 200
    assert str(response.url) == mockfuse.url + "/_mockfuse/"
    assert response.headers["Content-Type"].startswith("text/html")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    # Everything the page loads is served by mockfuse itself.
    for asset in ("/_mockfuse/viewer/viewer.js", "/_mockfuse/viewer/viewer.css"):
        assert f'"{asset}"' in response.text
        assert httpx.get(mockfuse.url + asset).status_code == 200
    assert "http://" not in response.text and "https://" not in response.text
    assert httpx.get(mockfuse.url + "/_mockfuse/viewer/nothing.js").status_code == 404
    assert httpx.get(mockfuse.url + "/_mockfuse").headers["Location"] == "/_mockfuse/"
    # The redirect itself is no Langfuse call: nothing is logged for the tenant.
    assert mockfuse.requests == []


def test_tenant_data_has_the_traces_newest_first_with_counts_and_request_summaries(
    mockfuse, request
):
    batch = seed_batch()
    assert post_json(mockfuse, INGESTION, batch).status_code == 207
    data = httpx.get(
        mockfuse.url + "/_mockfuse/viewer/data", params={"tenant": mockfuse.tenant}
    ).json()
    assert (data["tenant"], data["public_key"]) == (mockfuse.tenant, mockfuse.public_key)
    assert data["test"] == request.node.nodeid
    assert data["counts"]["traces"] == 2 and data["counts"]["requests"] == 1
    timestamps = [trace["timestamp"] for trace in data["traces"]]
    assert timestamps == sorted(timestamps, reverse=True)
    assert data["traces"] == sorted(mockfuse.traces, key=lambda t: t["timestamp"], reverse=True)
    [summary] = data["requests"]
    assert summary["path"] == INGESTION and summary["status"] == 207
    assert summary["size"] == len(json.dumps(batch).encode())

    whole = httpx.get(f"{mockfuse.url}/_mockfuse/requests/{summary['seq']}").json()
    assert whole["body"] == batch and whole["public_key"] == mockfuse.public_key
    missing = httpx.get(f"{mockfuse.url}/_mockfuse/requests/999999")
    assert missing.status_code == 404 and "999999" in missing.json()["message"]


def test_requests_that_named_no_key_are_a_tenant_of_their_own(mockfuse_server):
    response = httpx.post(mockfuse_server.url + INGESTION, json=seed_batch())
    assert response.status_code == 401
    data = httpx.get(
        mockfuse_server.url + "/_mockfuse/viewer/data", params={"public_key": ""}
    ).json()
    assert data["public_key"] is None
    assert any(r["status"] == 401 and r["path"] == INGESTION for r in data["requests"])


def test_the_snapshot_downloads_as_a_file_named_after_the_tenant(mockfuse):
    assert post_json(mockfuse, INGESTION, seed_batch()).status_code == 207
    url = mockfuse.url + "/_mockfuse/snapshot"
    shown = httpx.get(url, params={"tenant": mockfuse.tenant})
    downloaded = httpx.get(url, params={"tenant": mockfuse.tenant, "download": "1"})
    assert downloaded.text == shown.text
    assert json.loads(downloaded.text) == mockfuse.snapshot()
    disposition = downloaded.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="{mockfuse.tenant.replace("#", "-")}-traces.json"'
    assert "Content-Disposition" not in shown.headers


def _next_change(lines) -> dict:
    for line in lines:
        if line.startswith("data: "):
            return json.loads(line.removeprefix("data: "))
    raise AssertionError("the live stream ended")


def test_the_live_stream_announces_each_change_with_the_tenants_counts(mockfuse):
    with httpx.stream("GET", mockfuse.url + "/_mockfuse/live", timeout=10) as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        lines = stream.iter_lines()
        first = _next_change(lines)
        assert post_json(mockfuse, INGESTION, seed_batch()).status_code == 207
        second = _next_change(lines)
        assert second["generation"] > first["generation"]
        [ours] = [t for t in second["tenants"] if t["tenant"] == mockfuse.tenant]
        assert ours["test"] == mockfuse.window.label
        assert (ours["requests"], ours["events"], ours["traces"]) == (1, 2, 2)


def test_stopping_the_server_ends_open_live_streams():
    server = MockfuseServer().start()
    opened, ended = threading.Event(), threading.Event()

    def watch() -> None:
        with httpx.stream("GET", server.url + "/_mockfuse/live", timeout=30) as stream:
            lines = stream.iter_lines()
            _next_change(lines)
            opened.set()
            for _ in lines:
                pass
        ended.set()

    watcher = threading.Thread(target=watch)
    watcher.start()
    assert opened.wait(timeout=10)
    server.stop()
    watcher.join(timeout=30)
    assert ended.is_set()


def test_the_viewer_takes_the_admin_token_once_and_keeps_it_in_a_cookie():
    with MockfuseServer(admin_token="s3cret") as server:
        assert httpx.get(server.url + "/_mockfuse/").status_code == 401
        assert httpx.get(server.url + "/_mockfuse/?token=nope").status_code == 401
        with httpx.Client(base_url=server.url) as browser:
            page = browser.get("/_mockfuse/?token=s3cret")
            assert page.status_code == 200
            cookie = page.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
            assert "Path=/_mockfuse" in cookie
            # The page's own reads now pass without the header.
            assert browser.get("/_mockfuse/viewer/data?public_key=").status_code == 200
            assert browser.get("/_mockfuse/tenants").status_code == 200
        # The token in a query string opens only the page, not the admin API.
        assert httpx.get(server.url + "/_mockfuse/tenants?token=s3cret").status_code == 401


@pytest.mark.parametrize("path", ["/_mockfuse/live", "/_mockfuse/viewer/data"])
def test_viewer_reads_are_not_logged_as_langfuse_requests(mockfuse, path):
    if path.endswith("live"):
        with httpx.stream("GET", mockfuse.url + path, timeout=10) as stream:
            _next_change(stream.iter_lines())
    else:
        httpx.get(mockfuse.url + path, params={"tenant": mockfuse.tenant})
    assert mockfuse.requests == []
