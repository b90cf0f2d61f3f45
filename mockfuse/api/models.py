"""Model definitions: ``GET``/``POST /api/public/models`` and ``GET``/``PUT``/``DELETE
/api/public/models/{id}``. A tenant's own models price its generations before the common
models mockfuse ships, which are listed too (``isLangfuseManaged``) and cannot be changed."""

from __future__ import annotations

from aiohttp import web

from mockfuse.api.exchange import Exchange, open_full_access
from mockfuse.api.paging import not_found, paged
from mockfuse.langfuse.models import ModelBook, ModelError, ModelNotFound

routes = web.RouteTableDef()


def _define(exchange: Exchange, book: ModelBook, model_id: str | None = None) -> web.Response:
    spec = exchange.json_body()
    if isinstance(spec, web.Response):
        return spec
    try:
        model = book.add(exchange.tenant, spec, model_id=model_id)
    except ModelError as error:
        return exchange.answer_invalid(str(error), body=spec)
    return exchange.answer(200, model, body=spec)


@routes.route("*", "/api/public/models")
async def models(request: web.Request) -> web.Response:
    exchange = await open_full_access(request, methods=("GET", "POST"))
    if isinstance(exchange, web.Response):
        return exchange
    book = exchange.services.models
    if request.method == "POST":
        return _define(exchange, book)
    return paged(exchange, book.models(exchange.tenant))


@routes.route("*", "/api/public/models/{model_id}")
async def model(request: web.Request) -> web.Response:
    exchange = await open_full_access(request, methods=("GET", "PUT", "DELETE"))
    if isinstance(exchange, web.Response):
        return exchange
    book = exchange.services.models
    model_id = request.match_info["model_id"]
    if request.method == "PUT":
        return _define(exchange, book, model_id)
    try:
        if request.method == "DELETE":
            book.delete(exchange.tenant, model_id)
            return exchange.answer(200, {"message": "Model successfully deleted"})
        return exchange.answer(200, book.get(exchange.tenant, model_id))
    except ModelNotFound as error:
        return not_found(exchange, str(error))
