"""The metrics API's query (``GET /api/public/metrics?query={...}``), answered from a tenant's
projection: rows of a view, kept by the time range and filters, grouped by the dimensions
(and a time bucket), each metric an aggregation of a measure, named ``<aggregation>_<measure>``
as Langfuse names it (``count_count``, ``p95_latency``).

The views, dimensions and measures are the common ones of Langfuse's query builder; latencies
are in milliseconds, as there.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from mockfuse.langfuse.filters import FilterError, apply_filter, parse_filter
from mockfuse.langfuse.projection import Entity, trace_latency
from mockfuse.langfuse.timestamps import parse_timestamp, seconds_between

Row = dict[str, Any]
Measure = Callable[[Row], float | None]


class MetricsQueryError(ValueError):
    """A query Langfuse refuses (400)."""


def _milliseconds(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def _detail(details: str, key: str) -> Measure:
    return lambda row: float(row[details].get(key, 0) or 0)


def _trace_rows(traces: list[Entity]) -> list[Row]:
    rows = []
    for trace in traces:
        observations = trace["observations"]
        rows.append(
            {
                **trace,
                "_latency": _milliseconds(trace_latency(trace)),
                "_tokens": sum(o["usageDetails"].get("total", 0) for o in observations),
                "_cost": sum(float(o["costDetails"].get("total", 0) or 0) for o in observations),
            }
        )
    return rows


def _observation_rows(traces: list[Entity]) -> list[Row]:
    return [
        {
            **observation,
            "providedModelName": observation["model"],
            "traceName": trace["name"],
            "userId": trace["userId"],
            "sessionId": trace["sessionId"],
            "tags": trace["tags"],
        }
        for trace in traces
        for observation in trace["observations"]
    ]


def _score_rows(traces: list[Entity], scores: list[Entity], *, numeric: bool) -> list[Row]:
    names = {trace["id"]: trace["name"] for trace in traces}
    kinds = ("NUMERIC", "BOOLEAN") if numeric else ("CATEGORICAL",)
    return [
        {**score, "traceName": names.get(score["traceId"])}
        for score in scores
        if score["dataType"] in kinds
    ]


# view -> (the time field, dimensions, measures)
VIEWS: dict[str, tuple[str, tuple[str, ...], dict[str, Measure]]] = {
    "traces": (
        "timestamp",
        ("id", "name", "tags", "userId", "sessionId", "release", "version", "environment"),
        {
            "count": lambda row: 1.0,
            "observationsCount": lambda row: float(len(row["observations"])),
            "scoresCount": lambda row: float(len(row["scores"])),
            "latency": lambda row: row["_latency"],
            "totalTokens": lambda row: float(row["_tokens"]),
            "totalCost": lambda row: row["_cost"],
        },
    ),
    "observations": (
        "startTime",
        (
            "id",
            "traceId",
            "name",
            "type",
            "level",
            "version",
            "environment",
            "providedModelName",
            "promptName",
            "promptVersion",
            "traceName",
            "userId",
            "sessionId",
            "parentObservationId",
        ),
        {
            "count": lambda row: 1.0,
            "latency": lambda row: _milliseconds(seconds_between(row["startTime"], row["endTime"])),
            "timeToFirstToken": lambda row: _milliseconds(
                seconds_between(row["startTime"], row["completionStartTime"])
            ),
            "inputTokens": _detail("usageDetails", "input"),
            "outputTokens": _detail("usageDetails", "output"),
            "totalTokens": _detail("usageDetails", "total"),
            "inputCost": _detail("costDetails", "input"),
            "outputCost": _detail("costDetails", "output"),
            "totalCost": _detail("costDetails", "total"),
        },
    ),
    "scores-numeric": (
        "timestamp",
        ("name", "source", "dataType", "environment", "traceName", "configId"),
        {"count": lambda row: 1.0, "value": lambda row: float(row["value"])},
    ),
    "scores-categorical": (
        "timestamp",
        ("name", "source", "stringValue", "environment", "traceName", "configId"),
        {"count": lambda row: 1.0},
    ),
}
GRANULARITIES = ("minute", "hour", "day", "week", "month", "auto")


def _percentile(fraction: float) -> Callable[[list[float]], float]:
    def aggregate(values: list[float]) -> float:
        ordered = sorted(values)
        position = (len(ordered) - 1) * fraction
        low, high = math.floor(position), math.ceil(position)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    return aggregate


AGGREGATIONS: dict[str, Callable[[list[float]], float]] = {
    "count": lambda values: float(len(values)),
    "sum": sum,
    "avg": lambda values: sum(values) / len(values),
    "min": min,
    "max": max,
    "p50": _percentile(0.5),
    "p75": _percentile(0.75),
    "p90": _percentile(0.9),
    "p95": _percentile(0.95),
    "p99": _percentile(0.99),
}


def _bucket(moment: datetime, granularity: str) -> str:
    moment = moment.astimezone(timezone.utc)
    if granularity == "minute":
        start = moment.replace(second=0, microsecond=0)
    elif granularity == "hour":
        start = moment.replace(minute=0, second=0, microsecond=0)
    elif granularity == "week":
        day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        start = day - timedelta(days=day.weekday())
    elif granularity == "month":
        start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    else:  # day, and auto
        start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parsed(text: str | None) -> dict[str, Any]:
    if not text:
        raise MetricsQueryError("query is required")
    try:
        query = json.loads(text)
    except ValueError:
        raise MetricsQueryError("Invalid JSON in query parameter") from None
    if not isinstance(query, dict):
        raise MetricsQueryError("query: Expected object")
    return query


def run_query(
    text: str | None, traces: list[Entity], scores: list[Entity], *, version: int = 1
) -> list[Row]:
    """The rows the query asks for; MetricsQueryError says what is wrong with it. Version 2
    of the API has no traces view."""
    query = _parsed(text)
    view = query.get("view")
    views = [name for name in VIEWS if version == 1 or name != "traces"]
    if view not in views:
        raise MetricsQueryError(f"view: expected one of {views}")
    time_field, dimension_fields, measures = VIEWS[view]
    dimensions: list[str] = []
    for dimension in query.get("dimensions") or []:
        field = dimension.get("field") if isinstance(dimension, dict) else None
        if field not in dimension_fields:
            raise MetricsQueryError(f"Invalid dimension {field} for view {view}")
        dimensions.append(field)
    metrics = query.get("metrics")
    if not isinstance(metrics, list) or not metrics:
        raise MetricsQueryError("metrics: at least one metric is required")
    wanted = []
    for metric in metrics:
        measure = metric.get("measure") if isinstance(metric, dict) else None
        aggregation = metric.get("aggregation") if isinstance(metric, dict) else None
        if measure not in measures:
            raise MetricsQueryError(f"Invalid measure {measure} for view {view}")
        if aggregation not in AGGREGATIONS:
            raise MetricsQueryError(f"Invalid aggregation {aggregation}")
        wanted.append((measure, aggregation))
    bounds = []
    for name in ("fromTimestamp", "toTimestamp"):
        moment = parse_timestamp(query.get(name))
        if moment is None:
            raise MetricsQueryError(f"{name}: an ISO 8601 date-time with an offset is required")
        bounds.append(moment)
    start, end = bounds
    granularity = None
    if query.get("timeDimension"):
        granularity = query["timeDimension"].get("granularity")
        if granularity not in GRANULARITIES:
            raise MetricsQueryError(
                f"timeDimension.granularity: expected one of {list(GRANULARITIES)}"
            )
    try:
        conditions = parse_filter(json.dumps(query.get("filters") or []))
    except FilterError as error:
        raise MetricsQueryError(str(error)) from None

    if view == "traces":
        rows = _trace_rows(traces)
    elif view == "observations":
        rows = _observation_rows(traces)
    else:
        rows = _score_rows(traces, scores, numeric=view == "scores-numeric")
    kept = []
    for row in apply_filter(rows, conditions):
        moment = parse_timestamp(row.get(time_field))
        if moment is not None and start <= moment < end:
            kept.append((row, moment))

    groups: dict[tuple[Any, ...], list[Row]] = {}
    for row, moment in kept:
        key = tuple(json.dumps(row.get(field), sort_keys=True) for field in dimensions)
        if granularity is not None:
            key += (_bucket(moment, granularity),)
        groups.setdefault(key, []).append(row)
    answer = []
    for key, members in groups.items():
        shown: Row = {field: members[0].get(field) for field in dimensions}
        if granularity is not None:
            shown["time_dimension"] = key[-1]
        for measure, aggregation in wanted:
            values = [v for v in map(measures[measure], members) if v is not None]
            shown[f"{aggregation}_{measure}"] = (
                AGGREGATIONS[aggregation](values) if values else None
            )
        answer.append(shown)
    return _ordered(answer, query.get("orderBy"))


def _ordered(rows: list[Row], order_by: Any) -> list[Row]:
    for rule in reversed(order_by or []):
        field = str(rule.get("field")) if isinstance(rule, dict) else ""
        descending = isinstance(rule, dict) and rule.get("direction") == "desc"
        present = [row for row in rows if row.get(field) is not None]
        absent = [row for row in rows if row.get(field) is None]
        rows = sorted(present, key=lambda row: row[field], reverse=descending) + absent
    return rows
