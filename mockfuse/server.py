"""The aiohttp application, and ``MockfuseServer``, which runs it in a background thread.

``MockfuseServer`` needs no pytest: any test harness, script or notebook can start one on a
free port, point clients at ``url`` and read what arrived.
"""

from __future__ import annotations

import asyncio
import hmac
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from aiohttp import web
from yarl import URL

from mockfuse import admin, event_loop, viewer
from mockfuse.api import (
    annotation_queues,
    comments,
    datasets,
    experiments,
    health,
    ingestion,
    media,
    metrics,
    models,
    observations,
    otel,
    projects,
    prompts,
    score_configs,
    scores,
    sessions,
    traces,
)
from mockfuse.api.exchange import ONE_MEGABYTE, SERVICES, Exchange
from mockfuse.api.paging import not_found
from mockfuse.api.routing import Access, Route, never_a_crash, open_exchange, path_handlers
from mockfuse.capture.services import ServerConfig, Services
from mockfuse.capture.store import Store
from mockfuse.testing.tenant import MockfuseTenant

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _add_routes(app: web.Application, table: web.RouteTableDef) -> None:
    """mockfuse's own routes (admin API, viewer, blob storage's stand-ins): plain aiohttp."""
    for route in table:
        assert isinstance(route, web.RouteDef)
        handler = never_a_crash(route.handler)
        app.router.add_route(route.method, route.path, handler, **route.kwargs)


# Langfuse's routes, one module a resource: health and projects first, ingestion next, as
# clients call them.
LANGFUSE_ROUTES = (
    health.routes,
    projects.routes,
    ingestion.routes,
    otel.routes,
    scores.routes,
    prompts.routes,
    media.routes,
    datasets.routes,
    experiments.routes,
    models.routes,
    score_configs.routes,
    comments.routes,
    annotation_queues.routes,
    traces.routes,
    observations.routes,
    sessions.routes,
    metrics.routes,
)


# Presigned media URLs carry their own permission, as blob storage does.
_OPEN_ADMIN_PATHS = ("/_mockfuse/uploads/", "/_mockfuse/media/")


ADMIN_COOKIE = "mockfuse_admin_token"


@web.middleware
async def _admin_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    """With ``--admin-token``, the admin API wants ``Authorization: Bearer <token>``.

    A browser cannot send that header, so the viewer's page also takes ``?token=`` once and
    keeps it in a cookie that only the admin paths receive.
    """
    token = request.app[SERVICES].config.admin_token
    assert token is not None  # installed only with a token
    if not request.path.startswith("/_mockfuse") or request.path.startswith(_OPEN_ADMIN_PATHS):
        return await handler(request)
    given = request.headers.get("Authorization", "")
    from_page = request.path == viewer.VIEWER_PATH and "token" in request.query
    if from_page:
        given = f"Bearer {request.query['token']}"
    elif ADMIN_COOKIE in request.cookies:
        given = f"Bearer {request.cookies[ADMIN_COOKIE]}"
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        message = "the admin API needs Authorization: Bearer <admin token>"
        return web.json_response({"error": "UnauthorizedError", "message": message}, status=401)
    response = await handler(request)
    if from_page:
        response.set_cookie(
            ADMIN_COOKIE, token, path="/_mockfuse", httponly=True, samesite="Strict"
        )
    return response


async def _not_served(exchange: Exchange) -> web.Response:
    request = exchange.request
    return not_found(exchange, f"mockfuse does not serve {request.method} {request.path}")


# Any method on any other path: logged like any request, so a test sees which call its client
# made that mockfuse does not serve.
_UNSERVED = Route("*", "/{tail:.*}", _not_served, access=Access.OPEN)


