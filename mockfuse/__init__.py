"""mockfuse: a recording mock Langfuse server for testing LLM tracing integrations."""

from __future__ import annotations

__version__ = "0.1.0"

from mockfuse.config import ServerConfig
from mockfuse.faults import FaultRule
from mockfuse.server import MockfuseServer, make_app
from mockfuse.store import CapturedRequest, Store
from mockfuse.tenant import MockfuseTenant

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
