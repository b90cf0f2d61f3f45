"""The admin API under ``/_mockfuse/``: what test suites in any language read and steer.

A tenant is a public key, or one test's window of the key a pytest session shares (see
``mockfuse.capture.windows``). Every list takes ``?tenant=T`` for one tenant or ``?public_key=PK``
for every tenant of a key; without either, it lists every tenant. Each item names its
``tenant``, ``public_key`` and ``test`` (the node id of the test whose window it is, else
null). Admin calls are not captured themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from aiohttp import web

from mockfuse.api.exchange import SERVICES, parse_json
from mockfuse.capture.faults import rule_from_spec
from mockfuse.capture.rejections import rejections
from mockfuse.capture.services import Services
from mockfuse.langfuse.prompts import PromptError, prompt_from_spec
from mockfuse.snapshot.compare import snapshot_text
from mockfuse.snapshot.of_tenant import normalized_snapshot
from mockfuse.snapshot.views import VIEWS
from mockfuse.snapshot.volatile import invalid_pattern

routes = web.RouteTableDef()

PREFIX = "/_mockfuse"


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.json_response(payload, status=status)


def _bad_request(message: str) -> web.Response:
    return _json({"error": "BadRequest", "message": message}, status=400)


def selected_tenants(request: web.Request) -> list[dict[str, str | None]]:
    """The tenants a request names (``tenant``, or every one of ``public_key``), or all,
    each as ``TestWindows.describe`` names it."""
    services = request.app[SERVICES]
    described = [services.windows.describe(name) for name in services.store.tenants()]
    if "tenant" in request.query:
        wanted = one_tenant(request)
        return [t for t in described if t["tenant"] == wanted] or [
            services.windows.describe(wanted)
        ]
    if "public_key" in request.query:
        key = request.query["public_key"] or None
        return [t for t in described if t["public_key"] == key]
    return described


def one_tenant(request: web.Request) -> str | None:
    """The one tenant a request names: ``tenant``, else ``public_key`` (a key without test
    windows is its own tenant); empty names the tenant of requests with no key."""
    return request.query.get("tenant", request.query.get("public_key")) or None


def _tenant_or_every(request: web.Request) -> str | None:
    """``one_tenant`` when the request names one; None, meaning every tenant, when not."""
    named = "tenant" in request.query or "public_key" in request.query
    return one_tenant(request) if named else None


def _listing(
    request: web.Request, read: Callable[[Services, str | None], list[Any]]
) -> web.Response:
    services = request.app[SERVICES]
    data: list[Any] = []
    for named in selected_tenants(request):
        data.extend({**item, **named} for item in read(services, named["tenant"]))
    return _json({"data": data})


@routes.get(f"{PREFIX}/requests")
async def list_requests(request: web.Request) -> web.Response:
    return _listing(
        request, lambda services, key: [r.to_json() for r in services.store.requests(key)]
    )


@routes.get(f"{PREFIX}/requests/{{seq:\\d+}}")
async def one_request(request: web.Request) -> web.Response:
    captured = request.app[SERVICES].store.request(int(request.match_info["seq"]))
    if captured is None:
        message = f"request {request.match_info['seq']} is not in the request log"
        return _json({"error": "NotFound", "message": message}, status=404)
    return _json(captured.to_json())


@routes.get(f"{PREFIX}/events")
async def list_events(request: web.Request) -> web.Response:
    return _listing(request, lambda services, key: services.store.events(key))


@routes.get(f"{PREFIX}/traces")
async def list_traces(request: web.Request) -> web.Response:
    return _listing(request, Services.shown_traces)


@routes.get(f"{PREFIX}/observations")
async def list_observations(request: web.Request) -> web.Response:
    return _listing(request, Services.shown_observations)


@routes.get(f"{PREFIX}/scores")
async def list_scores(request: web.Request) -> web.Response:
    return _listing(request, lambda services, key: services.store.scores(key))


@routes.get(f"{PREFIX}/rejections")
async def list_rejections(request: web.Request) -> web.Response:
    """What mockfuse rejected of the data clients sent (``mockfuse.capture.rejections``): a
    suite in another language checks its key has none, as the pytest fixture does."""
    return _listing(
        request,
        lambda services, key: [
            {**asdict(rejection), "description": rejection.describe()}
            for rejection in rejections(services.store.requests(key))
        ],
    )


@routes.get(f"{PREFIX}/tenants")
async def list_tenants(request: web.Request) -> web.Response:
    store = request.app[SERVICES].store
    tenants = [
        {**named, **store.counts(named["tenant"]), **store.evicted(named["tenant"])}
        for named in selected_tenants(request)
    ]
    return _json({"data": tenants})


@routes.get(f"{PREFIX}/snapshot")
async def snapshot(request: web.Request) -> web.Response:
    """A tenant's normalized captures, byte for byte the snapshot file they would make."""
    if "tenant" not in request.query and "public_key" not in request.query:
        return _bad_request("tenant (or public_key) is required")
    tenant = one_tenant(request)
    view = request.query.get("view", "traces")
    if view not in VIEWS:
        return _bad_request(f"view must be one of {list(VIEWS)}")
    volatile = request.query.getall("volatile", [])
    problem = invalid_pattern(volatile)
    if problem is not None:
        return _bad_request(f"volatile: {problem}")
    data = normalized_snapshot(
        request.app[SERVICES],
        tenant,
        view=view,
        ignore=request.query.getall("ignore", []),
        keep=request.query.getall("keep", []),
        volatile=volatile,
    )
    response = web.Response(text=snapshot_text(data), content_type="application/json")
    if "download" in request.query:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{tenant}-{view}")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@routes.delete(f"{PREFIX}/captures")
async def clear_captures(request: web.Request) -> web.Response:
    store = request.app[SERVICES].store
    if "tenant" not in request.query and "public_key" not in request.query:
        store.clear(all_tenants=True)
        return _json({"cleared": "all"})
    tenant = one_tenant(request)
    store.clear(tenant)
    return _json({"cleared": tenant})


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
    rules = request.app[SERVICES].faults.rules(_tenant_or_every(request))
    return _json({"data": [rule.to_json() for rule in rules]})


@routes.delete(f"{PREFIX}/faults")
async def clear_faults(request: web.Request) -> web.Response:
    tenant = _tenant_or_every(request)
    request.app[SERVICES].faults.clear(tenant)
    return _json({"cleared": tenant or "all"})


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
