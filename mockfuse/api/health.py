"""``GET /api/public/health``: no authentication, as in Langfuse."""

from __future__ import annotations

import functools
from importlib import metadata

from aiohttp import web

from mockfuse.api.exchange import Exchange
from mockfuse.api.routing import Access, Routes

routes = Routes()


@routes.get("/api/public/health", access=Access.OPEN)
async def health(exchange: Exchange) -> web.Response:
    return exchange.answer(200, {"status": "OK", "version": _version()})


@functools.cache
def _version() -> str:
    """mockfuse's own version, where Langfuse answers its own (as installed: a source tree
    run without installing has none to tell)."""
    try:
        return metadata.version("mockfuse")
    except metadata.PackageNotFoundError:
        return "unknown"
