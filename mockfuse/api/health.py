"""``GET /api/public/health``: no authentication, as in Langfuse."""

from __future__ import annotations

import functools
from importlib import metadata

from aiohttp import web

from mockfuse.api.exchange import open_exchange

routes = web.RouteTableDef()


@routes.route("*", "/api/public/health")
async def health(request: web.Request) -> web.Response:
    exchange = await open_exchange(request, methods=("GET",), authenticate=False)
    if isinstance(exchange, web.Response):
        return exchange
    return exchange.answer(200, {"status": "OK", "version": _version()})


@functools.cache
def _version() -> str:
    """mockfuse's own version, where Langfuse answers its own."""
    return metadata.version("mockfuse")
