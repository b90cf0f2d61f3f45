"""Scores. ``POST /api/public/scores``: one score (answers ``{"id"}``) or, as SDK 5.x sends
them, an array (answers 202, or 207 naming the rejected ones). Scores become ``score-create``
events, validated as the ingestion endpoint validates them, and against the config they name
(``configId``: 400, or 404 for an unknown one). ``GET /api/public/scores`` and
``/api/public/v2/scores`` list them, ``/api/public/v2/scores/{id}`` reads one, and
``/api/public/v3/scores`` is SDK 5.x's cursor-paged list."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from aiohttp import web

from mockfuse.api.exchange import Exchange, parse_json
from mockfuse.api.paging import bad_query, cursor_paged, paged
from mockfuse.api.reading import (
    Reading,
    equal_to_query,
    in_time_range,
    meeting_filter,
    not_found_in_project,
    reading,
)
from mockfuse.api.routing import Access, Routes
from mockfuse.langfuse.ingestion.schema import SCORE, body_issues, describe
from mockfuse.langfuse.projection import Entity, Event
from mockfuse.langfuse.score_configs import ScoreRefused
from mockfuse.langfuse.timestamps import format_timestamp, utc_now

routes = Routes()


def _score_event(score: dict[str, Any]) -> Event:
    body = {**score, "id": score.get("id") or str(uuid.uuid4())}
    # The same score sent again (a client's retry) is the same event.
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:24]
    return {
        "id": f"scores-api:{digest}",
        "type": "score-create",
        "timestamp": body.get("timestamp") or format_timestamp(utc_now()),
        "body": body,
    }


def _issues(score: Any) -> str | None:
    if not isinstance(score, dict):
        return "Expected object"
    issues = body_issues(SCORE, score)
    return describe(issues) if issues else None


@routes.post("/api/public/scores", access=Access.ANY_KEY)
async def create_scores(exchange: Exchange) -> web.Response:
    try:
        payload = parse_json(exchange.raw_body)
    except ValueError as error:
        return exchange.answer_invalid(f"Invalid JSON: {error}")
    configs = exchange.services.score_configs
    if isinstance(payload, dict):
        problem = _issues(payload)
        if problem is not None:
            return exchange.answer_invalid(problem, body=payload)
        try:
            configs.check(exchange.tenant, payload)
        except ScoreRefused as refused:
            refusal = {"message": refused.message, "error": refused.error}
            return exchange.answer(refused.status, refusal, body=payload)
        event = _score_event(payload)
        return exchange.answer(200, {"id": event["body"]["id"]}, body=payload, events=[event])
    if not isinstance(payload, list):
        return exchange.answer_invalid("Expected object or array")
    events, errors = [], []
    for index, score in enumerate(payload):
        problem = _issues(score)
        if problem is None:
            try:
                configs.check(exchange.tenant, score)
            except ScoreRefused as refused:
                problem = refused.message
        if problem is None:
            events.append(_score_event(score))
        else:
            errors.append({"index": index, "message": problem})
    if not errors:
        return exchange.answer(202, {"message": "Accepted"}, body=payload, events=events)
    answer = {"accepted": len(events), "rejected": len(errors), "errors": errors}
    return exchange.answer(207, answer, body=payload, events=events)


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
    scores = equal_to_query(reading.scores, query, SCORE_FILTERS)
    user_id = query.get("userId")
    if user_id is not None:
        traces_of_user = {t["id"] for t in reading.traces if t["userId"] == user_id}
        scores = [s for s in scores if s["traceId"] in traces_of_user]
    in_range = in_time_range(scores, query, "timestamp")
    if isinstance(in_range, str):
        return in_range
    return sorted(in_range, key=lambda s: s["timestamp"], reverse=True)


@routes.get("/api/public/v2/scores/{score_id}")
@reading
async def get_score(reading: Reading) -> web.Response:
    score_id = reading.exchange.match("score_id")
    found = next((s for s in reading.scores if s["id"] == score_id), None)
    if found is None:
        return not_found_in_project(reading.exchange, "Score", score_id)
    return reading.exchange.answer(200, found)


@routes.get("/api/public/scores")
@routes.get("/api/public/v2/scores")
@reading
async def list_scores(reading: Reading) -> web.Response:
    scores = _scores(reading, reading.exchange.query)
    if isinstance(scores, str):
        return bad_query(reading.exchange, scores)
    filtered = meeting_filter(reading.exchange, scores, reading.exchange.query)
    return filtered if isinstance(filtered, web.Response) else paged(reading.exchange, filtered)


# v3's names for filters v2 spells otherwise; its other filters keep their v2 names.
_V3_FILTER_NAMES = {"experimentId": "datasetRunId"}


@routes.get("/api/public/v3/scores")
@reading
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
