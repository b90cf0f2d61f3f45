"""Comments: ``POST``/``GET /api/public/comments`` and ``GET /api/public/comments/{commentId}``,
per tenant, on the traces, observations and sessions the tenant sent and the prompts it has
(``mockfuse.langfuse.comments``)."""

from __future__ import annotations

from aiohttp import web

from mockfuse.api.exchange import SERVICES, open_full_access
from mockfuse.api.paging import not_found, paged
from mockfuse.capture.services import Services
from mockfuse.langfuse.comments import NOT_FOUND, CommentError, CommentTargetMissing, Exists
from mockfuse.langfuse.strict_objects import unrecognized_keys

routes = web.RouteTableDef()

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


@routes.route("*", "/api/public/comments")
async def comments(request: web.Request) -> web.Response:
    exchange = await open_full_access(request, methods=("GET", "POST"))
    if isinstance(exchange, web.Response):
        return exchange
    services = request.app[SERVICES]
    book = services.comments
    if request.method == "GET":
        unknown = unrecognized_keys(request.query, QUERY_PARAMETERS)
        if unknown:
            return exchange.answer_invalid(unknown)
        try:
            found = book.listing(exchange.tenant, dict(request.query))
        except CommentError as error:
            return exchange.answer_invalid(str(error))
        return paged(exchange, found)
    spec = exchange.json_body()
    if isinstance(spec, web.Response):
        return spec
    try:
        comment = book.add(exchange.tenant, spec, _exists(services, exchange.tenant))
    except CommentError as error:
        return exchange.answer_invalid(str(error), body=spec)
    except CommentTargetMissing as error:
        return not_found(exchange, str(error), body=spec)
    return exchange.answer(200, {"id": comment["id"]}, body=spec)


@routes.route("*", "/api/public/comments/{comment_id}")
async def comment(request: web.Request) -> web.Response:
    exchange = await open_full_access(request, methods=("GET",))
    if isinstance(exchange, web.Response):
        return exchange
    found = request.app[SERVICES].comments.get(exchange.tenant, request.match_info["comment_id"])
    return not_found(exchange, NOT_FOUND) if found is None else exchange.answer(200, found)
