"""The snapshot workflow as users run it: pytest sessions in a scratch project (pytester)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# A conftest for scratch projects: posts events the way any client would, over HTTP.
POSTING_CONFTEST = """
import base64, json, urllib.request

def post(mockfuse, *events):
    request = urllib.request.Request(
        mockfuse.url + "/api/public/ingestion",
        data=json.dumps({"batch": list(events)}).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Basic " +
                 base64.b64encode(f"{mockfuse.public_key}:{mockfuse.secret_key}".encode()).decode()},
    )
    urllib.request.urlopen(request).read()

def trace(trace_id, name, **body):
    return {"id": "e-" + trace_id, "type": "trace-create", "timestamp": "2026-11-27T10:00:00Z",
            "body": {"id": trace_id, "name": name, **body}}
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def snapshot_files(pytester: pytest.Pytester) -> list[str]:
    root = pytester.path / "snapshots"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def scratch(pytester, monkeypatch):
    monkeypatch.delenv("MOCKFUSE_UPDATE", raising=False)
    pytester.makeconftest(POSTING_CONFTEST)
    pytester.makeini("[pytest]\ntestpaths = .\nasyncio_default_fixture_loop_scope = function\n")
    return pytester


def test_a_missing_snapshot_fails_with_the_command_that_creates_it(scratch):
    scratch.makepyfile(
        test_app="""
        from conftest import post, trace

        def test_logs(mockfuse):
            post(mockfuse, trace("t1", "checkout"))
            mockfuse.assert_snapshot()
        """
    )
    result = run(scratch)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*mockfuse snapshot snapshots/test_app/test_logs.json does not exist.",
            "*Create it with:",
            "*pytest --mockfuse-update test_app.py::test_logs",
            "mockfuse snapshots: 0 written, 0 updated, 1 failed, 0 passed, 0 unused",
        ]
    )
    assert snapshot_files(scratch) == []


def test_update_mode_writes_then_compares_and_the_env_var_works_too(scratch, monkeypatch):
    scratch.makepyfile(
        test_app="""
        from conftest import post, trace

        def test_logs(mockfuse):
            post(mockfuse, trace("t1", "checkout"), trace("t2", "refund"))
            mockfuse.assert_snapshot()
            mockfuse.assert_snapshot("events", view="events")
        """
    )
    run(scratch, "--mockfuse-update").stdout.fnmatch_lines(
        ["mockfuse snapshots: 2 written, 0 updated, *"]
    )
    assert snapshot_files(scratch) == ["test_app/test_logs.events.json", "test_app/test_logs.json"]
    saved = json.loads((scratch.path / "snapshots/test_app/test_logs.json").read_text())
    assert [(t["id"], t["name"]) for t in saved] == [
        ("<trace:1>", "checkout"),
        ("<trace:2>", "refund"),
    ]

    run(scratch).stdout.fnmatch_lines(
        ["mockfuse snapshots: 0 written, 0 updated, 0 failed, 2 passed, 0 unused"]
    )

    (scratch.path / "test_app.py").write_text(
        (scratch.path / "test_app.py").read_text().replace('"refund"', '"refunds"')
    )
    monkeypatch.setenv("MOCKFUSE_UPDATE", "1")
    run(scratch).stdout.fnmatch_lines(
        ["mockfuse snapshots: 0 written, 2 updated, 0 failed, 0 passed, 0 unused"]
    )
    assert "refunds" in (scratch.path / "snapshots/test_app/test_logs.json").read_text()


def test_several_named_snapshots_per_test_and_no_name_twice(scratch):
    scratch.makepyfile(
        test_app="""
        import pytest
        from conftest import post, trace

        def test_steps(mockfuse):
            post(mockfuse, trace("t1", "first"))
            mockfuse.assert_snapshot("after-first")
            post(mockfuse, trace("t2", "second"))
            mockfuse.assert_snapshot("after-second")
            mockfuse.assert_snapshot()
            mockfuse.assert_snapshot()
            with pytest.raises(ValueError, match="used twice"):
                mockfuse.assert_snapshot("after-first")
        """
    )
    run(scratch, "--mockfuse-update").assert_outcomes(passed=1)
    assert snapshot_files(scratch) == [
        "test_app/test_steps.2.json",
        "test_app/test_steps.after-first.json",
        "test_app/test_steps.after-second.json",
        "test_app/test_steps.json",
    ]


