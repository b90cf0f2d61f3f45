"""The fixture's life in a session: one key pair, a window per test, autostart, and what a
test that waited in vain is told. Each case is a pytest session of its own (pytester)."""

from __future__ import annotations

import pytest

POST = """
import base64, json, urllib.request
from datetime import datetime, timezone

def post(tenant, trace_id, made):
    batch = {"batch": [{"id": trace_id, "type": "trace-create",
                        "timestamp": datetime.fromtimestamp(made, tz=timezone.utc).isoformat(),
                        "body": {"id": trace_id, "name": trace_id}}]}
    credentials = f"{tenant.public_key}:{tenant.secret_key}".encode()
    request = urllib.request.Request(
        tenant.url + "/api/public/ingestion", data=json.dumps(batch).encode(),
        headers={"Content-Type": "application/json",
                 "Authorization": "Basic " + base64.b64encode(credentials).decode()})
    urllib.request.urlopen(request).read()
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_every_test_shares_one_key_pair_and_sees_only_its_window(pytester):
    pytester.makepyfile(
        POST
        + """
import time
seen = []

def test_first(mockfuse):
    post(mockfuse, "first", time.time())
    mockfuse.wait_for(traces=1)
    seen.append(mockfuse)

def test_second(mockfuse):
    [first] = seen
    assert (mockfuse.public_key, mockfuse.secret_key) == (first.public_key, first.secret_key)
    assert mockfuse.tenant != first.tenant
    assert mockfuse.window.label.endswith("::test_second")
    assert mockfuse.traces == []
    post(mockfuse, "second", time.time())
    assert [t["name"] for t in mockfuse.wait_for(traces=1).traces] == ["second"]
    assert [t["name"] for t in first.traces] == ["first"]  # kept for the viewer
"""
    )
    run(pytester).assert_outcomes(passed=2)


def test_a_separate_tenant_has_keys_of_its_own(pytester):
    pytester.makepyfile(
        POST
        + """
import time

def test_separate(mockfuse):
    other = mockfuse.new_tenant("worker")
    assert other.public_key != mockfuse.public_key and other.public_key.startswith("pk-lf-worker")
    post(other, "theirs", time.time())
    post(mockfuse, "mine", time.time())
    assert [t["name"] for t in other.wait_for(traces=1).traces] == ["theirs"]
    assert [t["name"] for t in mockfuse.wait_for(traces=1).traces] == ["mine"]
    assert other.env["LANGFUSE_PUBLIC_KEY"] == other.public_key
"""
    )
    run(pytester).assert_outcomes(passed=1)


def test_autostart_names_the_server_before_conftest_imports_anything(pytester, monkeypatch):
    monkeypatch.setenv("LANGFUSE_HOST", "https://cloud.langfuse.com")
    monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", "pk-lf-real")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://cloud.langfuse.com/otel")
    pytester.makeini("[pytest]\nmockfuse_autostart = true\n")
    pytester.makeconftest(
        """
import os
AT_IMPORT = {
    name: value for name, value in os.environ.items()
    if name.startswith(("LANGFUSE_", "OTEL_EXPORTER_OTLP_TRACES_"))
}
"""
    )
    pytester.makepyfile(
        """
from conftest import AT_IMPORT

def test_clients_made_at_import_time_report_to_mockfuse(mockfuse):
    assert AT_IMPORT == mockfuse.env

def test_without_the_fixture_too():
    import os
    assert os.environ["LANGFUSE_HOST"] == AT_IMPORT["LANGFUSE_HOST"] != "https://cloud.langfuse.com"
"""
    )
    run(pytester).assert_outcomes(passed=2)


def test_autostart_points_an_opentelemetry_exporter_made_at_import_at_each_test(pytester):
    """An app that exports OTLP and no Langfuse SDK, its exporter made once at import."""
    pytester.makeini("[pytest]\nmockfuse_autostart = true\n")
    pytester.makeconftest(
        """
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

PROVIDER = TracerProvider()
PROVIDER.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter()))
"""
    )
    pytester.makepyfile(
        """
import pytest
from conftest import PROVIDER

@pytest.mark.parametrize("name", ["first", "second"])
def test_spans_reach_this_tests_window(mockfuse, name):
    with PROVIDER.get_tracer("app").start_as_current_span(name):
        pass
    [trace] = mockfuse.wait_for(traces=1).traces
    assert [o["name"] for o in trace["observations"]] == [name]
"""
    )
    run(pytester).assert_outcomes(passed=2)


def test_a_session_that_never_asks_for_the_fixture_starts_nothing(pytester):
    pytester.makepyfile(
        """
import sys

def test_plain():
    assert "aiohttp" not in sys.modules
    assert "mockfuse.server" not in sys.modules
"""
    )
    run(pytester).assert_outcomes(passed=1)


def test_the_session_lets_go_of_its_captures_when_its_server_stops(pytester):
    # pytest collects garbage as it unconfigures, walking everything still alive.
    pytester.makeconftest(
        """
import pytest

STORES = []

@pytest.fixture(autouse=True)
def keep_store(mockfuse_server):
    STORES.append(mockfuse_server.store)

@pytest.hookimpl(trylast=True)  # after mockfuse's own
def pytest_unconfigure(config):
    print("tenants left:", STORES[0].tenants())
"""
    )
    pytester.makepyfile(
        POST
        + """
import time

def test_sends(mockfuse):
    post(mockfuse, "t-1", time.time())
    mockfuse.wait_for(traces=1)
    assert mockfuse.traces[0]["name"] == "t-1"
"""
    )
    result = run(pytester, "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["tenants left: []"])


def test_a_wait_in_vain_says_where_captures_went_instead(pytester):
    pytester.makepyfile(
        POST
        + """
import time
import pytest

earlier = []

def test_a(mockfuse):
    earlier.append(mockfuse.window)

def test_sent_with_other_keys(mockfuse, mockfuse_server):
    stale = mockfuse_server.tenant(public_key="pk-lf-made-before")
    post(stale, "stale", time.time())
    with pytest.raises(TimeoutError, match="as pk-lf-made-before: a Langfuse client made before"):
        mockfuse.wait_for(traces=1, timeout=0.2)

def test_sent_late_by_an_earlier_test(mockfuse):
    [window] = earlier
    post(mockfuse, "late", (window.opened + window.closed) / 2)
    with pytest.raises(TimeoutError, match=r"went to test \\S+::test_a: "):
        mockfuse.wait_for(traces=1, timeout=0.2)

def test_made_while_no_test_ran(mockfuse):
    [window] = earlier
    post(mockfuse, "outside", window.closed + 0.000_002)
    with pytest.raises(TimeoutError, match="made while no test ran"):
        mockfuse.wait_for(traces=1, timeout=0.2)
"""
    )
    run(pytester).assert_outcomes(passed=4)
