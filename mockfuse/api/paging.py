"""What every list and lookup of the public API shares: page-numbered lists with Langfuse's
``meta`` and its 404 answer."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from mockfuse.api.exchange import Exchange

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


def bad_query(exchange: Exchange, message: str) -> web.Response:
    return exchange.answer(400, {"message": "Invalid request data", "errors": [message]})


def not_found(exchange: Exchange, message: str) -> web.Response:
    return exchange.answer(404, {"error": "LangfuseNotFoundError", "message": message})


def _page(exchange: Exchange) -> tuple[int, int] | web.Response:
    query = exchange.request.query
    try:
        page = int(query.get("page", 1))
        limit = int(query.get("limit", DEFAULT_LIMIT))
    except ValueError:
        return bad_query(exchange, "page and limit must be integers")
    if page < 1 or not 1 <= limit <= MAX_LIMIT:
        return bad_query(exchange, f"page must be at least 1 and limit between 1 and {MAX_LIMIT}")
    return page, limit


def paged(exchange: Exchange, items: list[Any]) -> web.Response:
    """The page of ``items`` the query's ``page`` and ``limit`` ask for, with ``meta``."""
    paging = _page(exchange)
    if isinstance(paging, web.Response):
        return paging
    page, limit = paging
    meta = {
        "page": page,
        "limit": limit,
        "totalItems": len(items),
        "totalPages": -(-len(items) // limit),
    }
    return exchange.answer(200, {"data": items[(page - 1) * limit : page * limit], "meta": meta})
