"""The admin API under ``/_mockfuse/``: what test suites in any language read and steer.

Every list takes ``?public_key=PK`` for one tenant; without it, it lists every tenant and
each item names its tenant in ``public_key``. Admin calls are not captured themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from aiohttp import web

from mockfuse.api.exchange import parse_json
from mockfuse.config import SERVICES
from mockfuse.faults import rule_from_spec
from mockfuse.prompts import PromptError, prompt_from_spec
from mockfuse.snapshot import VIEWS, normalized_snapshot
from mockfuse.snapshot.compare import snapshot_text
from mockfuse.store import Store

routes = web.RouteTableDef()

PREFIX = "/_mockfuse"


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.json_response(payload, status=status)


def _bad_request(message: str) -> web.Response:
    return _json({"error": "BadRequest", "message": message}, status=400)


def _listing(request: web.Request, read: Callable[[Store, str | None], list[Any]]) -> web.Response:
    store = request.app[SERVICES].store
    public_key = request.query.get("public_key")
    if public_key is not None:
        return _json({"data": read(store, public_key)})
    data: list[Any] = []
    for key in store.public_keys():
        data.extend({**item, "public_key": key} for item in read(store, key))
    return _json({"data": data})


@routes.get(f"{PREFIX}/requests")
async def list_requests(request: web.Request) -> web.Response:
    return _listing(request, lambda store, key: [r.to_json() for r in store.requests(key)])


@routes.get(f"{PREFIX}/requests/{{seq:\\d+}}")
async def one_request(request: web.Request) -> web.Response:
    captured = request.app[SERVICES].store.request(int(request.match_info["seq"]))
    if captured is None:
        message = f"request {request.match_info['seq']} is not in the request log"
        return _json({"error": "NotFound", "message": message}, status=404)
    return _json(captured.to_json())


@routes.get(f"{PREFIX}/events")
async def list_events(request: web.Request) -> web.Response:
    return _listing(request, Store.events)


@routes.get(f"{PREFIX}/traces")
async def list_traces(request: web.Request) -> web.Response:
    return _listing(request, Store.traces)


@routes.get(f"{PREFIX}/observations")
async def list_observations(request: web.Request) -> web.Response:
    return _listing(request, Store.observations)


@routes.get(f"{PREFIX}/scores")
async def list_scores(request: web.Request) -> web.Response:
    return _listing(request, Store.scores)


@routes.get(f"{PREFIX}/tenants")
async def list_tenants(request: web.Request) -> web.Response:
    store = request.app[SERVICES].store
    tenants = [
        {"public_key": key, **store.counts(key), **store.evicted(key)}
        for key in store.public_keys()
    ]
    return _json({"data": tenants})


@routes.get(f"{PREFIX}/snapshot")
async def snapshot(request: web.Request) -> web.Response:
    """A tenant's normalized captures, byte for byte the snapshot file they would make."""
    public_key = request.query.get("public_key")
    view = request.query.get("view", "traces")
    if public_key is None:
        return _bad_request("public_key is required")
    if view not in VIEWS:
        return _bad_request(f"view must be one of {list(VIEWS)}")
    data = normalized_snapshot(
        request.app[SERVICES].store,
        public_key,
        view=view,
        ignore=request.query.getall("ignore", []),
        keep=request.query.getall("keep", []),
    )
    response = web.Response(text=snapshot_text(data), content_type="application/json")
    if "download" in request.query:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{public_key}-{view}")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@routes.delete(f"{PREFIX}/captures")
async def clear_captures(request: web.Request) -> web.Response:
    store = request.app[SERVICES].store
    public_key = request.query.get("public_key")
    store.clear(public_key, all_tenants=public_key is None)
    return _json({"cleared": public_key if public_key is not None else "all"})


@routes.post(f"{PREFIX}/faults")
async def add_fault(request: web.Request) -> web.Response:
    try:
        rule = rule_from_spec(parse_json(await request.read()))
    except ValueError as error:
        return _bad_request(str(error))
    request.app[SERVICES].faults.add(rule)
    return _json(rule.to_json(), status=201)


@routes.get(f"{PREFIX}/faults")
async def list_faults(request: web.Request) -> web.Response:
    rules = request.app[SERVICES].faults.rules(request.query.get("public_key"))
    return _json({"data": [rule.to_json() for rule in rules]})


@routes.delete(f"{PREFIX}/faults")
async def clear_faults(request: web.Request) -> web.Response:
    request.app[SERVICES].faults.clear(request.query.get("public_key"))
    return _json({"cleared": request.query.get("public_key") or "all"})


@routes.post(f"{PREFIX}/prompts")
async def add_prompt(request: web.Request) -> web.Response:
    """A prompt for one tenant (``public_key``) or, without it, for every tenant."""
    try:
        spec = parse_json(await request.read())
    except ValueError as error:
        return _bad_request(f"body is not JSON: {error}")
    try:
        prompt = prompt_from_spec(request.app[SERVICES].prompts, spec)
    except PromptError as error:
        return _bad_request(str(error))
    return _json(prompt, status=201)
