"""Nothing a test run makes leaves for Langfuse's cloud. While mockfuse's pytest plugin is
active, resolving a Langfuse cloud host (``langfuse.com`` or any ``*.langfuse.com``) fails at
once, before a connection is made or a byte sent, with an error that names the host and the
fix; the plugin then fails the test that tried. A client built with a hard-coded cloud host,
or an OTLP exporter given a cloud URL, would otherwise send the run's traces there. Other
hosts are untouched; ``mockfuse_block_cloud = false`` turns the guard off."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Any

CLOUD_DOMAIN = "langfuse.com"


def is_langfuse_cloud(host: Any) -> bool:
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.lower().rstrip(".")
    return name == CLOUD_DOMAIN or name.endswith("." + CLOUD_DOMAIN)


def blocked_message(host: str) -> str:
    return (
        f"mockfuse blocked a connection to {host}: a Langfuse client or OTLP exporter in this "
        "test run points at Langfuse's cloud. Point it at mockfuse instead (mockfuse.url with "
        "mockfuse.public_key and secret_key, or mockfuse.env; mockfuse_autostart = true for "
        "clients made at import), or set mockfuse_block_cloud = false to allow it."
    )


class LangfuseCloudBlocked(ConnectionRefusedError):
    """A connection to Langfuse's cloud refused by mockfuse (an ``OSError``: clients treat it
    as a connection that failed)."""


class CloudGuard:
    """Wraps ``socket.getaddrinfo``, which every HTTP client resolves hosts through, and
    remembers the cloud hosts it refused until ``take`` hands them over."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._blocked: list[str] = []
        self._original: Callable[..., Any] | None = None

    def install(self) -> None:
        if self._original is not None:
            return
        original = self._original = socket.getaddrinfo

        def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if is_langfuse_cloud(host):
                name = host.decode() if isinstance(host, (bytes, bytearray)) else str(host)
                with self._lock:
                    if name not in self._blocked:
                        self._blocked.append(name)
                raise LangfuseCloudBlocked(blocked_message(name))
            return original(host, *args, **kwargs)

        socket.getaddrinfo = guarded_getaddrinfo

    def uninstall(self) -> None:
        if self._original is not None:
            socket.getaddrinfo = self._original
            self._original = None

    def take(self) -> list[str]:
        """The cloud hosts refused since the last call."""
        with self._lock:
            blocked, self._blocked = self._blocked, []
        return blocked