def test_unused_files_are_listed_after_a_full_run_and_deleted_only_by_a_full_update(scratch):
    scratch.makepyfile(
        test_app="""
        import pytest
        from conftest import post, trace

        def test_one(mockfuse):
            post(mockfuse, trace("t1", "one"))
            mockfuse.assert_snapshot()

        def test_two(mockfuse):
            post(mockfuse, trace("t2", "two"))
            mockfuse.assert_snapshot()

        @pytest.mark.skip(reason="its snapshot must survive")
        def test_skipped(mockfuse):
            mockfuse.assert_snapshot()
        """
    )
    run(scratch, "--mockfuse-update").assert_outcomes(passed=2, skipped=1)
    stale = scratch.path / "snapshots/test_app/test_removed_long_ago.json"
    skipped = scratch.path / "snapshots/test_app/test_skipped.json"
    for path in (stale, skipped):
        path.write_text("[]\n")

    for partial in (
        ["-k", "one"],
        ["test_app.py"],
        ["test_app.py::test_one"],
        ["-n", "2", "-k", "two"],
    ):
        result = run(scratch, "--mockfuse-update", *partial)
        result.stdout.fnmatch_lines(["mockfuse snapshots: *unused not checked (partial run)"])
        assert stale.exists(), partial

    listed = run(scratch)
    listed.stdout.fnmatch_lines(
        [
            "mockfuse snapshots: 0 written, 0 updated, 0 failed, 2 passed, 1 unused",
            "mockfuse: snapshot files no test used "
            "(a full run with --mockfuse-update deletes them):",
            "  snapshots/test_app/test_removed_long_ago.json",
        ]
    )
    assert stale.exists()

    deleted = run(scratch, "--mockfuse-update", "-n", "2")
    deleted.stdout.fnmatch_lines(["*1 unused", "mockfuse: deleted 1 unused snapshot file(s):"])
    assert not stale.exists()
    assert skipped.exists()


def test_parallel_workers_write_every_file_whole(scratch):
    scratch.makepyfile(
        test_many="""
        import pytest
        from conftest import post, trace

        @pytest.mark.parametrize("n", range(24))
        def test_case(mockfuse, n):
            traces = [trace(f"t{i}", f"name-{n}-{i}", input={"pad": "x" * 2000}) for i in range(5)]
            post(mockfuse, *traces)
            for view in ("traces", "events", "requests"):
                mockfuse.assert_snapshot(view, view=view)
        """
    )
    result = run(scratch, "-n", "2", "--mockfuse-update")
    result.assert_outcomes(passed=24)
    result.stdout.fnmatch_lines(
        ["mockfuse snapshots: 72 written, 0 updated, 0 failed, 0 passed, 0 unused"]
    )
    files = list((scratch.path / "snapshots").rglob("*"))
    assert len([f for f in files if f.is_file()]) == 72
    for path in files:
        if path.is_file():
            assert len(json.loads(path.read_text())) == 5 or path.name.endswith("requests.json")
    again = run(scratch, "-n", "2")
    again.stdout.fnmatch_lines(
        ["mockfuse snapshots: 0 written, 0 updated, 0 failed, 72 passed, 0 unused"]
    )


SDK_WORKLOAD_TEST = f"""
import os, sys
sys.path.insert(0, {str(PROJECT_ROOT)!r})
from tests.support.client_envs import run_client

def test_sdk_workload(mockfuse):
    variant = os.environ.get("VARIANT", "base")
    run_client("lf2", "lf2_sdk_workload.py", mockfuse.env, variant)
    print("TRACE-ID", [t["id"] for t in mockfuse.traces if t["name"] == "qa-pipeline"])
    mockfuse.assert_snapshot()
"""


SNAPSHOT = "snapshots/test_sdk/test_sdk_workload.json"


@pytest.mark.clients
def test_a_real_sdk_run_stays_green_and_every_real_change_is_red(scratch, monkeypatch):
    scratch.makepyfile(test_sdk=SDK_WORKLOAD_TEST)
    run(scratch, "--mockfuse-update").assert_outcomes(passed=1)

    trace_ids = set()
    for _ in range(3):
        result = run(scratch, "-s")
        result.assert_outcomes(passed=1)
        trace_ids.update(re.findall(r"TRACE-ID \['([^']+)'\]", result.stdout.str()))
    assert len(trace_ids) == 3  # fresh ids every run, and the snapshot still holds

    expectations = {
        "renamed": [
            '*changed  1(qa-pipeline).observations.1(llm-call-v2).name: "llm-call" -> "llm-call-v2"'
        ],
        "moved": [
            "*added    1(qa-pipeline).observations.1(embed-query): actual has*",
            "*removed  1(qa-pipeline).observations.3(retrieval).children: expected*",
            "*(4 id placeholder(s) renumbered or moved as a result)",
        ],
        "missing-trace": ["*removed  0(feedback): expected*"],
        "extra-trace": ["*added    0(audit): actual has*"],
    }
    for variant, lines in expectations.items():
        monkeypatch.setenv("VARIANT", variant)
        result = run(scratch)
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(
            [
                f"*difference(s) between expected ({SNAPSHOT}) and actual:",
                *lines,
            ]
        )
        result.stdout.fnmatch_lines([f"*--- expected ({SNAPSHOT})", "*+++ actual"])
        result.stdout.fnmatch_lines(["*pytest --mockfuse-update test_sdk.py::test_sdk_workload"])
