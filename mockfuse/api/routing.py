"""Every Langfuse route stated once: its method and path, who may call it, how large a body
it takes, and its handler, which is given the request already opened (``Exchange``).

A resource module declares its routes on a ``Routes`` table::

    routes = Routes()

    @routes.get("/api/public/models/{model_id}")
    async def model(exchange: Exchange) -> web.Response: ...

and the server mounts every table: one aiohttp handler a path, which opens the exchange by
the route's policy (405 for a method the path does not serve, 413, 401, fault rules, each
logged like any answer) and hands it to the route's handler.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from aiohttp import web

from mockfuse.api.exchange import ONE_MEGABYTE, SERVICES, Exchange
from mockfuse.capture.services import ServerConfig
from mockfuse.langfuse.auth import AuthError, Principal

logger = logging.getLogger("mockfuse")


class Access(enum.Enum):
    """Who may call a route."""

    OPEN = "no key needed"  # as Langfuse's health check
    ANY_KEY = "any valid key"  # scores-only keys too: the route judges what they may send
    FULL = "a key with full access"  # a scores-only key is refused with 401


# The members open_exchange compares with, as module globals: reading an enum member as a
# class attribute costs 85 ns on CPython 3.11, a global 10 (timeit), twice a request.
_OPEN, _FULL = Access.OPEN, Access.FULL

Handler = Callable[[Exchange], Awaitable[web.StreamResponse]]
# A body limit in bytes, or one the server's settings give (ingestion's is configurable).
BodyLimit = int | Callable[[ServerConfig], int]
AiohttpHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def server_body_limit(config: ServerConfig) -> int:
    """The body limit ``serve --max-body-size`` sets, which Langfuse keeps for ingestion."""
    return config.max_body_size


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    access: Access = Access.FULL
    limit: BodyLimit = ONE_MEGABYTE

    def body_limit(self, config: ServerConfig) -> int:
        return self.limit(config) if callable(self.limit) else self.limit


class Routes:
    """One resource's routes, in the order they are declared."""

    def __init__(self) -> None:
        self.declared: list[Route] = []

    def route(
        self,
        method: str,
        path: str,
        *,
        access: Access = Access.FULL,
        limit: BodyLimit = ONE_MEGABYTE,
    ) -> Callable[[Handler], Handler]:
        def declare(handler: Handler) -> Handler:
            self.declared.append(Route(method, path, handler, access, limit))
            return handler

        return declare

    def get(
        self, path: str, *, access: Access = Access.FULL, limit: BodyLimit = ONE_MEGABYTE
    ) -> Callable[[Handler], Handler]:
        return self.route("GET", path, access=access, limit=limit)

    def post(
        self, path: str, *, access: Access = Access.FULL, limit: BodyLimit = ONE_MEGABYTE
    ) -> Callable[[Handler], Handler]:
        return self.route("POST", path, access=access, limit=limit)

    def put(
        self, path: str, *, access: Access = Access.FULL, limit: BodyLimit = ONE_MEGABYTE
    ) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, access=access, limit=limit)

    def patch(
        self, path: str, *, access: Access = Access.FULL, limit: BodyLimit = ONE_MEGABYTE
    ) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, access=access, limit=limit)

    def delete(
        self, path: str, *, access: Access = Access.FULL, limit: BodyLimit = ONE_MEGABYTE
    ) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, access=access, limit=limit)


