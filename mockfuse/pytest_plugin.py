"""The pytest plugin: a session server, a per-test tenant, and snapshot bookkeeping.

Kept thin on purpose: the server, the store, the tenant handle and the snapshot recorder
work without pytest; this module wires them to fixtures, options and the end-of-session
report. Under pytest-xdist each worker runs its own server and recorder; workers send their
snapshot records to the controller, which alone reports unused files and may delete them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mockfuse.snapshot.session import SnapshotRecorder, SnapshotsOfTest

if TYPE_CHECKING:
    from mockfuse.server import MockfuseServer
    from mockfuse.tenant import MockfuseTenant

RECORDER = pytest.StashKey[SnapshotRecorder]()
WORKER_OUTPUT_KEY = "mockfuse_snapshots"
TRUTHY = ("1", "true", "yes", "on")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockfuse", "mockfuse: a recording mock Langfuse server")
    group.addoption(
        "--mockfuse-update",
        action="store_true",
        default=False,
        help="write mockfuse snapshot files instead of comparing with them "
        "(also MOCKFUSE_UPDATE=1); on a full run, delete unused ones",
    )
    parser.addini(
        "mockfuse_snapshot_dir",
        default="snapshots",
        help="folder of mockfuse snapshot files, relative to the rootdir (default: snapshots)",
    )


def pytest_configure(config: pytest.Config) -> None:
    update = config.getoption("mockfuse_update") or (
        os.environ.get("MOCKFUSE_UPDATE", "").lower() in TRUTHY
    )
    root = config.rootpath / str(config.getini("mockfuse_snapshot_dir"))
    recorder = config.stash[RECORDER] = SnapshotRecorder(root=root, update=update)
    config.pluginmanager.register(SnapshotReport(config, recorder), "mockfuse-snapshot-report")


@pytest.fixture(scope="session")
def mockfuse_server() -> Iterator[MockfuseServer]:
    """One mockfuse server for the session (one per xdist worker), on a free loopback port."""
    from mockfuse.server import MockfuseServer  # only runs that use it pay for its imports

    with MockfuseServer() as server:
        yield server


@pytest.fixture
def mockfuse(
    mockfuse_server: MockfuseServer, request: pytest.FixtureRequest
) -> Iterator[MockfuseTenant]:
    """This test's tenant: unique keys, and the Langfuse environment variables set to them."""
    from mockfuse.tenant import MockfuseTenant

    tenant = MockfuseTenant.create(mockfuse_server, label=request.node.name)
    tenant.snapshots = SnapshotsOfTest(request.config.stash[RECORDER], request.node.nodeid)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in tenant.env.items():
            patch.setenv(name, value)
        yield tenant
    tenant.close()


class SnapshotReport:
    """What the session learns about itself, for the end-of-session snapshot report."""

    def __init__(self, config: pytest.Config, recorder: SnapshotRecorder) -> None:
        self.config = config
        self.recorder = recorder
        self.deselected = 0
        self.collect_errors = 0
        self.is_worker = hasattr(config, "workerinput")

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors += 1

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped:
            self.recorder.skipped.add(report.nodeid)

    def is_full_run(self, session: pytest.Session) -> bool:
        """Whether every test of the project was collected and ran: only then can a snapshot
        file that no test used be called unused."""
        option = self.config.option
        if option.keyword or option.markexpr or getattr(option, "lf", False):
            return False
        if getattr(option, "stepwise", False) or self.deselected or self.collect_errors:
            return False
        if session.shouldstop or session.shouldfail:
            return False
        if self.config.args_source == pytest.Config.ArgsSource.ARGS:
            rootpath = self.config.rootpath
            whole = {rootpath.resolve()} | {
                (rootpath / path).resolve() for path in self.config.getini("testpaths")
            }
            return all(Path(arg).resolve() in whole for arg in self.config.args)
        return True

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.is_worker:
            record = self.recorder.to_json()
            record["deselected"] = self.deselected
            record["collect_errors"] = self.collect_errors
            self.config.workeroutput[WORKER_OUTPUT_KEY] = json.dumps(record)  # type: ignore[attr-defined]

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """xdist controller: fold a finished worker's snapshot record into the session's."""
        output = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY)
        if output is None:
            return
        record = json.loads(output)
        self.recorder.merge(record)
        self.deselected += record["deselected"]
        self.collect_errors += record["collect_errors"]

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.is_worker:
            return
        recorder = self.recorder
        session = terminalreporter._session
        unused = recorder.unused() if session is not None and self.is_full_run(session) else None
        if not any(recorder.counts.values()) and not unused:
            return
        terminalreporter.write_line(recorder.summary(unused))
        if not unused:
            return
        if recorder.update:
            for path in unused:
                path.unlink()
            terminalreporter.write_line(f"mockfuse: deleted {len(unused)} unused snapshot file(s):")
        else:
            terminalreporter.write_line(
                "mockfuse: snapshot files no test used "
                "(a full run with --mockfuse-update deletes them):"
            )
        for path in unused:
            terminalreporter.write_line(f"  {recorder.relative(path)}")
