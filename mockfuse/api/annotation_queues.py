"""Annotation queues: ``GET``/``POST /api/public/annotation-queues``, ``GET .../{queueId}``,
its items, ``GET``/``POST .../{queueId}/items`` and ``GET``/``PATCH``/``DELETE
.../{queueId}/items/{itemId}``, and its reviewers, ``POST``/``DELETE .../{queueId}/assignments``
(``mockfuse.langfuse.annotation_queues``)."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from mockfuse.api.exchange import Exchange
from mockfuse.api.paging import not_found, paged
from mockfuse.api.routing import Routes
from mockfuse.langfuse.annotation_queues import QueueError, QueueNotFound

routes = Routes()
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


def _queue_of(exchange: Exchange) -> tuple[str | None, str]:
    return exchange.tenant, exchange.match("queue_id")


@routes.get(PREFIX)
async def list_queues(exchange: Exchange) -> web.Response:
    book = exchange.services.annotation_queues
    return _answered(exchange, lambda: book.queues(exchange.tenant))


@routes.post(PREFIX)
async def create_queue(exchange: Exchange) -> web.Response:
    spec = exchange.json_body_or_empty()
    if isinstance(spec, web.Response):
        return spec
    book, configs = exchange.services.annotation_queues, exchange.services.score_configs

    def exists(config_id: str) -> bool:
        return configs.get(exchange.tenant, config_id) is not None

    return _answered(exchange, lambda: book.create_queue(exchange.tenant, spec, exists), body=spec)


@routes.get(PREFIX + "/{queue_id}")
async def get_queue(exchange: Exchange) -> web.Response:
    book = exchange.services.annotation_queues
    return _answered(exchange, lambda: book.queue(*_queue_of(exchange)))


@routes.get(PREFIX + "/{queue_id}/items")
async def list_items(exchange: Exchange) -> web.Response:
    book, status = exchange.services.annotation_queues, exchange.query.get("status")
    return _answered(exchange, lambda: book.items(*_queue_of(exchange), status))


@routes.post(PREFIX + "/{queue_id}/items")
async def add_item(exchange: Exchange) -> web.Response:
    spec = exchange.json_body_or_empty()
    if isinstance(spec, web.Response):
        return spec
    book = exchange.services.annotation_queues
    return _answered(exchange, lambda: book.add_item(*_queue_of(exchange), spec), body=spec)


ITEM = PREFIX + "/{queue_id}/items/{item_id}"


def _item_of(exchange: Exchange) -> tuple[str | None, str, str]:
    return (*_queue_of(exchange), exchange.match("item_id"))


@routes.get(ITEM)
async def get_item(exchange: Exchange) -> web.Response:
    book = exchange.services.annotation_queues
    return _answered(exchange, lambda: book.item(*_item_of(exchange)))


@routes.delete(ITEM)
async def delete_item(exchange: Exchange) -> web.Response:
    book = exchange.services.annotation_queues

    def delete() -> object:
        book.delete_item(*_item_of(exchange))
        return {"success": True, "message": "Item deleted successfully"}

    return _answered(exchange, delete)


@routes.patch(ITEM)
async def update_item(exchange: Exchange) -> web.Response:
    spec = exchange.json_body_or_empty()
    if isinstance(spec, web.Response):
        return spec
    book = exchange.services.annotation_queues
    return _answered(exchange, lambda: book.update_item(*_item_of(exchange), spec), body=spec)


@routes.post(PREFIX + "/{queue_id}/assignments")
async def assign(exchange: Exchange) -> web.Response:
    spec = exchange.json_body_or_empty()
    if isinstance(spec, web.Response):
        return spec
    book, (tenant, queue_id) = exchange.services.annotation_queues, _queue_of(exchange)
    project_id = exchange.services.config.project_id
    return _answered(exchange, lambda: book.assign(tenant, queue_id, spec, project_id), body=spec)


@routes.delete(PREFIX + "/{queue_id}/assignments")
async def unassign(exchange: Exchange) -> web.Response:
    spec = exchange.json_body_or_empty()
    if isinstance(spec, web.Response):
        return spec
    book, (tenant, queue_id) = exchange.services.annotation_queues, _queue_of(exchange)
    return _answered(exchange, lambda: book.unassign(tenant, queue_id, spec), body=spec)
