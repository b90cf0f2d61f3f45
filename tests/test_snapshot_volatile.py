"""Values that change on every run, wherever the code under test put them: one snapshot for
every run, the same placeholder for the same value, Langfuse's own ids typed, nothing else
touched, ``keep=`` and the user's own patterns. Captures are sent over HTTP."""

from __future__ import annotations

import json
import random
import re
import secrets
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockfuse.snapshot.volatile import RULES
from mockfuse.testing.tenant import MockfuseTenant
from tests.support.http import post_json

ROOT = Path(__file__).resolve().parent.parent
INGESTION = "/api/public/ingestion"


def send(tenant: MockfuseTenant, *events: dict[str, Any]) -> None:
    batch = [
        {"id": str(uuid.uuid4()), "timestamp": "2026-12-06T10:00:00Z", **event} for event in events
    ]
    response = post_json(tenant, INGESTION, {"batch": batch})
    assert response.json()["errors"] == []


def base62(length: int) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(length)) + "7"


def an_agent_run(tenant: MockfuseTenant) -> None:
    """What an app's agent logs: every value an integration draws anew is fresh here."""
    trace_id, run_id, call_id = str(uuid.uuid4()), str(uuid.uuid4()), f"call_{base62(23)}"
    otel_trace, otel_span = secrets.token_hex(16), secrets.token_hex(8)
    port = random.randint(20000, 60000)
    started = f"2026-12-06T{random.randint(10, 23)}:00:{random.randint(10, 59)}.123456+00:00"
    send(
        tenant,
        {
            "type": "trace-create",
            "body": {
                "id": trace_id,
                "name": "agent",
                "metadata": {
                    "litellm_call_id": str(uuid.uuid4()),
                    "traceparent": f"00-{otel_trace}-{otel_span}-01",
                    "api_base": f"http://127.0.0.1:{port}/v1",
                    "started": started,
                    "created": random.randint(1_700_000_000, 1_800_000_000),
                    "litellm_overhead_time_ms": random.random() * 5,
                    "langfuse_trace": trace_id,
                },
            },
        },
        {
            "type": "generation-create",
            "body": {
                "id": str(uuid.uuid4()),
                "traceId": trace_id,
                "name": "plan",
                "model": "gpt-4o-mini",
                "input": [{"role": "user", "content": "weather?", "id": f"lc_run--{run_id}"}],
                "output": {
                    "id": f"chatcmpl-{base62(29)}",
                    "tool_calls": [{"id": call_id, "function": {"name": "get_weather"}}],
                },
                "metadata": {"run": f"run-{run_id}-0", "response_ms": random.randint(5, 900)},
            },
        },
        {
            "type": "span-create",
            "body": {
                "id": str(uuid.uuid4()),
                "traceId": trace_id,
                "name": "get_weather",
                "input": {"tool_call_id": call_id},
                "output": f"sunny, answered {started} by toolu_{base62(24)}",
            },
        },
    )


def test_every_run_gives_the_same_snapshot_with_links_kept(mockfuse):
    runs = [mockfuse.new_tenant(f"run-{n}") for n in range(3)]
    for tenant in runs:
        an_agent_run(tenant)
    snapshots = [tenant.snapshot() for tenant in runs]
    assert snapshots[0] == snapshots[1] == snapshots[2]

    [trace] = snapshots[0]
    metadata = trace["metadata"]
    assert metadata["litellm_call_id"] == "<id:1>"
    assert re.fullmatch(r"00-<id:\d>-<id:\d>-01", metadata["traceparent"])
    assert metadata["api_base"] == "http://127.0.0.1:<port>/v1"
    assert (metadata["started"], metadata["created"]) == ("<timestamp>", "<timestamp>")
    assert metadata["litellm_overhead_time_ms"] == "<duration>"
    # A volatile value that is a Langfuse id of the snapshot reads as that id.
    assert metadata["langfuse_trace"] == trace["id"] == "<trace:1>"

    by_name = {o["name"]: o for o in trace["observations"]}
    plan, tool = by_name["plan"], by_name["get_weather"]
    # LangChain's run id stands in two values with different prefixes: one placeholder.
    run = plan["input"][0]["id"]
    assert re.fullmatch(r"lc_run--<id:\d>", run)
    assert plan["metadata"]["run"] == f"run-{run.removeprefix('lc_run--')}-0"
    assert plan["metadata"]["response_ms"] == "<duration>"
    assert re.fullmatch(r"chatcmpl-<id:\d>", plan["output"]["id"])
    # The tool call the model asked for is the one the tool answered.
    asked = plan["output"]["tool_calls"][0]["id"]
    assert asked == tool["input"]["tool_call_id"]
    assert re.fullmatch(r"call_<id:\d>", asked)
    assert re.fullmatch(r"sunny, answered <timestamp> by toolu_<id:\d>", tool["output"])
    # Numbered in the snapshot's order, each value once.
    numbers = sorted({int(n) for n in re.findall(r"<id:(\d+)>", json.dumps(snapshots[0]))})
    assert numbers == list(range(1, len(numbers) + 1))


