"""The pytest plugin's fixtures: environment, isolation, waits and reset."""

from __future__ import annotations

import asyncio
import os
import threading

import httpx
import pytest

from mockfuse.testing.tenant import ENV_URL_NAMES
from tests.support.http import auth_headers, post_json, seed_batch

INGESTION = "/api/public/ingestion"


def test_langfuse_environment_points_at_this_tests_tenant(mockfuse, mockfuse_server):
    for name in ENV_URL_NAMES:
        assert os.environ[name] == mockfuse.url == mockfuse_server.url
    assert os.environ["LANGFUSE_PUBLIC_KEY"] == mockfuse.public_key
    assert os.environ["LANGFUSE_SECRET_KEY"] == mockfuse.secret_key
    assert mockfuse.env == {name: os.environ[name] for name in mockfuse.env}
    assert mockfuse.tenant == mockfuse.window.tenant != mockfuse.public_key


def test_the_environment_is_restored_after_the_test(pytester):
    pytester.makepyfile(
        """
        import os

        os.environ["LANGFUSE_HOST"] = "https://cloud.example"
        os.environ.pop("LANGFUSE_PUBLIC_KEY", None)

        def test_uses_mockfuse(mockfuse):
            assert os.environ["LANGFUSE_HOST"] == mockfuse.url

        def test_after():
            assert os.environ["LANGFUSE_HOST"] == "https://cloud.example"
            assert "LANGFUSE_PUBLIC_KEY" not in os.environ
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_wait_for_returns_once_events_arrive_from_another_thread(mockfuse):
    poster = threading.Thread(target=post_json, args=(mockfuse, INGESTION, seed_batch()))
    poster.start()
    mockfuse.wait_for(events=2, traces=2, requests=1, timeout=10)
    poster.join()
    assert len(mockfuse.events) == 2


def test_wait_for_takes_a_predicate_over_the_tenant(mockfuse):
    post_json(mockfuse, INGESTION, seed_batch())
    waited = mockfuse.wait_for(
        predicate=lambda t: any(o["type"] == "GENERATION" for o in t.observations)
    )
    assert waited is mockfuse


@pytest.mark.mockfuse_expect_rejections()
def test_wait_for_times_out_saying_what_arrived(mockfuse):
    post_json(
        mockfuse,
        INGESTION,
        {"batch": [{"id": "x", "type": "nope", "timestamp": "bad", "body": {}}]},
    )
    with pytest.raises(TimeoutError) as raised:
        mockfuse.wait_for(events=1, timeout=0.2)
    message = str(raised.value)
    assert "events>=1" in message
    assert "requests=1, events=0, traces=0" in message
    assert "POST /api/public/ingestion -> 207" in message
    assert "rejected x: Invalid request data" in message


def test_wait_for_times_out_naming_the_url_when_nothing_arrived(mockfuse):
    with pytest.raises(TimeoutError, match=f"nothing arrived at {mockfuse.url} since this test"):
        mockfuse.wait_for(requests=1, timeout=0.1)


@pytest.mark.asyncio
async def test_wait_for_async_keeps_the_event_loop_running(mockfuse):
    async with httpx.AsyncClient() as client:

        async def post_later() -> httpx.Response:
            await asyncio.sleep(0)  # let the wait start first
            return await client.post(
                mockfuse.url + INGESTION, json=seed_batch(), headers=auth_headers(mockfuse)
            )

        posting = asyncio.ensure_future(post_later())
        await mockfuse.wait_for_async(events=2, timeout=10)
        assert (await posting).status_code == 207
    assert len(mockfuse.traces) == 2


@pytest.mark.asyncio
async def test_wait_for_async_times_out_with_the_same_message(mockfuse):
    with pytest.raises(TimeoutError, match="traces>=1"):
        await mockfuse.wait_for_async(traces=1, timeout=0.1)


def test_reset_forgets_captures_but_keeps_the_keys(mockfuse):
    post_json(mockfuse, INGESTION, seed_batch())
    mockfuse.reset()
    assert (mockfuse.requests, mockfuse.events, mockfuse.traces) == ([], [], [])
    assert post_json(mockfuse, INGESTION, seed_batch()).status_code == 207
    assert len(mockfuse.events) == 2


def test_captures_are_copies_the_test_may_change(mockfuse):
    post_json(mockfuse, INGESTION, seed_batch())
    mockfuse.traces[0]["name"] = "changed"
    mockfuse.events[0]["body"]["id"] = "changed"
    assert "changed" not in {t["name"] for t in mockfuse.traces}
    assert mockfuse.events[0]["body"]["id"] != "changed"


ISOLATION_TESTS = """
import json, urllib.request, base64

BATCH = {"batch": [{"id": "e", "type": "trace-create", "timestamp": "2026-11-27T10:00:00Z",
                    "body": {"id": "t", "name": NAME}}]}

def post(mockfuse):
    request = urllib.request.Request(
        mockfuse.url + "/api/public/ingestion",
        data=json.dumps(BATCH).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Basic " +
                 base64.b64encode(f"{mockfuse.public_key}:{mockfuse.secret_key}".encode()).decode()},
    )
    urllib.request.urlopen(request).read()

def test_first(mockfuse):
    post(mockfuse)
    assert [t["name"] for t in mockfuse.traces] == [NAME]
    assert len(mockfuse.events) == 1

def test_second(mockfuse):
    assert mockfuse.events == []
    post(mockfuse)
    assert len(mockfuse.events) == 1
"""


@pytest.mark.parametrize("workers", [None, "2"])
def test_tests_with_their_own_tenants_see_only_their_own_captures(pytester, workers):
    for index in range(3):
        pytester.makepyfile(
            **{f"test_tenant_{index}": f"NAME = 'name-{index}'\n" + ISOLATION_TESTS}
        )
    args = ["-p", "no:cacheprovider"] + (["-n", workers] if workers else [])
    result = pytester.runpytest_subprocess(*args)
    result.assert_outcomes(passed=6)
    if workers:
        assert "2 workers" in result.stdout.str()
