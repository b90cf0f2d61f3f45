"""The metrics API: ``GET /api/public/metrics?query={...}`` and its v2 (no traces view; SDK
5.x's ``api.metrics``), answered by ``mockfuse.langfuse.metrics``, and
``GET /api/public/metrics/daily``, a tenant's traces, observations, usage and cost per day, and
per model within each day, computed from its projection as Langfuse computes them from its
tables (``web/src/features/public-api/server/dailyMetrics.ts``)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from mockfuse.api.paging import bad_query, paged
from mockfuse.api.reading import ReadHandler, Reading, in_time_range, reading
from mockfuse.api.routing import Routes
from mockfuse.langfuse.metrics import MetricsQueryError, run_query
from mockfuse.langfuse.projection import Entity
from mockfuse.langfuse.timestamps import parse_timestamp

routes = Routes()


def _day(timestamp: Any) -> str | None:
    moment = parse_timestamp(timestamp)
    return None if moment is None else moment.date().isoformat()


def _selected(traces: list[Entity], query: Any) -> list[Entity] | str:
    """The traces the query's filters keep: name, user, every tag given, environment, and
    the trace's timestamp at or after ``fromTimestamp`` and before ``toTimestamp``."""
    in_range = in_time_range(traces, query, "timestamp")
    if isinstance(in_range, str):
        return in_range
    tags = query.getall("tags", [])
    kept = []
    for trace in in_range:
        if query.get("traceName") not in (None, trace["name"]):
            continue
        if query.get("userId") not in (None, trace["userId"]):
            continue
        if query.get("environment") not in (None, trace["environment"]):
            continue
        if not set(tags) <= set(trace["tags"]):
            continue
        kept.append(trace)
    return kept


def daily_metrics(traces: list[Entity]) -> list[dict[str, Any]]:
    """Per day, newest first: traces that began that day; observations that began that day
    (of those traces), their cost, and per model their usage, cost and traces."""
    days: dict[str, dict[str, Any]] = {}

    def day_of(date: str) -> dict[str, Any]:
        return days.setdefault(
            date,
            {
                "date": date,
                "countTraces": 0,
                "countObservations": 0,
                "totalCost": 0.0,
                "models": {},
            },
        )

    for trace in traces:
        date = _day(trace["timestamp"])
        if date is not None:
            day_of(date)["countTraces"] += 1
        for observation in trace["observations"]:
            date = _day(observation["startTime"])
            if date is None:
                continue
            day = day_of(date)
            usage, costs = observation["usageDetails"], observation["costDetails"]
            cost = float(costs.get("total", 0) or 0)
            model = day["models"].setdefault(
                observation["model"],
                {
                    "model": observation["model"],
                    "inputUsage": 0,
                    "outputUsage": 0,
                    "totalUsage": 0,
                    "totalCost": 0.0,
                    "countObservations": 0,
                    "traces": set(),
                },
            )
            model["inputUsage"] += usage.get("input", 0)
            model["outputUsage"] += usage.get("output", 0)
            model["totalUsage"] += usage.get("total", 0)
            model["totalCost"] += cost
            model["countObservations"] += 1
            model["traces"].add(trace["id"])
            day["countObservations"] += 1
            day["totalCost"] += cost
    shown = []
    for date in sorted(days, reverse=True):
        day = days.pop(date)
        models = day.pop("models").values()
        usage = [
            {**{k: v for k, v in m.items() if k != "traces"}, "countTraces": len(m["traces"])}
            for m in models
        ]
        shown.append({**day, "usage": usage})
    return shown


async def _daily(reading: Reading) -> web.Response:
    selected = _selected(reading.traces, reading.exchange.query)
    if isinstance(selected, str):
        return bad_query(reading.exchange, selected)
    return paged(reading.exchange, daily_metrics(selected))


def _query(version: int) -> ReadHandler:
    async def answer(reading: Reading) -> web.Response:
        try:
            query = reading.exchange.query.get("query")
            rows = run_query(query, reading.traces, reading.scores, version=version)
        except MetricsQueryError as error:
            return reading.exchange.answer_invalid_request(str(error))
        return reading.exchange.answer(200, {"data": rows})

    return answer


routes.get("/api/public/metrics/daily")(reading(_daily))
routes.get("/api/public/metrics")(reading(_query(1)))
routes.get("/api/public/v2/metrics")(reading(_query(2)))
