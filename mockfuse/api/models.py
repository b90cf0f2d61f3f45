"""Model definitions: ``GET``/``POST /api/public/models`` and ``GET``/``PUT``/``DELETE
/api/public/models/{id}``. A tenant's own models price its generations before the common
models mockfuse ships, which are listed too (``isLangfuseManaged``) and cannot be changed
(``mockfuse.langfuse.models``)."""

from __future__ import annotations

from aiohttp import web

from mockfuse.api.exchange import Exchange
from mockfuse.api.paging import not_found, paged
from mockfuse.api.routing import Routes
from mockfuse.langfuse.models import ModelError, ModelNotFound

routes = Routes()
PATH = "/api/public/models"


def _define(exchange: Exchange, model_id: str | None = None) -> web.Response:
    spec = exchange.json_body()
    if isinstance(spec, web.Response):
        return spec
    try:
        model = exchange.services.models.add(exchange.tenant, spec, model_id=model_id)
    except ModelError as error:
        return exchange.answer_invalid(str(error), body=spec)
    return exchange.answer(200, model, body=spec)


@routes.get(PATH)
async def list_models(exchange: Exchange) -> web.Response:
    return paged(exchange, exchange.services.models.models(exchange.tenant))


@routes.post(PATH)
async def create_model(exchange: Exchange) -> web.Response:
    return _define(exchange)


@routes.get(PATH + "/{model_id}")
async def get_model(exchange: Exchange) -> web.Response:
    try:
        model = exchange.services.models.get(exchange.tenant, exchange.match("model_id"))
    except ModelNotFound as error:
        return not_found(exchange, str(error))
    return exchange.answer(200, model)


@routes.put(PATH + "/{model_id}")
async def replace_model(exchange: Exchange) -> web.Response:
    return _define(exchange, exchange.match("model_id"))


@routes.delete(PATH + "/{model_id}")
async def delete_model(exchange: Exchange) -> web.Response:
    try:
        exchange.services.models.delete(exchange.tenant, exchange.match("model_id"))
    except ModelNotFound as error:
        return not_found(exchange, str(error))
    return exchange.answer(200, {"message": "Model successfully deleted"})
