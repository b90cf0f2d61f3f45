"""Score configs: ``GET``/``POST /api/public/score-configs`` and ``GET``/``PATCH
/api/public/score-configs/{configId}``, per tenant, with Langfuse's rules
(``mockfuse.langfuse.score_configs``)."""

from __future__ import annotations

from aiohttp import web

from mockfuse.api.exchange import open_full_access
from mockfuse.api.paging import not_found, paged
from mockfuse.langfuse.score_configs import NOT_FOUND, ScoreConfigError

routes = web.RouteTableDef()


@routes.route("*", "/api/public/score-configs")
async def score_configs(request: web.Request) -> web.Response:
    exchange = await open_full_access(request, methods=("GET", "POST"))
    if isinstance(exchange, web.Response):
        return exchange
    book = exchange.services.score_configs
    if request.method == "GET":
        return paged(exchange, book.listing(exchange.tenant))
    spec = exchange.json_body()
    if isinstance(spec, web.Response):
        return spec
    try:
        config = book.create(exchange.tenant, spec)
    except ScoreConfigError as error:
        return exchange.answer_invalid(str(error), body=spec)
    return exchange.answer(200, config, body=spec)


@routes.route("*", "/api/public/score-configs/{config_id}")
async def score_config(request: web.Request) -> web.Response:
    exchange = await open_full_access(request, methods=("GET", "PATCH"))
    if isinstance(exchange, web.Response):
        return exchange
    book = exchange.services.score_configs
    config_id = request.match_info["config_id"]
    if request.method == "GET":
        config = book.get(exchange.tenant, config_id)
        return not_found(exchange, NOT_FOUND) if config is None else exchange.answer(200, config)
    # An SDK that changes nothing sends no body: the empty update Langfuse refuses.
    spec = exchange.json_body_or_empty()
    if isinstance(spec, web.Response):
        return spec
    try:
        config = book.update(exchange.tenant, config_id, spec)
    except ScoreConfigError as error:
        return exchange.answer_invalid_request(str(error), body=spec)
    if config is None:
        return not_found(exchange, NOT_FOUND, body=spec)
    return exchange.answer(200, config, body=spec)
