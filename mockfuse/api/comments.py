"""Comments: ``POST``/``GET /api/public/comments`` and ``GET /api/public/comments/{commentId}``,
per tenant, on the traces, observations and sessions the tenant sent and the prompts it has
(``mockfuse.langfuse.comments``)."""

from __future__ import annotations

from aiohttp import web

from mockfuse.api.exchange import Exchange
from mockfuse.api.paging import not_found, paged
from mockfuse.api.routing import Routes
from mockfuse.capture.services import Services
from mockfuse.langfuse.comments import NOT_FOUND, CommentError, CommentTargetMissing, Exists
from mockfuse.langfuse.strict_objects import unrecognized_keys

routes = Routes()

# GET's query is a strict schema in Langfuse: any other parameter is refused.
QUERY_PARAMETERS = frozenset(
    {"objectType", "objectId", "authorUserId", "fromTimestamp", "toTimestamp", "page", "limit"}
)


def _exists(services: Services, tenant: str | None) -> Exists:
    def exists(object_type: str, object_id: str) -> bool:
        if object_type == "PROMPT":
            return services.prompts.has_id(tenant, object_id)
        traces = services.store.traces(tenant)
        if object_type == "TRACE":
            return any(t["id"] == object_id for t in traces)
        if object_type == "OBSERVATION":
            return any(o["id"] == object_id for t in traces for o in t["observations"])
        return any(t["sessionId"] == object_id for t in traces)  # SESSION

    return exists


PATH = "/api/public/comments"


@routes.get(PATH)
async def list_comments(exchange: Exchange) -> web.Response:
    unknown = unrecognized_keys(exchange.query, QUERY_PARAMETERS)
    if unknown:
        return exchange.answer_invalid(unknown)
    try:
        found = exchange.services.comments.listing(exchange.tenant, dict(exchange.query))
    except CommentError as error:
        return exchange.answer_invalid(str(error))
    return paged(exchange, found)


@routes.post(PATH)
async def create_comment(exchange: Exchange) -> web.Response:
    spec = exchange.json_body()
    if isinstance(spec, web.Response):
        return spec
    services = exchange.services
    try:
        comment = services.comments.add(exchange.tenant, spec, _exists(services, exchange.tenant))
    except CommentError as error:
        return exchange.answer_invalid(str(error), body=spec)
    except CommentTargetMissing as error:
        return not_found(exchange, str(error), body=spec)
    return exchange.answer(200, {"id": comment["id"]}, body=spec)


@routes.get(PATH + "/{comment_id}")
async def get_comment(exchange: Exchange) -> web.Response:
    found = exchange.services.comments.get(exchange.tenant, exchange.match("comment_id"))
    return not_found(exchange, NOT_FOUND) if found is None else exchange.answer(200, found)
