"""The read API's common ground, answered from the projection, so it is consistent at once (a
real Langfuse lags up to seconds behind ingestion): what every read handler starts from
(``Reading``), the views of traces and observations it shares, and the query parameters
every list takes (equality filters, time ranges, ordering, Langfuse's ``filter``).

Each resource declares its reads as ``@routes.get(path)`` over ``@reading``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from mockfuse.api.exchange import Exchange
from mockfuse.api.paging import not_found
from mockfuse.api.routing import Handler
from mockfuse.capture.store import Store
from mockfuse.langfuse.filters import FilterError, apply_filter, parse_filter
from mockfuse.langfuse.models import ModelBook
from mockfuse.langfuse.projection import Entity
from mockfuse.langfuse.prompts import PromptBook
from mockfuse.langfuse.read_views import ReadViews
from mockfuse.langfuse.timestamps import parse_timestamp


def not_found_in_project(exchange: Exchange, what: str, entity_id: str) -> web.Response:
    """Langfuse's 404 for a ``what`` the tenant does not have."""
    return not_found(exchange, f"{what} {entity_id} not found within authorized project")


def meeting_filter(
    exchange: Exchange, items: list[Entity], query: Any
) -> list[Entity] | web.Response:
    """``items`` meeting the query's ``filter`` conditions, or Langfuse's 400 for a bad one."""
    try:
        conditions = parse_filter(query.get("filter"))
    except FilterError as error:
        return exchange.answer_invalid_request(str(error))
    return apply_filter(items, conditions)


def equal_to_query(items: list[Entity], query: Any, fields: tuple[str, ...]) -> list[Entity]:
    """Items whose field equals the query parameter of the same name (one of its values, when
    it is repeated, as ``environment`` may be), for each one given."""
    for name in fields:
        wanted = query.getall(name, []) if hasattr(query, "getall") else [query.get(name)]
        wanted = [value for value in wanted if value is not None]
        if wanted:
            items = [item for item in items if item.get(name) in wanted]
    return items


def in_time_range(
    items: list[Entity],
    query: Any,
    field: str,
    bounds: tuple[str, str] = ("fromTimestamp", "toTimestamp"),
) -> list[Entity] | str:
    """Items whose ``field`` is at or after the query's first bound and before its second,
    or the problem with those parameters."""
    limits = []
    for name in bounds:
        moment = None
        if name in query:
            moment = parse_timestamp(query[name])
            if moment is None:
                return f"{name} must be an ISO 8601 date-time with an offset"
        limits.append(moment)
    start, end = limits
    if start is None and end is None:
        return items
    kept = []
    for item in items:
        moment = parse_timestamp(item.get(field))
        if moment is None:
            continue
        if (start is None or moment >= start) and (end is None or moment < end):
            kept.append(item)
    return kept


def ordered(items: list[Entity], order_by: str | None, default: str) -> list[Entity] | str:
    """Items sorted by ``orderBy`` (``field.asc`` or ``field.desc``), nulls last."""
    field, _, direction = (order_by or default).partition(".")
    if direction not in ("asc", "desc"):
        return "orderBy must be field.asc or field.desc"
    present = [item for item in items if item.get(field) is not None]
    absent = [item for item in items if item.get(field) is None]
    present.sort(key=lambda item: item[field], reverse=direction == "desc")
    return present + absent


@dataclass
class Reading:
    """What every read handler starts from: the exchange and the tenant's merged captures."""

    exchange: Exchange
    store: Store
    prompts: PromptBook
    models: ModelBook
    project_id: str

    @property
    def traces(self) -> list[Entity]:
        return self.store.traces(self.exchange.tenant)

    @property
    def scores(self) -> list[Entity]:
        return self.store.scores(self.exchange.tenant)

    @property
    def views(self) -> ReadViews:
        return ReadViews(self.exchange.tenant, self.project_id, self.prompts, self.models)

    def observation_view(self, observation: Entity, trace: Entity) -> Entity:
        """``observation`` as the read API shows it, linked to the prompt it names."""
        return self.views.observation(observation, trace)

    def all_observations(self, traces: list[Entity]) -> list[Entity]:
        return [self.observation_view(o, t) for t in traces for o in t["observations"]]


ReadHandler = Callable[[Reading], Awaitable[web.Response]]


def reading(handler: ReadHandler) -> Handler:
    """A handler of the read API, given the tenant's captures to read."""

    async def read(exchange: Exchange) -> web.Response:
        services = exchange.services
        return await handler(
            Reading(
                exchange,
                services.store,
                services.prompts,
                services.models,
                services.config.project_id,
            )
        )

    return read