async def _unknown_route(request: web.Request) -> web.StreamResponse:
    served = await _served_without_trailing_slash(request)  # before the body is read
    exchange = await open_exchange(request, _UNSERVED, ONE_MEGABYTE, (request.method,))
    if not isinstance(exchange, Exchange):
        return exchange
    if served is not None:
        # As Langfuse (Next.js, with its default trailingSlash) answers: a permanent
        # redirect to the route without the slash, which keeps the method, body and query.
        return exchange.answer_empty(308, headers={"Location": str(served)})
    return await _UNSERVED.handler(exchange)


async def _served_without_trailing_slash(request: web.Request) -> URL | None:
    path = request.path
    if not path.endswith("/") or path == "/":
        return None
    target = URL.build(path=path.rstrip("/"), query_string=request.rel_url.query_string)
    match = await request.app.router.resolve(request.clone(rel_url=target))
    handler = getattr(match.handler, "__wrapped__", match.handler)  # see _never_a_crash
    if match.http_exception is not None or handler is _unknown_route:
        return None
    return target


def make_app(
    config: ServerConfig | None = None, *, services: Services | None = None
) -> web.Application:
    """The mockfuse application, for ``web.run_app`` or an ``AppRunner``."""
    services = services or Services(config or ServerConfig())
    # Without an admin token there is nothing to check: no middleware on the hot path for it.
    app = web.Application(
        client_max_size=max(services.config.max_body_size, ONE_MEGABYTE),
        middlewares=[_admin_token] if services.config.admin_token is not None else [],
    )
    app[SERVICES] = services
    for path, handler in path_handlers(LANGFUSE_ROUTES, services.config):
        app.router.add_route("*", path, handler)
    for table in (media.blob_routes, admin.routes, viewer.routes):
        _add_routes(app, table)
    viewer.install(app)
    app.router.add_route("*", "/{tail:.*}", never_a_crash(_unknown_route))
    return app


def base_url(host: str, port: int) -> str:
    """The URL clients use; a wildcard bind address is reached through loopback."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


async def start_site(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Serve ``app`` on ``host:port`` (0 picks a free port); answers the runner and the port."""
    header_limit = app[SERVICES].config.max_header_size
    # Bodies are inflated by the routes themselves, within their size limits: aiohttp's own
    # decompression would inflate a gzip bomb before any route could refuse it.
    runner = web.AppRunner(
        app,
        access_log=None,
        handle_signals=False,
        shutdown_timeout=2.0,
        auto_decompress=False,
        max_line_size=header_limit,
        max_field_size=header_limit,
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_address=True)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    bound = runner.addresses[0][1]
    return runner, int(bound)


class MockfuseServer:
    """A mockfuse server in a background thread::

    with MockfuseServer() as server:
        tenant = server.tenant()
        ...  # point a client at tenant.env
        tenant.wait_for(events=2)
    """

    def __init__(self, config: ServerConfig | None = None, **settings: Any) -> None:
        if config is None:
            config = ServerConfig(**settings)
        elif settings:
            raise TypeError("pass either a ServerConfig or keyword settings, not both")
        self.services = Services(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    @property
    def config(self) -> ServerConfig:
        return self.services.config

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the server is not running; call start() first")
        return self._port

    @property
    def url(self) -> str:
        return base_url(self.config.host, self.port)

    def start(self) -> MockfuseServer:
        if self._thread is not None:
            return self
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = event_loop.new_loop()
            asyncio.set_event_loop(loop)
            try:
                app = make_app(services=self.services)
                runner, self._port = loop.run_until_complete(
                    start_site(app, self.config.host, self.config.port)
                )
            except BaseException as error:
                failure.append(error)
                loop.close()
                ready.set()
                return
            self._loop = loop
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(runner.cleanup())
                loop.close()

        self._thread = threading.Thread(target=serve, name="mockfuse-server", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._thread = None
        self._loop = None
        self._port = None

    def __enter__(self) -> MockfuseServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def tenant(
        self, public_key: str | None = None, secret_key: str | None = None
    ) -> MockfuseTenant:
        """A handle on one tenant; fresh keys unique to it unless given."""
        return MockfuseTenant.create(
            self.url, self.services, public_key=public_key, secret_key=secret_key
        )
