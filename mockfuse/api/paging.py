"""What every list and lookup of the public API shares: page-numbered lists with Langfuse's
``meta`` and its 404 answer."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from aiohttp import web

from mockfuse.api.exchange import Exchange

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


def bad_query(exchange: Exchange, message: str) -> web.Response:
    return exchange.answer_invalid(message)


def not_found(exchange: Exchange, message: str, *, body: Any = None) -> web.Response:
    """Langfuse's 404; ``body``, the request's decoded body, goes to the request log."""
    return exchange.answer(404, {"error": "LangfuseNotFoundError", "message": message}, body=body)


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


def cursor_paged(
    exchange: Exchange,
    items: list[Any],
    show: Callable[[Any], Any] = lambda item: item,
    *,
    most: int = MAX_LIMIT,
) -> web.Response:
    """The page of ``items`` after the query's ``cursor``, each shown by ``show``, with the
    cursor of the next page in ``meta``; at most ``most`` a page. A cursor is the next page's
    position, opaque to clients."""
    query = exchange.request.query
    try:
        limit = int(query.get("limit", DEFAULT_LIMIT))
        cursor = query.get("cursor")
        start = int(base64.urlsafe_b64decode(cursor.encode()).decode()) if cursor else 0
    except ValueError:
        return bad_query(exchange, "limit must be an integer and cursor one this API returned")
    if not 1 <= limit <= most or start < 0:
        return bad_query(exchange, f"limit must be between 1 and {most}")
    end = start + limit
    following = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else None
    page = [show(item) for item in items[start:end]]
    return exchange.answer(200, {"data": page, "meta": {"limit": limit, "cursor": following}})
