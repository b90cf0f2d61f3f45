"""Snapshots for suites in other languages: the admin endpoint and `mockfuse snapshot|check`."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from mockfuse.snapshot.compare import snapshot_text
from tests.support.http import post_json, seed_batch


def mockfuse_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockfuse", *args], capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def seeded(mockfuse_server):
    """A tenant of its own key, as a `mockfuse serve` suite in another language has."""
    tenant = mockfuse_server.tenant()
    post_json(tenant, "/api/public/ingestion", seed_batch())
    yield tenant
    tenant.close()


@pytest.mark.parametrize("view", ["traces", "events", "requests"])
def test_the_admin_endpoint_serves_the_snapshot_file_bytes(seeded, view):
    response = httpx.get(
        f"{seeded.url}/_mockfuse/snapshot", params={"public_key": seeded.public_key, "view": view}
    )
    assert response.status_code == 200
    assert response.text == snapshot_text(seeded.snapshot(view))


def test_the_admin_endpoint_takes_ignore_and_keep(seeded):
    params = [("public_key", seeded.public_key), ("ignore", "*metadata"), ("keep", "id")]
    data = httpx.get(f"{seeded.url}/_mockfuse/snapshot", params=params).json()
    assert data == seeded.snapshot(ignore=["*metadata"], keep=["id"])
    assert {trace["id"] for trace in data} == {
        e["body"].get("traceId") or e["body"]["id"] for e in seed_batch()["batch"]
    }


@pytest.mark.parametrize("params", [{}, {"public_key": "pk", "view": "spans"}])
def test_the_admin_endpoint_refuses_bad_queries(mockfuse, params):
    response = httpx.get(f"{mockfuse.url}/_mockfuse/snapshot", params=params)
    assert response.status_code == 400


def test_snapshot_command_prints_or_writes_the_file(seeded, tmp_path):
    source = ["--url", seeded.url, "--public-key", seeded.public_key]
    printed = mockfuse_cli("snapshot", *source, "--view", "events")
    assert printed.returncode == 0
    assert printed.stdout == snapshot_text(seeded.snapshot("events"))
    target = tmp_path / "out" / "traces.json"
    assert mockfuse_cli("snapshot", *source, "-o", str(target)).returncode == 0
    assert target.read_text() == snapshot_text(seeded.snapshot())


def test_check_exits_0_when_equal_1_with_a_diff_when_not_and_update_rewrites(seeded, tmp_path):
    source = ["--url", seeded.url, "--public-key", seeded.public_key]
    snapshot_file = tmp_path / "seed.json"
    missing = mockfuse_cli("check", *source, str(snapshot_file))
    assert missing.returncode == 1
    assert "does not exist; create it with --update" in missing.stderr

    assert mockfuse_cli("check", *source, str(snapshot_file), "--update").returncode == 0
    assert mockfuse_cli("check", *source, str(snapshot_file)).returncode == 0

    edited = json.loads(snapshot_file.read_text())
    edited[0]["observations"][0]["model"] = "gpt-4"
    snapshot_file.write_text(json.dumps(edited))
    different = mockfuse_cli("check", *source, str(snapshot_file))
    assert different.returncode == 1
    assert (
        '0.observations.0(litellm-acompletion).model: "gpt-4" -> "gpt-3.5-turbo"'
        in different.stdout
    )
    assert f"--- expected ({snapshot_file})" in different.stdout

    assert mockfuse_cli("check", *source, str(snapshot_file), "--update").returncode == 0
    assert snapshot_file.read_text() == snapshot_text(seeded.snapshot())


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--url", "http://127.0.0.1:9", "--public-key", "pk", "x.json"],
        ["check", "--public-key", "pk", "x.json"],
        ["snapshot", "--url", "http://127.0.0.1:9", "--public-key", "pk", "--view", "spans"],
    ],
    ids=["unreachable", "no url", "bad view"],
)
def test_usage_errors_exit_2(args):
    result = mockfuse_cli(*args)
    assert result.returncode == 2
    assert "mockfuse" in result.stderr


def test_check_refuses_a_file_that_is_not_json(seeded, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = mockfuse_cli(
        "check", "--url", seeded.url, "--public-key", seeded.public_key, str(broken)
    )
    assert result.returncode == 2
    assert "is not a JSON snapshot" in result.stderr
