"""Observations: ``GET /api/public/observations`` and ``/api/public/observations/{id}``
(Langfuse's v1 shape), and the cursor-paged ``/api/public/v2/observations`` that SDK 5.x
reads with."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiohttp import web

from mockfuse.api.paging import bad_query, cursor_paged, paged
from mockfuse.api.reading import (
    Reading,
    equal_to_query,
    in_time_range,
    meeting_filter,
    not_found_in_project,
    reading,
)
from mockfuse.api.routing import Routes
from mockfuse.langfuse.projection import Entity

routes = Routes()


OBSERVATION_FILTERS = (
    "traceId",
    "name",
    "type",
    "userId",
    "sessionId",
    "level",
    "parentObservationId",
    "environment",
    "version",
)


# What the v1 observation (Langfuse's strict ``APIObservation``) leaves out of the view:
# the trace's own fields and mockfuse's sums, which only the v2 and trace views show.
_NOT_IN_V1 = (
    "isRootObservation",
    "release",
    "sessionId",
    "tags",
    "traceName",
    "totalCost",
    "userId",
)


def _as_v1(observation: Entity) -> Entity:
    """The v1 shape, field for field: the legacy token counts (0 when unknown, for spans
    too), ``usage`` with them and the unit only, timestamps of the row."""
    usage = observation["usage"]
    shown = {k: v for k, v in observation.items() if k not in _NOT_IN_V1}
    return {
        **shown,
        "usage": {k: usage[k] for k in ("unit", "input", "output", "total")},
        "unit": usage["unit"],
        "promptTokens": usage["input"],
        "completionTokens": usage["output"],
        "totalTokens": usage["total"],
        # Langfuse's are when the row was written; mockfuse's, when the observation ran.
        "createdAt": observation["startTime"],
        "updatedAt": observation["endTime"] or observation["startTime"],
    }


@routes.get("/api/public/observations/{observation_id}")
@reading
async def get_observation(reading: Reading) -> web.Response:
    exchange, traces = reading.exchange, reading.traces
    observation_id = reading.exchange.match("observation_id")
    found = next((o for o in reading.all_observations(traces) if o["id"] == observation_id), None)
    if found is None:
        return not_found_in_project(exchange, "Observation", observation_id)
    return exchange.answer(200, _as_v1(found))


@routes.get("/api/public/observations")
@reading
async def list_observations(reading: Reading) -> web.Response:
    observations = _observations(reading, reading.exchange.query)
    if isinstance(observations, str):
        return bad_query(reading.exchange, observations)
    filtered = meeting_filter(
        reading.exchange, [_as_v1(o) for o in observations], reading.exchange.query
    )
    return filtered if isinstance(filtered, web.Response) else paged(reading.exchange, filtered)


def _observations(reading: Reading, query: Any) -> list[Entity] | str:
    """Observations newest first, filtered by the query, or the problem with the query."""
    observations = equal_to_query(
        reading.all_observations(reading.traces), query, OBSERVATION_FILTERS
    )
    root = query.get("isRootObservation")
    if root in ("true", "false"):
        observations = [o for o in observations if o["isRootObservation"] == (root == "true")]
    in_range = in_time_range(observations, query, "startTime", ("fromStartTime", "toStartTime"))
    if isinstance(in_range, str):
        return in_range
    return sorted(in_range, key=lambda o: o["startTime"], reverse=True)


@routes.get("/api/public/v2/observations")
@reading
async def list_observations_v2(reading: Reading) -> web.Response:
    observations = _observations(reading, reading.exchange.query)
    if isinstance(observations, str):
        return bad_query(reading.exchange, observations)
    filtered = meeting_filter(reading.exchange, observations, reading.exchange.query)
    if isinstance(filtered, web.Response):
        return filtered
    return cursor_paged(reading.exchange, filtered, _as_v2)


def _as_v2(observation: Entity) -> Entity:
    """v2 writes prices as decimal strings ("0.0000025"), and names the pricing tier."""
    prices = {
        name: None if price is None else format(Decimal(repr(price)), "f")
        for name in ("inputPrice", "outputPrice", "totalPrice")
        for price in [observation[name]]
    }
    tier = "Standard" if observation["modelId"] is not None else None
    return {**observation, **prices, "usagePricingTierName": tier}
