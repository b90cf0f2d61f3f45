"""The pytest plugin: a session server, a window of its key pair per test, and snapshots.

Kept thin on purpose: the server, the store, the tenant handle, the test windows and the
snapshot recorder work without pytest; this module wires them to fixtures, options and the
end-of-session report.

An app holds one Langfuse client per process, so every test of a session sends with one key
pair, and each test that uses ``mockfuse`` sees the window of that key open from its setup
to its teardown (``mockfuse.capture.windows`` places every capture). When the test ends, the clients
alive in the process are flushed (``mockfuse.testing.client_flush``) and the window closes. With the
ini option ``mockfuse_autostart``, the server starts before conftest files and test modules
are imported and the ``LANGFUSE_*`` variables name it for the whole session, so clients made
at import time report to it too. Under pytest-xdist each worker runs its own server and
recorder; workers send their snapshot records to the controller, which alone reports unused
files and may delete them.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mockfuse.snapshot.session import SnapshotRecorder, SnapshotsOfTest
from mockfuse.snapshot.volatile import invalid_pattern
from mockfuse.testing.cloud_guard import CloudGuard, blocked_message
from mockfuse.testing.rejection_report import (
    REJECTION_MODES,
    MockfuseRejectionWarning,
    rejections_message,
)

if TYPE_CHECKING:
    from mockfuse.capture.rejections import Rejection
    from mockfuse.capture.windows import Window
    from mockfuse.server import MockfuseServer
    from mockfuse.testing.tenant import MockfuseTenant

RECORDER = pytest.StashKey[SnapshotRecorder]()
CLOUD_GUARD = pytest.StashKey[CloudGuard]()
WORKER_OUTPUT_KEY = "mockfuse_snapshots"
TRUTHY = ("1", "true", "yes", "on")

# The session's one key pair: the same in every test, so a client made once keeps working.
SESSION_PUBLIC_KEY = "pk-lf-mockfuse-session"
SESSION_SECRET_KEY = "sk-lf-mockfuse-session"


class MockfuseSession:
    """The session's server (started at first need) and the environment that names it."""

    def __init__(self) -> None:
        self._server: MockfuseServer | None = None
        self._saved_env: dict[str, str | None] | None = None

    @property
    def started(self) -> bool:
        return self._server is not None

    @property
    def server(self) -> MockfuseServer:
        if self._server is None:
            from mockfuse.server import MockfuseServer  # only runs that use it pay for it

            server = MockfuseServer().start()
            server.services.keyring.register(SESSION_PUBLIC_KEY, SESSION_SECRET_KEY)
            server.services.windows.enable(SESSION_PUBLIC_KEY, started=time.time())
            self._server = server
        return self._server

    def point_environment(self) -> None:
        """``mockfuse_autostart``: the ``LANGFUSE_*`` variables name this server until the
        session ends, whatever the shell held."""
        from mockfuse.testing.tenant import langfuse_env

        env = langfuse_env(self.server.url, SESSION_PUBLIC_KEY, SESSION_SECRET_KEY)
        self._saved_env = {name: os.environ.get(name) for name in env}
        os.environ.update(env)

    @property
    def points_environment(self) -> bool:
        return self._saved_env is not None

    def open_window(self, item: pytest.Item) -> Window:
        return self.server.services.windows.open(SESSION_PUBLIC_KEY, item.nodeid)

    def stop(self) -> None:
        if self._saved_env is not None:
            for name, value in self._saved_env.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            self._saved_env = None
        if self._server is not None:
            self._server.stop()
            # Nothing reads the captures once the server stops, while pytest still collects
            # garbage as it unconfigures, walking every object alive: the session's captures
            # doubled the cost of each such collection (200 tests of an SDK 5.x app).
            self._server.store.clear(all_tenants=True)
            self._server = None


SESSION = pytest.StashKey[MockfuseSession]()
WINDOW = pytest.StashKey["Window"]()
TENANT = pytest.StashKey["MockfuseTenant"]()


