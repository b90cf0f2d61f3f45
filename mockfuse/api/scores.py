"""``POST /api/public/scores``: one score (answers ``{"id"}``) or, as SDK 5.x sends them, an
array (answers 202, or 207 naming the rejected ones). Scores become ``score-create`` events,
validated as the ingestion endpoint validates them, and against the config they name
(``configId``: 400, or 404 for an unknown one). ``GET`` lists scores (``api/read.py``)."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from aiohttp import web

from mockfuse.api.exchange import Exchange, parse_json
from mockfuse.api.read import list_scores
from mockfuse.api.routing import Access, Routes
from mockfuse.langfuse.ingestion.schema import SCORE, body_issues, describe
from mockfuse.langfuse.projection import Event
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


PATH = "/api/public/scores"
routes.get(PATH)(list_scores)


@routes.post(PATH, access=Access.ANY_KEY)
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
