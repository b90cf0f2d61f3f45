"""The read API, answered from the projection, so it is consistent at once (a real Langfuse
lags up to seconds behind ingestion): ``/traces``, ``/traces/{id}``, ``/observations``,
``/observations/{id}``, the cursor-paged ``/v2/observations`` that SDK 5.x reads with,
``/scores``, ``/v2/scores``, ``/v2/scores/{id}``, ``/sessions`` and ``/sessions/{id}``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aiohttp import web

from mockfuse.api.exchange import Exchange
from mockfuse.api.paging import bad_query, cursor_paged, not_found, paged
from mockfuse.api.routing import Handler, Routes
from mockfuse.capture.store import Store
from mockfuse.langfuse.filters import FilterError, apply_filter, parse_filter
from mockfuse.langfuse.models import Model, ModelBook
from mockfuse.langfuse.projection import Entity, trace_latency
from mockfuse.langfuse.prompts import PromptBook
from mockfuse.langfuse.timestamps import parse_timestamp, seconds_between

routes = Routes()


def _not_found(exchange: Exchange, what: str, entity_id: str) -> web.Response:
    return not_found(exchange, f"{what} {entity_id} not found within authorized project")


def _total_cost(observation: Entity) -> float:
    costs = observation.get("costDetails") or {}
    if "total" in costs:
        return float(costs["total"])
    return float(sum(costs.values()))


def _trace_summary(trace: Entity, project_id: str) -> Entity:
    observations = trace["observations"]
    return {
        **{k: v for k, v in trace.items() if k not in ("observations", "scores")},
        "htmlPath": f"/project/{project_id}/traces/{trace['id']}",
        "latency": trace_latency(trace),
        "totalCost": sum(_total_cost(o) for o in observations),
    }


def _usage(observation: Entity) -> Entity:
    """The ``usage`` object of Langfuse's observation views, from the normalized details."""
    counts, costs = observation["usageDetails"], observation["costDetails"]
    sent = observation.get("usage") or {}
    return {
        "input": counts.get("input", 0),
        "output": counts.get("output", 0),
        "total": counts.get("total", 0),
        "unit": sent.get("unit") or "TOKENS",
        "inputCost": costs.get("input"),
        "outputCost": costs.get("output"),
        "totalCost": costs.get("total"),
    }


def _pricing(model: Model | None, costs: dict[str, float]) -> Entity:
    prices = model.prices if model else {}
    return {
        "modelId": model.id if model else None,
        "inputPrice": prices.get("input"),
        "outputPrice": prices.get("output"),
        "totalPrice": prices.get("total"),
        "calculatedInputCost": costs.get("input"),
        "calculatedOutputCost": costs.get("output"),
        "calculatedTotalCost": costs.get("total"),
    }


def _observation_view(
    observation: Entity,
    trace: Entity,
    project_id: str,
    prompt_id: str | None,
    model: Model | None,
) -> Entity:
    return {
        **observation,
        **_pricing(model, observation["costDetails"]),
        "usage": _usage(observation),
        "projectId": project_id,
        "isRootObservation": observation.get("parentObservationId") is None,
        "latency": seconds_between(observation["startTime"], observation["endTime"]),
        "timeToFirstToken": seconds_between(
            observation["startTime"], observation.get("completionStartTime")
        ),
        "totalCost": _total_cost(observation),
        "userId": trace.get("userId"),
        "sessionId": trace.get("sessionId"),
        "traceName": trace.get("name"),
        "tags": trace.get("tags"),
        "release": trace.get("release"),
        "promptId": prompt_id,
    }


def meeting_filter(
    exchange: Exchange, items: list[Entity], query: Any
) -> list[Entity] | web.Response:
    """``items`` meeting the query's ``filter`` conditions, or Langfuse's 400 for a bad one."""
    try:
        conditions = parse_filter(query.get("filter"))
    except FilterError as error:
        return exchange.answer_invalid_request(str(error))
    return apply_filter(items, conditions)


def _filter(items: list[Entity], query: Any, fields: tuple[str, ...]) -> list[Entity]:
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


def _ordered(items: list[Entity], order_by: str | None, default: str) -> list[Entity] | str:
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

    def observation_view(self, observation: Entity, trace: Entity) -> Entity:
        """``observation`` as the read API shows it, linked to the prompt it names."""
        key = self.exchange.tenant
        prompt_id = self.prompts.id_of(
            key, observation.get("promptName"), observation.get("promptVersion")
        )
        model = self.models.match(key, observation["model"], observation["startTime"])
        return _observation_view(observation, trace, self.project_id, prompt_id, model)

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