async def open_exchange(
    request: web.Request, route: Route | None, limit: int, methods: Iterable[str]
) -> Exchange | web.Response:
    """An ``Exchange`` ready for ``route``'s handler, or the refusal already answered: 405
    when no route serves the request's method (``methods`` are those the path serves), 413
    for a body past ``limit`` (the route's, in bytes), 401 for a key the route does not
    take, and what a fault rule that stores nothing answers."""
    services = request.app[SERVICES]
    principal: Principal | None = None
    claimed_key: str | None = None
    auth_error: AuthError | None = None
    try:
        principal = services.keyring.authenticate(request.headers.get("Authorization"))
    except AuthError as error:
        auth_error, claimed_key = error, error.public_key

    if route is None:
        exchange = Exchange(request, services, b"", principal, claimed_key)
        return exchange.answer(
            405, {"error": "MethodNotAllowedError", "message": "Method not allowed"}
        )
    raw_body = await _read_body(request, limit)
    exchange = Exchange(request, services, raw_body or b"", principal, claimed_key)
    if raw_body is None:
        return exchange.answer_too_large(limit)
    if route.access is not _OPEN and auth_error is not None:
        return exchange.answer(401, {"error": "UnauthorizedError", "message": auth_error.message})
    rule = services.faults.take(exchange.tenant, exchange.public_key, path=request.path)
    if rule is not None:
        if rule.delay:
            await asyncio.sleep(rule.delay)  # the fault itself: a slow server
        if rule.stores_nothing:
            return exchange.answer_fault(rule)
        exchange.fault = rule
    if route.access is _FULL and principal is not None and principal.scope == "scores":
        # A ``Bearer`` public key may send scores only.
        return exchange.answer(
            401, {"error": "UnauthorizedError", "message": "Access Scope Denied"}
        )
    return exchange


async def _read_body(request: web.Request, limit: int) -> bytes | None:
    """The body, or None when it is larger than ``limit`` (then it is not read to its end)."""
    if request.content_length is not None:
        if request.content_length > limit:
            return None
        content = request.content
        if content.is_eof() and not content.exception():
            # All of it arrived with the headers (a small batch): take it as it is, which
            # costs a fraction of ``read``'s chunk loop.
            return content.read_nowait()
        return await request.read()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(65_536):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def never_a_crash(handler: AiohttpHandler) -> AiohttpHandler:
    """A bug in mockfuse answers 500 with JSON and leaves the server serving. Wrapped around
    each of mockfuse's own routes once, rather than installed as a middleware, which aiohttp
    wraps anew for every request (Langfuse's routes have it built in: ``serving``)."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except (web.HTTPException, asyncio.CancelledError, ConnectionResetError):
            raise
        except Exception:
            return _crashed(request)

    return guarded


def _crashed(request: web.Request) -> web.Response:
    logger.exception("mockfuse failed on %s %s", request.method, request.path)
    return web.json_response({"error": "Internal Server Error"}, status=500)


def serving(by_method: dict[str, Route], config: ServerConfig) -> AiohttpHandler:
    """The aiohttp handler of one path: the route of the request's method, opened by its
    policy, or the 405 that a method the path does not serve gets; a bug answers 500 as
    ``never_a_crash`` does (built in rather than wrapped: one coroutine less a request)."""
    methods = tuple(by_method)
    limits = {method: route.body_limit(config) for method, route in by_method.items()}

    async def serve(request: web.Request) -> web.StreamResponse:
        try:
            method = request.method
            route = by_method.get(method)
            exchange = await open_exchange(request, route, limits.get(method, 0), methods)
            if not isinstance(exchange, Exchange):  # cheaper than against web.Response, an ABC
                return exchange
            assert route is not None  # a method no route serves was answered 405
            return await route.handler(exchange)
        except (web.HTTPException, asyncio.CancelledError, ConnectionResetError):
            raise
        except Exception:
            return _crashed(request)

    return serve


def path_handlers(
    tables: Iterable[Routes], config: ServerConfig
) -> list[tuple[str, AiohttpHandler]]:
    """One handler a path, for every route of ``tables``, paths in the order first declared;
    body limits as ``config`` sets them."""
    paths: dict[str, dict[str, Route]] = {}
    for table in tables:
        for route in table.declared:
            served = paths.setdefault(route.path, {})
            if route.method in served:
                raise ValueError(f"{route.method} {route.path} is declared twice")
            served[route.method] = route
    return [(path, serving(by_method, config)) for path, by_method in paths.items()]
