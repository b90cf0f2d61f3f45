"""Traces: ``GET /api/public/traces`` and ``/api/public/traces/{traceId}``."""

from __future__ import annotations

from aiohttp import web

from mockfuse.api.paging import bad_query, paged
from mockfuse.api.reading import (
    Reading,
    equal_to_query,
    in_time_range,
    meeting_filter,
    not_found_in_project,
    ordered,
    reading,
)
from mockfuse.api.routing import Routes
from mockfuse.langfuse.read_views import trace_summary

routes = Routes()


TRACE_FILTERS = ("userId", "name", "sessionId", "version", "release", "environment")


@routes.get("/api/public/traces/{trace_id}")
@reading
async def get_trace(reading: Reading) -> web.Response:
    exchange, traces = reading.exchange, reading.traces
    trace_id = reading.exchange.match("trace_id")
    trace = next((t for t in traces if t["id"] == trace_id), None)
    if trace is None:
        return not_found_in_project(exchange, "Trace", trace_id)
    return exchange.answer(200, reading.views.trace(trace))


@routes.get("/api/public/traces")
@reading
async def list_traces(reading: Reading) -> web.Response:
    exchange, traces, project_id = reading.exchange, reading.traces, reading.project_id
    query = reading.exchange.query
    traces = equal_to_query(traces, query, TRACE_FILTERS)
    for tag in query.getall("tags", []):
        traces = [t for t in traces if tag in t["tags"]]
    in_range = in_time_range(traces, query, "timestamp")
    if isinstance(in_range, str):
        return bad_query(exchange, in_range)
    in_order = ordered(in_range, query.get("orderBy"), "timestamp.desc")
    if isinstance(in_order, str):
        return bad_query(exchange, in_order)
    summaries = [
        {
            **trace_summary(t, project_id),
            "observations": [o["id"] for o in t["observations"]],
            "scores": [s["id"] for s in t["scores"]],
        }
        for t in in_order
    ]
    filtered = meeting_filter(exchange, summaries, query)
    return filtered if isinstance(filtered, web.Response) else paged(exchange, filtered)