def test_entities_that_differ_only_in_volatile_values_follow_their_links(mockfuse):
    """Two tool calls alike but for their ids, answered by two tool spans: whichever arrives
    first, each answer names the call it answers."""

    def run(tenant: MockfuseTenant, reverse: bool) -> None:
        trace_id = str(uuid.uuid4())
        calls = [f"call_{base62(23)}", f"call_{base62(23)}"]
        generations = [
            {
                "type": "generation-create",
                "body": {
                    "id": str(uuid.uuid4()),
                    "traceId": trace_id,
                    "name": "llm",
                    "output": {"tool_call": call},
                },
            }
            for call in calls
        ]
        tools = [
            {
                "type": "span-create",
                "body": {
                    "id": str(uuid.uuid4()),
                    "traceId": trace_id,
                    "name": "tool",
                    "input": {"answers": call, "city": city},
                },
            }
            for call, city in zip(calls, ("Paris", "Rome"), strict=True)
        ]
        events = [{"type": "trace-create", "body": {"id": trace_id, "name": "t"}}]
        events += generations + tools
        send(tenant, *(reversed(events) if reverse else events))

    first, second = mockfuse.new_tenant("first"), mockfuse.new_tenant("second")
    run(first, reverse=False)
    run(second, reverse=True)
    assert first.snapshot() == second.snapshot()


def test_what_does_not_change_between_runs_stays(mockfuse):
    kept = {
        "prose": "The weather in Paris is sunny, 21 degrees at 10:00.",
        "words": "call_function msg_received resp_ok run_all",
        "date alone": "2026-12-06",
        "digest": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "upper hex": "4BF92F3577B34DA6A3CE929D0E0E4736",
        "version": "1.2.3",
        "timeout": 30,
        "max_tokens": 100,
        "population": 1_700_000_000,
        "start": "the start",
        "url": "https://api.openai.com/v1",
    }
    send(mockfuse, {"type": "trace-create", "body": {"id": "t-1", "metadata": kept}})
    [trace] = mockfuse.snapshot()
    assert trace["metadata"] == kept


def test_keep_shows_a_volatile_value_verbatim(mockfuse):
    response_id = f"chatcmpl-{base62(29)}"
    body = {"id": "t-1", "metadata": {"response_id": response_id, "other": response_id}}
    send(mockfuse, {"type": "trace-create", "body": body})
    [trace] = mockfuse.snapshot(keep=["metadata.response_id"])
    assert trace["metadata"] == {"response_id": response_id, "other": "chatcmpl-<id:1>"}


def test_patterns_of_ones_own_become_placeholders(mockfuse):
    body = {"id": "t-1", "metadata": {"order": "order-8812 placed", "again": "order-8812"}}
    send(mockfuse, {"type": "trace-create", "body": body})
    [trace] = mockfuse.snapshot(volatile=[r"order-(\d+)"])
    assert trace["metadata"] == {"order": "order-<id:1> placed", "again": "order-<id:1>"}


def test_the_ini_option_names_patterns_for_every_snapshot(pytester: pytest.Pytester):
    pytester.makeini("[pytest]\nmockfuse_volatile =\n    order-(\\d+)\n    ticket [A-Z]+\n")
    pytester.makepyfile(
        test_app="""
import random

import httpx

from mockfuse.auth import basic_authorization


def test_order(mockfuse):
    order = random.randint(1000, 9999)
    body = {"id": "t", "metadata": {"note": f"order-{order} as ticket ABC"}}
    event = {"id": "e", "type": "trace-create", "timestamp": "2026-12-06T10:00:00Z", "body": body}
    httpx.post(
        f"{mockfuse.url}/api/public/ingestion",
        json={"batch": [event]},
        headers={"Authorization": basic_authorization(mockfuse.public_key, mockfuse.secret_key)},
    ).raise_for_status()
    [trace] = mockfuse.snapshot()
    assert trace["metadata"]["note"] == "order-<id:1> as <id:2>"
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--rootdir={pytester.path}")
    result.assert_outcomes(passed=1)


def test_an_invalid_pattern_is_a_usage_error(pytester: pytest.Pytester):
    pytester.makeini("[pytest]\nmockfuse_volatile = order-(\n")
    pytester.makepyfile(test_app="def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*mockfuse_volatile: 'order-(' is not a regular expression*"])


def test_the_admin_api_and_the_cli_take_patterns(mockfuse):
    tenant = mockfuse.new_tenant("cli")
    body = {"id": "t-1", "metadata": {"order": "order-8812"}}
    send(tenant, {"type": "trace-create", "body": body})
    url = f"{mockfuse.url}/_mockfuse/snapshot"
    query = {"public_key": tenant.public_key}
    answer = httpx.get(url, params={**query, "volatile": r"order-(\d+)"})
    assert answer.json()[0]["metadata"] == {"order": "order-<id:1>"}
    refused = httpx.get(url, params={**query, "volatile": "order-("})
    assert refused.status_code == 400
    assert "is not a regular expression" in refused.text

    command = [sys.executable, "-m", "mockfuse", "snapshot", "--url", mockfuse.url]
    printed = subprocess.run(
        [*command, "--public-key", tenant.public_key, "--volatile", r"order-(\d+)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(printed.stdout)[0]["metadata"] == {"order": "order-<id:1>"}


def test_readme_shows_the_rules_table():
    readme = (ROOT / "README.md").read_text()
    rows = [f"| {rule.finds} | {rule.example} | {rule.becomes} |" for rule in RULES]
    missing = [row for row in rows if row not in readme]
    assert not missing, "README.md's table of volatile values lacks:\n" + "\n".join(missing)
