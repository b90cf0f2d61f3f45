"""Annotation queues: ``GET``/``POST /api/public/annotation-queues``, ``GET .../{queueId}``,
its items, ``GET``/``POST .../{queueId}/items`` and ``GET``/``PATCH``/``DELETE
.../{queueId}/items/{itemId}``, and its reviewers, ``POST``/``DELETE .../{queueId}/assignments``
(``mockfuse.langfuse.annotation_queues``)."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from mockfuse.api.exchange import Exchange, open_full_access
from mockfuse.api.paging import not_found, paged
from mockfuse.langfuse.annotation_queues import QueueError, QueueNotFound

routes = web.RouteTableDef()
PREFIX = "/api/public/annotation-queues"


def _answered(
    exchange: Exchange, make: Callable[[], object], *, body: object = None
) -> web.Response:
    """``make()``'s result, or Langfuse's 400 or 404 for what it raised."""
    try:
        result = make()
    except QueueError as error:
        return exchange.answer_invalid(str(error), body=body)
    except QueueNotFound as error:
        return not_found(exchange, str(error), body=body)
    if isinstance(result, list):
        return paged(exchange, result)
    return exchange.answer(200, result, body=body)


@routes.route("*", PREFIX)
async def queues(request: web.Request) -> web.Response:
    exchange = await open_full_access(request, methods=("GET", "POST"))
    if isinstance(exchange, web.Response):
        return exchange
    book = exchange.services.annotation_queues
    if request.method == "GET":
        return _answered(exchange, lambda: book.queues(exchange.tenant))
    spec = exchange.json_body_or_empty()
    if isinstance(spec, web.Response):
        return spec
    configs = exchange.services.score_configs

    def exists(config_id: str) -> bool:
        return configs.get(exchange.tenant, config_id) is not None

    return _answered(exchange, lambda: book.create_queue(exchange.tenant, spec, exists), body=spec)


@routes.route("*", PREFIX + "/{queue_id}")
async def queue(request: web.Request) -> web.Response:
    exchange = await open_full_access(request, methods=("GET",))
    if isinstance(exchange, web.Response):
        return exchange
    book = exchange.services.annotation_queues
    return _answered(exchange, lambda: book.queue(exchange.tenant, request.match_info["queue_id"]))


@routes.route("*", PREFIX + "/{queue_id}/items")
async def items(request: web.Request) -> web.Response:
    exchange = await open_full_access(request, methods=("GET", "POST"))
    if isinstance(exchange, web.Response):
        return exchange
    book = exchange.services.annotation_queues
    queue_id = request.match_info["queue_id"]
    if request.method == "GET":
        status = request.query.get("status")
        return _answered(exchange, lambda: book.items(exchange.tenant, queue_id, status))
    spec = exchange.json_body_or_empty()
    if isinstance(spec, web.Response):
        return spec
    return _answered(exchange, lambda: book.add_item(exchange.tenant, queue_id, spec), body=spec)


@routes.route("*", PREFIX + "/{queue_id}/items/{item_id}")
async def item(request: web.Request) -> web.Response:
    exchange = await open_full_access(request, methods=("GET", "PATCH", "DELETE"))
    if isinstance(exchange, web.Response):
        return exchange
    book = exchange.services.annotation_queues
    tenant, queue_id, item_id = (
        exchange.tenant,
        request.match_info["queue_id"],
        request.match_info["item_id"],
    )
    if request.method == "GET":
        return _answered(exchange, lambda: book.item(tenant, queue_id, item_id))
    if request.method == "DELETE":

        def delete() -> object:
            book.delete_item(tenant, queue_id, item_id)
            return {"success": True, "message": "Item deleted successfully"}

        return _answered(exchange, delete)
    spec = exchange.json_body_or_empty()
    if isinstance(spec, web.Response):
        return spec
    return _answered(exchange, lambda: book.update_item(tenant, queue_id, item_id, spec), body=spec)


@routes.route("*", PREFIX + "/{queue_id}/assignments")
async def assignments(request: web.Request) -> web.Response:
    exchange = await open_full_access(request, methods=("POST", "DELETE"))
    if isinstance(exchange, web.Response):
        return exchange
    book = exchange.services.annotation_queues
    spec = exchange.json_body_or_empty()
    if isinstance(spec, web.Response):
        return spec
    tenant, queue_id = exchange.tenant, request.match_info["queue_id"]
    if request.method == "DELETE":
        return _answered(exchange, lambda: book.unassign(tenant, queue_id, spec), body=spec)
    project_id = exchange.services.config.project_id
    return _answered(exchange, lambda: book.assign(tenant, queue_id, spec, project_id), body=spec)
