"""The pytest plugin: a session server, a per-test tenant, and the snapshot options.

Kept thin on purpose: the server, the store and the tenant handle work without pytest; this
module only wires them to fixtures, options and the end-of-session report.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockfuse.server import MockfuseServer
from mockfuse.tenant import MockfuseTenant


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockfuse", "mockfuse: a recording mock Langfuse server")
    group.addoption(
        "--mockfuse-update",
        action="store_true",
        default=False,
        help="write mockfuse snapshot files instead of comparing with them",
    )
    parser.addini(
        "mockfuse_snapshot_dir",
        default="snapshots",
        help="folder of mockfuse snapshot files, relative to the rootdir",
    )


@pytest.fixture(scope="session")
def mockfuse_server() -> Iterator[MockfuseServer]:
    """One mockfuse server for the session (one per xdist worker), on a free loopback port."""
    with MockfuseServer() as server:
        yield server


@pytest.fixture
def mockfuse(
    mockfuse_server: MockfuseServer, request: pytest.FixtureRequest
) -> Iterator[MockfuseTenant]:
    """This test's tenant: unique keys, and the Langfuse environment variables set to them."""
    tenant = MockfuseTenant.create(mockfuse_server, label=request.node.name)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in tenant.env.items():
            patch.setenv(name, value)
        yield tenant
    tenant.close()
