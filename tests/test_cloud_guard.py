"""Nothing leaves for Langfuse's cloud while the plugin is active: a test whose client or
exporter points at a ``*.langfuse.com`` host fails with the host and the fix, and no
connection is made (the guard refuses the name before it is resolved: no network needed)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from mockfuse.testing.cloud_guard import CloudGuard, LangfuseCloudBlocked, is_langfuse_cloud
from tests.support.client_envs import client_python
from tests.test_downstream import RealLangfuse, run_suite

CLOUD_EXPORT = """
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor


def test_exports_to_the_cloud():
    exporter = OTLPSpanExporter(endpoint="https://cloud.langfuse.com/api/public/otel/v1/traces")
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with provider.get_tracer("app").start_as_current_span("leak"):
        pass
    provider.shutdown()


def test_other_hosts_are_untouched():
    import socket
    assert socket.getaddrinfo("127.0.0.1", 80)
"""


def test_only_langfuse_cloud_hosts_are_refused():
    assert all(
        is_langfuse_cloud(host)
        for host in ("cloud.langfuse.com", "US.Cloud.Langfuse.com.", b"langfuse.com")
    )
    assert not any(
        is_langfuse_cloud(host) for host in ("langfuse.example.com", "mylangfuse.com", None)
    )
    guard = CloudGuard()
    guard.install()
    try:
        with pytest.raises(LangfuseCloudBlocked, match=r"cloud\.langfuse\.com"):
            socket.getaddrinfo("cloud.langfuse.com", 443)
        assert socket.getaddrinfo("127.0.0.1", 80)
        assert guard.take() == ["cloud.langfuse.com"] and guard.take() == []
    finally:
        guard.uninstall()


def test_an_exporter_to_the_cloud_fails_its_test_and_no_other(pytester: pytest.Pytester):
    pytester.makepyfile(test_app=CLOUD_EXPORT)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*mockfuse blocked a connection to cloud.langfuse.com*", "*mockfuse_block_cloud*"]
    )


def test_the_ini_option_turns_the_guard_off(pytester: pytest.Pytester):
    pytester.makeini("[pytest]\nmockfuse_block_cloud = false\n")
    pytester.makepyfile(
        test_app="""
import socket

def test_nothing_guards_resolution():
    assert socket.getaddrinfo.__name__ != "guarded_getaddrinfo"
"""
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


@pytest.mark.clients
def test_an_sdk_client_with_a_hard_coded_cloud_host_fails_its_test(tmp_path: Path):
    (tmp_path / "test_app.py").write_text(
        """
from langfuse import Langfuse

langfuse = Langfuse(
    public_key="pk-lf-x", secret_key="sk-lf-x", base_url="https://cloud.langfuse.com"
)


def test_traces_to_the_cloud():
    with langfuse.start_as_current_observation(name="leak"):
        pass
    langfuse.flush()
"""
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    real = RealLangfuse()
    try:
        with pytest.raises(AssertionError) as failed:
            run_suite(client_python("lf5"), tmp_path, real)
        assert real.connections == 0  # nor to the Langfuse the shell names
    finally:
        real.close()
    output = str(failed.value)
    assert "1 passed, 1 error" in output
    assert "mockfuse blocked a connection to cloud.langfuse.com" in output
