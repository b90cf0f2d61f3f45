"""``GET /api/public/projects``: the project a key pair belongs to.

SDK 2.x's ``auth_check()`` fails on an empty ``data``; SDK 5.x's model requires
``organization`` and ``metadata`` on each project, so both are always present.
"""

from __future__ import annotations

from aiohttp import web

from mockfuse.api.exchange import SERVICES, open_exchange

routes = web.RouteTableDef()


@routes.route("*", "/api/public/projects")
async def projects(request: web.Request) -> web.Response:
    exchange = await open_exchange(request, methods=("GET",))
    if isinstance(exchange, web.Response):
        return exchange
    config = request.app[SERVICES].config
    project = {
        "id": config.project_id,
        "name": config.project_name,
        "organization": {"id": "mockfuse-organization", "name": "mockfuse"},
        "metadata": {},
    }
    return exchange.answer(200, {"data": [project]})