def read_route(path: str) -> Callable[[ReadHandler], ReadHandler]:
    def declare(handler: ReadHandler) -> ReadHandler:
        routes.get(path)(reading(handler))
        return handler

    return declare


@read_route("/api/public/traces/{trace_id}")
async def get_trace(reading: Reading) -> web.Response:
    exchange, traces, project_id = reading.exchange, reading.traces, reading.project_id
    trace_id = reading.exchange.match("trace_id")
    trace = next((t for t in traces if t["id"] == trace_id), None)
    if trace is None:
        return _not_found(exchange, "Trace", trace_id)
    details = {
        **_trace_summary(trace, project_id),
        "observations": [reading.observation_view(o, trace) for o in trace["observations"]],
        "scores": trace["scores"],
    }
    return exchange.answer(200, details)


@read_route("/api/public/traces")
async def list_traces(reading: Reading) -> web.Response:
    exchange, traces, project_id = reading.exchange, reading.traces, reading.project_id
    query = reading.exchange.query
    traces = _filter(traces, query, TRACE_FILTERS)
    for tag in query.getall("tags", []):
        traces = [t for t in traces if tag in t["tags"]]
    in_range = in_time_range(traces, query, "timestamp")
    if isinstance(in_range, str):
        return bad_query(exchange, in_range)
    in_order = _ordered(in_range, query.get("orderBy"), "timestamp.desc")
    if isinstance(in_order, str):
        return bad_query(exchange, in_order)
    summaries = [
        {
            **_trace_summary(t, project_id),
            "observations": [o["id"] for o in t["observations"]],
            "scores": [s["id"] for s in t["scores"]],
        }
        for t in in_order
    ]
    filtered = meeting_filter(exchange, summaries, query)
    return filtered if isinstance(filtered, web.Response) else paged(exchange, filtered)


TRACE_FILTERS = ("userId", "name", "sessionId", "version", "release", "environment")
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
        "usagePricingTierName": "Standard" if observation["modelId"] is not None else None,
        "usagePricingTierId": None,
        # Langfuse's are when the row was written; mockfuse's, when the observation ran.
        "createdAt": observation["startTime"],
        "updatedAt": observation["endTime"] or observation["startTime"],
    }


@read_route("/api/public/observations/{observation_id}")
async def get_observation(reading: Reading) -> web.Response:
    exchange, traces = reading.exchange, reading.traces
    observation_id = reading.exchange.match("observation_id")
    found = next((o for o in reading.all_observations(traces) if o["id"] == observation_id), None)
    if found is None:
        return _not_found(exchange, "Observation", observation_id)
    return exchange.answer(200, _as_v1(found))


@read_route("/api/public/observations")
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
    observations = _filter(reading.all_observations(reading.traces), query, OBSERVATION_FILTERS)
    root = query.get("isRootObservation")
    if root in ("true", "false"):
        observations = [o for o in observations if o["isRootObservation"] == (root == "true")]
    in_range = in_time_range(observations, query, "startTime", ("fromStartTime", "toStartTime"))
    if isinstance(in_range, str):
        return in_range
    return sorted(in_range, key=lambda o: o["startTime"], reverse=True)


@read_route("/api/public/v2/observations")
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


SCORE_FILTERS = (
    "name",
    "traceId",
    "observationId",
    "sessionId",
    "datasetRunId",
    "dataType",
    "source",
    "configId",
    "queueId",
    "environment",
)


def _scores(reading: Reading, query: Any) -> list[Entity] | str:
    """Scores newest first, filtered by the query, or the problem with the query."""
    scores = _filter(reading.scores, query, SCORE_FILTERS)
    user_id = query.get("userId")
    if user_id is not None:
        traces_of_user = {t["id"] for t in reading.traces if t["userId"] == user_id}
        scores = [s for s in scores if s["traceId"] in traces_of_user]
    in_range = in_time_range(scores, query, "timestamp")
    if isinstance(in_range, str):
        return in_range
    return sorted(in_range, key=lambda s: s["timestamp"], reverse=True)


@read_route("/api/public/v2/scores/{score_id}")
async def get_score(reading: Reading) -> web.Response:
    score_id = reading.exchange.match("score_id")
    found = next((s for s in reading.scores if s["id"] == score_id), None)
    if found is None:
        return _not_found(reading.exchange, "Score", score_id)
    return reading.exchange.answer(200, found)


