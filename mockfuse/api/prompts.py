"""Prompt management: ``GET`` and ``DELETE /api/public/v2/prompts/{name}``, ``POST`` and
``GET`` (the list)
``/api/public/v2/prompts``, and ``PATCH /api/public/v2/prompts/{name}/versions/{version}``.

An unknown prompt is a 404 ``LangfuseNotFoundError``, which is what makes an SDK fall back
to the prompt its caller passed as ``fallback``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from mockfuse.api.exchange import SERVICES, Exchange, open_exchange
from mockfuse.api.paging import not_found, paged
from mockfuse.langfuse.prompts import PromptError, prompt_from_spec

routes = web.RouteTableDef()

# Filters of the prompt list: each keeps the prompts the query value names.
_LIST_FILTERS: dict[str, Callable[[dict[str, Any], str], bool]] = {
    "name": lambda meta, name: meta["name"] == name,
    "label": lambda meta, label: label in meta["labels"],
    "tag": lambda meta, tag: tag in meta["tags"],
}


def _list_prompts(request: web.Request, exchange: Exchange) -> web.Response:
    metas = request.app[SERVICES].prompts.listing(exchange.tenant)
    for name, keep in _LIST_FILTERS.items():
        wanted = request.query.get(name)
        if wanted is not None:
            metas = [meta for meta in metas if keep(meta, wanted)]
    return paged(exchange, metas)


NOT_FOUND = "Prompt not found"


# PATCH only: a GET of a prompt whose name ends in "/versions/2" still reaches get_prompt.
@routes.route("PATCH", r"/api/public/v2/prompts/{name:.+}/versions/{version:\d+}")
async def update_prompt_version(request: web.Request) -> web.Response:
    """``update_prompt``: new labels for one version. SDK 5.x URL-encodes a name's slashes,
    SDK 2.x sends them as they are; both arrive here."""
    exchange = await open_exchange(request, methods=("PATCH",))
    if isinstance(exchange, web.Response):
        return exchange
    spec = exchange.json_body()
    if isinstance(spec, web.Response):
        return spec
    labels = spec.get("newLabels") if isinstance(spec, dict) else None
    if not (isinstance(labels, list) and all(isinstance(label, str) for label in labels)):
        return exchange.answer_invalid("newLabels must be a list of strings", body=spec)
    prompt = request.app[SERVICES].prompts.relabel(
        exchange.tenant, request.match_info["name"], int(request.match_info["version"]), labels
    )
    if prompt is None:
        return not_found(exchange, NOT_FOUND, body=spec)
    return exchange.answer(200, prompt, body=spec)


@routes.route("*", "/api/public/v2/prompts/{name:.+}")
async def get_or_delete_prompt(request: web.Request) -> web.Response:
    exchange = await open_exchange(request, methods=("GET", "DELETE"))
    if isinstance(exchange, web.Response):
        return exchange
    name = request.match_info["name"]
    version_text = request.query.get("version")
    if version_text is not None and not version_text.isdigit():
        return exchange.answer_invalid("version must be an integer")
    if request.method == "DELETE":
        return _delete_prompt(exchange, name, version_text, request.query.get("label"))
    label = request.query.get("label")
    prompt = request.app[SERVICES].prompts.get(
        exchange.tenant,
        name,
        version=int(version_text) if version_text is not None else None,
        label=label,
    )
    if prompt is None:
        # Langfuse's words, which SDKs log when they fall back.
        wanted = f"version {version_text}" if version_text else f"label '{label or 'production'}'"
        message = f"Prompt not found: '{name}' with {wanted}"
        return not_found(exchange, message)
    return exchange.answer(200, prompt)


def _delete_prompt(
    exchange: Exchange, name: str, version_text: str | None, label: str | None
) -> web.Response:
    """Langfuse's rules: one of ``version`` and ``label`` at most; 404 when nothing matched;
    204 without a body otherwise."""
    if version_text is not None and label is not None:
        return exchange.answer_invalid_request("Cannot specify both version and label")
    deleted = exchange.services.prompts.delete(
        exchange.tenant,
        name,
        version=int(version_text) if version_text is not None else None,
        label=label,
    )
    if not deleted:
        return not_found(exchange, NOT_FOUND)
    return exchange.answer_empty(204)


@routes.route("*", "/api/public/v2/prompts")
async def create_or_list_prompts(request: web.Request) -> web.Response:
    exchange = await open_exchange(request, methods=("POST", "GET"))
    if isinstance(exchange, web.Response):
        return exchange
    if request.method == "GET":
        return _list_prompts(request, exchange)
    spec = exchange.json_body()
    if isinstance(spec, web.Response):
        return spec
    if isinstance(spec, dict):
        spec.pop("public_key", None)  # a client names only its own tenant
    try:
        prompt = prompt_from_spec(
            request.app[SERVICES].prompts,
            spec,
            public_key=exchange.tenant,
            default_labels=(),
            lenient=True,
        )
    except PromptError as error:
        return exchange.answer_invalid(str(error), body=spec)
    return exchange.answer(200, prompt, body=spec)


@routes.route("*", "/api/public/prompts")
async def legacy_prompts(request: web.Request) -> web.Response:
    """The v1 prompts route older SDKs call: ``GET ?name=&version=`` (without a version, the
    production one) and ``POST`` with ``isActive`` (production), each answered with the
    stored row and its ``isActive``."""
    exchange = await open_exchange(request, methods=("GET", "POST"))
    if isinstance(exchange, web.Response):
        return exchange
    services = request.app[SERVICES]
    project_id = services.config.project_id
    if request.method == "GET":
        name = request.query.get("name")
        version_text = request.query.get("version")
        if not name or (version_text is not None and not version_text.isdigit()):
            return exchange.answer_invalid("name is required; version must be an integer")
        version = int(version_text) if version_text is not None else None
        row = services.prompts.legacy_row(exchange.tenant, name, version, project_id)
        if row is None:
            return not_found(exchange, NOT_FOUND)
        return exchange.answer(200, row)
    spec = exchange.json_body()
    if isinstance(spec, web.Response):
        return spec
    if not isinstance(spec, dict) or not isinstance(spec.get("isActive"), bool):
        return exchange.answer_invalid("isActive: Required", body=spec)
    labels = spec.get("labels") or []
    if spec["isActive"] and isinstance(labels, list):
        labels = list(dict.fromkeys([*labels, "production"]))
    try:
        prompt = prompt_from_spec(
            services.prompts,
            # A client names only its own tenant.
            {
                **{key: value for key, value in spec.items() if key != "public_key"},
                "labels": labels,
                "config": spec.get("config") or {},
            },
            public_key=exchange.tenant,
            default_labels=(),
            lenient=True,
        )
    except PromptError as error:
        return exchange.answer_invalid(str(error), body=spec)
    row = services.prompts.legacy_row(
        exchange.tenant, prompt["name"], prompt["version"], project_id
    )
    return exchange.answer(201, row, body=spec)
