"""Score configs: ``GET``/``POST /api/public/score-configs`` and ``GET``/``PATCH
/api/public/score-configs/{configId}``, per tenant, with Langfuse's rules
(``mockfuse.langfuse.score_configs``)."""

from __future__ import annotations

from aiohttp import web

from mockfuse.api.exchange import Exchange
from mockfuse.api.paging import not_found, paged
from mockfuse.api.routing import Routes
from mockfuse.langfuse.score_configs import NOT_FOUND, ScoreConfigError

routes = Routes()
PATH = "/api/public/score-configs"


@routes.get(PATH)
async def list_score_configs(exchange: Exchange) -> web.Response:
    return paged(exchange, exchange.services.score_configs.listing(exchange.tenant))


@routes.post(PATH)
async def create_score_config(exchange: Exchange) -> web.Response:
    spec = exchange.json_body()
    if isinstance(spec, web.Response):
        return spec
    try:
        config = exchange.services.score_configs.create(exchange.tenant, spec)
    except ScoreConfigError as error:
        return exchange.answer_invalid(str(error), body=spec)
    return exchange.answer(200, config, body=spec)


@routes.get(PATH + "/{config_id}")
async def get_score_config(exchange: Exchange) -> web.Response:
    config = exchange.services.score_configs.get(exchange.tenant, exchange.match("config_id"))
    return not_found(exchange, NOT_FOUND) if config is None else exchange.answer(200, config)


@routes.patch(PATH + "/{config_id}")
async def update_score_config(exchange: Exchange) -> web.Response:
    # An SDK that changes nothing sends no body: the empty update Langfuse refuses.
    spec = exchange.json_body_or_empty()
    if isinstance(spec, web.Response):
        return spec
    book = exchange.services.score_configs
    try:
        config = book.update(exchange.tenant, exchange.match("config_id"), spec)
    except ScoreConfigError as error:
        return exchange.answer_invalid_request(str(error), body=spec)
    if config is None:
        return not_found(exchange, NOT_FOUND, body=spec)
    return exchange.answer(200, config, body=spec)