async def _list_scores(reading: Reading) -> web.Response:
    scores = _scores(reading, reading.exchange.query)
    if isinstance(scores, str):
        return bad_query(reading.exchange, scores)
    filtered = meeting_filter(reading.exchange, scores, reading.exchange.query)
    return filtered if isinstance(filtered, web.Response) else paged(reading.exchange, filtered)


# v3's names for filters v2 spells otherwise; its other filters keep their v2 names.
_V3_FILTER_NAMES = {"experimentId": "datasetRunId"}


@read_route("/api/public/v3/scores")
async def list_scores_v3(reading: Reading) -> web.Response:
    """SDK 5.x's score list: cursor paging, each score's target as its ``subject``, and the
    value in its own type (a boolean as true/false, a category as its text)."""
    query = {
        _V3_FILTER_NAMES.get(name, name): value for name, value in reading.exchange.query.items()
    }
    scores = _scores(reading, query)
    if isinstance(scores, str):
        return bad_query(reading.exchange, scores)
    for name, sign in (("valueMin", 1), ("valueMax", -1)):
        if name in query:
            try:
                bound = float(query[name])
            except ValueError:
                return bad_query(reading.exchange, f"{name} must be a number")
            # A score with a number (a boolean is 0 or 1) at least valueMin, at most valueMax.
            scores = [
                s
                for s in scores
                if s["dataType"] in ("NUMERIC", "BOOLEAN") and sign * (s["value"] - bound) >= 0
            ]
    if "value" in query:
        scores = [s for s in scores if query["value"] in (s["stringValue"], str(s["value"]))]
    if "id" in query:
        scores = [s for s in scores if s["id"] == query["id"]]
    project_id = reading.project_id
    return cursor_paged(reading.exchange, scores, lambda score: score_v3(score, project_id))


def score_v3(score: Entity, project_id: str) -> Entity:
    data_type = score["dataType"]
    if data_type == "BOOLEAN":
        value: Any = score["value"] == 1
    elif data_type == "NUMERIC":
        value = score["value"]
    else:
        value = score["stringValue"]
    if score["observationId"] is not None:
        subject = {"kind": "observation", "id": score["observationId"], "traceId": score["traceId"]}
    elif score["traceId"] is not None:
        subject = {"kind": "trace", "id": score["traceId"]}
    elif score["sessionId"] is not None:
        subject = {"kind": "session", "id": score["sessionId"]}
    else:
        subject = {"kind": "experiment", "id": score["datasetRunId"]}
    shown = ("id", "name", "source", "timestamp", "environment", "createdAt", "updatedAt")
    return {
        **{name: score[name] for name in shown},
        "projectId": project_id,
        "comment": score["comment"],
        "configId": score["configId"],
        "metadata": score["metadata"],
        "authorUserId": score["authorUserId"],
        "queueId": score["queueId"],
        "subject": subject,
        "dataType": data_type,
        "value": value,
    }


read_route("/api/public/v2/scores")(_list_scores)
# The v1 list, ``GET /api/public/scores``, shares its path with POST (api/scores.py).
list_scores = reading(_list_scores)


def _sessions(reading: Reading) -> dict[str, Entity]:
    sessions: dict[str, Entity] = {}
    for trace in sorted(reading.traces, key=lambda t: t["timestamp"] or ""):
        session_id = trace["sessionId"]
        if session_id is None:
            continue
        session = sessions.setdefault(
            session_id,
            {
                "id": session_id,
                "createdAt": trace["timestamp"],
                "projectId": reading.project_id,
                "environment": trace["environment"],
                "traces": [],
            },
        )
        session["traces"].append(
            {k: v for k, v in trace.items() if k not in ("observations", "scores")}
        )
    return sessions


@read_route("/api/public/sessions/{session_id}")
async def get_session(reading: Reading) -> web.Response:
    session_id = reading.exchange.match("session_id")
    session = _sessions(reading).get(session_id)
    if session is None:
        return _not_found(reading.exchange, "Session", session_id)
    return reading.exchange.answer(200, session)


@read_route("/api/public/sessions")
async def list_sessions(reading: Reading) -> web.Response:
    sessions = _filter(list(_sessions(reading).values()), reading.exchange.query, ("environment",))
    in_range = in_time_range(sessions, reading.exchange.query, "createdAt")
    if isinstance(in_range, str):
        return bad_query(reading.exchange, in_range)
    newest_first = sorted(in_range, key=lambda s: s["createdAt"] or "", reverse=True)
    shown = [{k: v for k, v in s.items() if k != "traces"} for s in newest_first]
    filtered = meeting_filter(reading.exchange, shown, reading.exchange.query)
    return filtered if isinstance(filtered, web.Response) else paged(reading.exchange, filtered)