def _session(config: pytest.Config) -> MockfuseSession:
    if SESSION not in config.stash:
        config.stash[SESSION] = MockfuseSession()
    return config.stash[SESSION]


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
    parser.addini(
        "mockfuse_volatile",
        type="linelist",
        default=[],
        help="regular expressions of values that change on every run, besides the built-in "
        "rules: each match (its first group, if it has one) becomes an <id:n> placeholder",
    )
    parser.addini(
        "mockfuse_rejections",
        default="fail",
        help="what a test whose clients sent data mockfuse rejected (207 errors, 4xx answers "
        "to writes, unreadable spans, failed media uploads) gets at teardown: fail (default), "
        "warn or ignore",
    )
    parser.addini(
        "mockfuse_block_cloud",
        type="bool",
        default=True,
        help="refuse connections to Langfuse's cloud (*.langfuse.com) from the test process "
        "and fail the test that tried (default: true)",
    )
    parser.addini(
        "mockfuse_autostart",
        type="bool",
        default=False,
        help="start the mockfuse server before conftest files and test modules are imported "
        "and point the LANGFUSE_* variables at it for the whole session, so Langfuse clients "
        "made at import time report to it (default: false)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    # The earliest hook a plugin gets after the ini file is read: before the first conftest
    # (and anything it imports) runs.
    if early_config.getini("mockfuse_autostart"):
        _session(early_config).point_environment()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mockfuse_expect_rejections(*reasons): rejections this test provokes on purpose "
        "(patterns of their reasons; any, with none given) do not fail it",
    )
    if config.getini("mockfuse_rejections") not in REJECTION_MODES:
        raise pytest.UsageError(
            f"mockfuse_rejections must be one of {', '.join(REJECTION_MODES)}, "
            f"not {config.getini('mockfuse_rejections')!r}"
        )
    update = config.getoption("mockfuse_update") or (
        os.environ.get("MOCKFUSE_UPDATE", "").lower() in TRUTHY
    )
    root = config.rootpath / str(config.getini("mockfuse_snapshot_dir"))
    volatile = tuple(config.getini("mockfuse_volatile"))
    problem = invalid_pattern(volatile)
    if problem is not None:
        raise pytest.UsageError(f"mockfuse_volatile: {problem}")
    recorder = config.stash[RECORDER] = SnapshotRecorder(
        root=root, update=update, volatile=volatile
    )
    config.pluginmanager.register(SnapshotReport(config, recorder), "mockfuse-snapshot-report")
    if config.getini("mockfuse_block_cloud"):
        guard = config.stash[CLOUD_GUARD] = CloudGuard()
        guard.install()


def pytest_unconfigure(config: pytest.Config) -> None:
    guard = config.stash.get(CLOUD_GUARD, None)
    if guard is not None:
        guard.uninstall()
    session = config.stash.get(SESSION, None)
    if session is not None and session.started:
        from mockfuse.testing.client_flush import flush_clients

        # What clients made after the last test (a session fixture's teardown) goes out
        # while the server still answers, not at exit to a server that is gone.
        flush_clients()
    if session is not None:
        session.stop()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # The window opens before any fixture runs: an app fixture that sends during setup
    # belongs to this test too.
    if "mockfuse" in getattr(item, "fixturenames", ()):
        item.stash[WINDOW] = _session(item.config).open_window(item)
    guard = item.config.stash.get(CLOUD_GUARD, None)
    if guard is not None:
        guard.take()  # what was refused before this test is no test's


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    try:
        yield  # every fixture's teardown first: an app fixture may still send as it closes
    finally:
        tenant = item.stash.get(TENANT, None)
        mode = item.config.getini("mockfuse_rejections")
        rejected: list[Rejection] = []
        tree = ""
        if tenant is not None:
            from mockfuse.testing.client_flush import flush_clients

            flush_clients()
            rejected = tenant.unexpected_rejections() if mode != "ignore" else []
            if rejected and mode == "warn":
                item.warn(MockfuseRejectionWarning(rejections_message(rejected)))
            tree = tenant.tree() if rejected and mode == "fail" else ""
            tenant.close()
    guard = item.config.stash.get(CLOUD_GUARD, None)
    failures = [blocked_message(host) for host in (guard.take() if guard is not None else [])]
    if rejected and mode == "fail":
        failures.append(rejections_message(rejected, tree))
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


@pytest.fixture(scope="session")
def mockfuse_server(pytestconfig: pytest.Config) -> MockfuseServer:
    """The session's mockfuse server (one per xdist worker), on a free loopback port."""
    return _session(pytestconfig).server


@pytest.fixture
def mockfuse(
    mockfuse_server: MockfuseServer, request: pytest.FixtureRequest
) -> Iterator[MockfuseTenant]:
    """This test's captures: the session's key pair, with the Langfuse environment variables
    set to it and the server, and only what this test's window holds."""
    from mockfuse.testing.tenant import MockfuseTenant

    session = _session(request.config)
    node = request.node
    window = node.stash.get(WINDOW, None)
    if window is None:  # asked for with getfixturevalue, after setup began
        window = node.stash[WINDOW] = session.open_window(node)
    tenant = MockfuseTenant.of_window(
        mockfuse_server.url, mockfuse_server.services, window, SESSION_SECRET_KEY
    )
    tenant.snapshots = SnapshotsOfTest(request.config.stash[RECORDER], node.nodeid)
    for mark in node.iter_markers("mockfuse_expect_rejections"):
        tenant.expect_rejections(*mark.args)
    node.stash[TENANT] = tenant
    if session.points_environment:
        yield tenant
        return
    with pytest.MonkeyPatch.context() as patch:
        for name, value in tenant.env.items():
            patch.setenv(name, value)
        yield tenant


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
