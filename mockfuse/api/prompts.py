"""Prompt management: ``GET`` and ``DELETE /api/public/v2/prompts/{name}``, ``POST`` and
``GET`` (the list) ``/api/public/v2/prompts``, the v1 ``/api/public/prompts``, and ``PATCH
/api/public/v2/prompts/{name}/versions/{version}``.

An unknown prompt is a 404 ``LangfuseNotFoundError``, which is what makes an SDK fall back
to the prompt its caller passed as ``fallback``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from mockfuse.api.exchange import Exchange
from mockfuse.api.paging import not_found, paged
from mockfuse.api.routing import Access, Routes
from mockfuse.langfuse.prompts import PromptError, prompt_from_spec

routes = Routes()

# Filters of the prompt list: each keeps the prompts the query value names.
_LIST_FILTERS: dict[str, Callable[[dict[str, Any], str], bool]] = {
    "name": lambda meta, name: meta["name"] == name,
    "label": lambda meta, label: label in meta["labels"],
    "tag": lambda meta, tag: tag in meta["tags"],
}


NOT_FOUND = "Prompt not found"


PROMPTS = "/api/public/v2/prompts"
PROMPT = PROMPTS + "/{name:.+}"
# The name matches across slashes: SDK 5.x URL-encodes a name's slashes, SDK 2.x sends them as
# they are, and both arrive here. A prompt whose name ends in "/versions/2" therefore matches
# VERSION too; GET and DELETE serve it by its whole name there.
VERSION = PROMPT + r"/versions/{version:\d+}"


@routes.patch(VERSION, access=Access.ANY_KEY)
async def update_prompt_version(exchange: Exchange) -> web.Response:
    """``update_prompt``: new labels for one version."""
    spec = exchange.json_body()
    if isinstance(spec, web.Response):
        return spec
    labels = spec.get("newLabels") if isinstance(spec, dict) else None
    if not (isinstance(labels, list) and all(isinstance(label, str) for label in labels)):
        return exchange.answer_invalid("newLabels must be a list of strings", body=spec)
    prompt = exchange.services.prompts.relabel(
        exchange.tenant, exchange.match("name"), int(exchange.match("version")), labels
    )
    if prompt is None:
        return not_found(exchange, NOT_FOUND, body=spec)
    return exchange.answer(200, prompt, body=spec)


def _whole_name(exchange: Exchange) -> str:
    """The prompt name a path names: ``{name}``, or on VERSION, ``{name}/versions/{version}``."""
    name = exchange.match("name")
    version = exchange.request.match_info.get("version")
    return name if version is None else f"{name}/versions/{version}"


@routes.get(PROMPT, access=Access.ANY_KEY)
@routes.get(VERSION, access=Access.ANY_KEY)
async def get_prompt(exchange: Exchange) -> web.Response:
    name = _whole_name(exchange)
    version_text = exchange.query.get("version")
    if version_text is not None and not version_text.isdigit():
        return exchange.answer_invalid("version must be an integer")
    label = exchange.query.get("label")
    prompt = exchange.services.prompts.get(
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


@routes.delete(PROMPT, access=Access.ANY_KEY)
@routes.delete(VERSION, access=Access.ANY_KEY)
async def delete_prompt(exchange: Exchange) -> web.Response:
    """Langfuse's rules: one of ``version`` and ``label`` at most; 404 when nothing matched;
    204 without a body otherwise."""
    version_text = exchange.query.get("version")
    if version_text is not None and not version_text.isdigit():
        return exchange.answer_invalid("version must be an integer")
    label = exchange.query.get("label")
    if version_text is not None and label is not None:
        return exchange.answer_invalid_request("Cannot specify both version and label")
    deleted = exchange.services.prompts.delete(
        exchange.tenant,
        _whole_name(exchange),
        version=int(version_text) if version_text is not None else None,
        label=label,
    )
    if not deleted:
        return not_found(exchange, NOT_FOUND)
    return exchange.answer_empty(204)


@routes.get(PROMPTS, access=Access.ANY_KEY)
async def list_prompts(exchange: Exchange) -> web.Response:
    metas = exchange.services.prompts.listing(exchange.tenant)
    for name, keep in _LIST_FILTERS.items():
        wanted = exchange.query.get(name)
        if wanted is not None:
            metas = [meta for meta in metas if keep(meta, wanted)]
    return paged(exchange, metas)


@routes.post(PROMPTS, access=Access.ANY_KEY)
async def create_prompt(exchange: Exchange) -> web.Response:
    spec = exchange.json_body()
    if isinstance(spec, web.Response):
        return spec
    if isinstance(spec, dict):
        spec.pop("public_key", None)  # a client names only its own tenant
    try:
        prompt = prompt_from_spec(
            exchange.services.prompts,
            spec,
            public_key=exchange.tenant,
            default_labels=(),
            lenient=True,
        )
    except PromptError as error:
        return exchange.answer_invalid(str(error), body=spec)
    return exchange.answer(200, prompt, body=spec)


# The v1 prompts route older SDKs call: ``GET ?name=&version=`` (without a version, the
# production one) and ``POST`` with ``isActive`` (production), each answered with the stored
# row and its ``isActive``.
LEGACY_PROMPTS = "/api/public/prompts"


@routes.get(LEGACY_PROMPTS, access=Access.ANY_KEY)
async def get_legacy_prompt(exchange: Exchange) -> web.Response:
    name = exchange.query.get("name")
    version_text = exchange.query.get("version")
    if not name or (version_text is not None and not version_text.isdigit()):
        return exchange.answer_invalid("name is required; version must be an integer")
    version = int(version_text) if version_text is not None else None
    project_id = exchange.services.config.project_id
    row = exchange.services.prompts.legacy_row(exchange.tenant, name, version, project_id)
    if row is None:
        return not_found(exchange, NOT_FOUND)
    return exchange.answer(200, row)


@routes.post(LEGACY_PROMPTS, access=Access.ANY_KEY)
async def create_legacy_prompt(exchange: Exchange) -> web.Response:
    spec = exchange.json_body()
    if isinstance(spec, web.Response):
        return spec
    if not isinstance(spec, dict) or not isinstance(spec.get("isActive"), bool):
        return exchange.answer_invalid("isActive: Required", body=spec)
    labels = spec.get("labels") or []
    if spec["isActive"] and isinstance(labels, list):
        labels = list(dict.fromkeys([*labels, "production"]))
    prompts = exchange.services.prompts
    try:
        prompt = prompt_from_spec(
            prompts,
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
    project_id = exchange.services.config.project_id
    row = prompts.legacy_row(exchange.tenant, prompt["name"], prompt["version"], project_id)
    return exchange.answer(201, row, body=spec)
