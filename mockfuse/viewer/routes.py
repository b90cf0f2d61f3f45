"""The viewer's routes: its page and assets, one tenant's data, and the live change stream."""

from __future__ import annotations

import asyncio
import contextlib
import json
from functools import partial
from importlib import resources
from typing import Any

from aiohttp import web

from mockfuse.admin import one_tenant
from mockfuse.api.exchange import SERVICES
from mockfuse.capture.requests import CapturedRequest
from mockfuse.capture.services import Services
from mockfuse.capture.store import Store

routes = web.RouteTableDef()

VIEWER_PATH = "/_mockfuse/"
_STATIC = resources.files("mockfuse.viewer") / "static"
_ASSETS = {
    "viewer.js": "text/javascript",
    "viewer.css": "text/css",
}
# Captured data is untrusted: the page renders it as text, and this policy forbids any script
# or style that is not one of the viewer's own files, so a slip could not run one either.
_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# A tenant with thousands of traces stays quick to look at: the page gets the newest ones.
NEWEST_TRACES = 200
NEWEST_REQUESTS = 500
# Under load a capture arrives every millisecond; the page needs to hear of it only so often.
LIVE_INTERVAL = 0.25
LIVE_KEEPALIVE = 15.0


def _asset(name: str, content_type: str) -> web.Response:
    response = web.Response(
        body=(_STATIC / name).read_bytes(),
        content_type=content_type,
        charset="utf-8",
    )
    response.headers["Content-Security-Policy"] = _CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-cache"
    return response


@routes.get("/")
async def root(request: web.Request) -> web.Response:
    raise web.HTTPFound(VIEWER_PATH)


@routes.get("/_mockfuse")
@routes.get(VIEWER_PATH)
async def page(request: web.Request) -> web.Response:
    if request.path != VIEWER_PATH:
        raise web.HTTPFound(VIEWER_PATH)
    return _asset("index.html", "text/html")


@routes.get("/_mockfuse/viewer/data")
async def tenant_data(request: web.Request) -> web.Response:
    """One tenant's traces (newest first, with observations and scores), counts and
    request summaries: everything the page shows of it, in one read."""
    services = request.app[SERVICES]
    store = services.store
    tenant = one_tenant(request)
    # Only the newest are copied out of the store: a viewer left open on a loaded ``serve``
    # reads this after every change.
    traces = services.shown_traces(tenant, newest=NEWEST_TRACES)
    requests = store.requests(tenant)
    return web.json_response(
        {
            **services.windows.describe(tenant),
            "counts": {**store.counts(tenant), **store.evicted(tenant)},
            "traces": traces[::-1],
            "requests": [request_summary(r) for r in requests[::-1][:NEWEST_REQUESTS]],
        }
    )


@routes.get("/_mockfuse/viewer/{name}")
async def asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    content_type = _ASSETS.get(name)
    if content_type is None:
        raise web.HTTPNotFound()
    return _asset(name, content_type)


def request_summary(captured: CapturedRequest) -> dict[str, Any]:
    """What the requests table shows of one request; its whole JSON is one click away."""
    return {
        "seq": captured.seq,
        "received_at": captured.received_at,
        "method": captured.method,
        "path": captured.path,
        "status": captured.status,
        "size": len(captured.raw_body),
        "note": captured.note,
    }


def _tenants(services: Services) -> list[dict[str, Any]]:
    store = services.store
    return [{**services.windows.describe(name), **store.counts(name)} for name in store.tenants()]


def _changed_since(store: Store, generation: int) -> bool:
    return store.generation != generation


@routes.get("/_mockfuse/live")
async def live(request: web.Request) -> web.StreamResponse:
    """Server-sent events: a ``change`` with the tenants' counts after captures arrive."""
    stream = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await stream.prepare(request)
    streams = request.app[_LIVE_STREAMS]
    task = asyncio.current_task()
    assert task is not None
    streams.add(task)
    try:
        await _announce_changes(request.app[SERVICES], stream)
    except ConnectionResetError:  # the tab was closed
        pass
    except asyncio.CancelledError:  # the server is stopping (see _end_live_streams)
        with contextlib.suppress(ConnectionResetError):  # or the tab was closed meanwhile
            await stream.write_eof()
    finally:
        streams.discard(task)
    return stream


async def _announce_changes(services: Services, stream: web.StreamResponse) -> None:
    store = services.store
    seen = -1
    while True:
        if store.generation != seen:
            seen = store.generation
            change = json.dumps({"generation": seen, "tenants": _tenants(services)})
            await stream.write(f"event: change\ndata: {change}\n\n".encode())
            await asyncio.sleep(LIVE_INTERVAL)  # coalesces a burst into one change
        changed = await store.wait_async(partial(_changed_since, store, seen), LIVE_KEEPALIVE)
        if not changed:
            await stream.write(b": keepalive\n\n")


LiveStreams = set["asyncio.Task[Any]"]
_LIVE_STREAMS: web.AppKey[LiveStreams] = web.AppKey("mockfuse_live_streams")


async def _end_live_streams(app: web.Application) -> None:
    # An open viewer tab must not hold a stopping server for its whole shutdown timeout.
    streams = app[_LIVE_STREAMS]
    for task in list(streams):
        task.cancel()


def install(app: web.Application) -> None:
    """Set up the bookkeeping the viewer's live streams need (its ``routes`` are added by
    ``make_app`` with every other route)."""
    streams: LiveStreams = set()
    app[_LIVE_STREAMS] = streams
    app.on_shutdown.append(_end_live_streams)
