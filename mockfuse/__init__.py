"""mockfuse: a recording mock Langfuse server for testing LLM tracing integrations."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from mockfuse.capture.faults import FaultRule
    from mockfuse.capture.requests import CapturedRequest
    from mockfuse.capture.services import ServerConfig
    from mockfuse.capture.store import Store
    from mockfuse.server import MockfuseServer, make_app
    from mockfuse.testing.tenant import MockfuseTenant

# Where each public name lives. They are imported on first use: pytest loads the plugin
# module in every run of a project that has mockfuse installed, and the server's imports
# (aiohttp above all) should cost only the runs that start one.
_HOMES = {
    "CapturedRequest": "mockfuse.capture.requests",
    "FaultRule": "mockfuse.capture.faults",
    "MockfuseServer": "mockfuse.server",
    "MockfuseTenant": "mockfuse.testing.tenant",
    "ServerConfig": "mockfuse.capture.services",
    "Store": "mockfuse.capture.store",
    "make_app": "mockfuse.server",
}

__all__ = [
    "CapturedRequest",
    "FaultRule",
    "MockfuseServer",
    "MockfuseTenant",
    "ServerConfig",
    "Store",
    "__version__",
    "make_app",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mockfuse' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
