"""``GET /api/public/projects``: the project a key pair belongs to.

SDK 2.x's ``auth_check()`` fails on an empty ``data``; SDK 5.x's model requires
``organization`` and ``metadata`` on each project, so both are always present.
"""

from __future__ import annotations

from aiohttp import web

from mockfuse.api.exchange import Exchange
from mockfuse.api.routing import Access, Routes

routes = Routes()


@routes.get("/api/public/projects", access=Access.ANY_KEY)
async def projects(exchange: Exchange) -> web.Response:
    config = exchange.services.config
    project = {
        "id": config.project_id,
        "name": config.project_name,
        "organization": {"id": "mockfuse-organization", "name": "mockfuse"},
        "metadata": {},
    }
    return exchange.answer(200, {"data": [project]})
