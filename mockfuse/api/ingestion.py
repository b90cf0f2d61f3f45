"""``POST /api/public/ingestion``: the batch endpoint of Langfuse SDK 2.x, the legacy JS SDK
and LiteLLM's classic Langfuse logging.

Langfuse answers 207 even when events fail: each event is judged on its own and listed in
``successes`` or ``errors`` (both always present; ``sdk-log`` in neither). Only a request
that is not ``{batch: [...]}`` as a whole gets a 400.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from mockfuse.api.exchange import INVALID, Exchange, TooLarge, encode_json, open_exchange
from mockfuse.api.ingestion_fast import accept_batch, accepted_structs
from mockfuse.api.ingestion_schema import describe, envelope_issues, json_kind
from mockfuse.config import SERVICES
from mockfuse.projection import Event, EventRef
from mockfuse.score_configs import ScoreRefused
from mockfuse.windows import Mark

routes = web.RouteTableDef()


@dataclass
class BatchVerdict:
    accepted: list[Event] = field(default_factory=list)
    successes: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    # Accepted, then dropped as Langfuse's worker drops them: why, for the request log.
    dropped: list[str] = field(default_factory=list)

    def reject(self, event_id: str, status: int, message: str, error: str) -> None:
        self.errors.append({"id": event_id, "status": status, "message": message, "error": error})

    def response(self) -> dict[str, Any]:
        return {"successes": self.successes, "errors": self.errors}


def _envelope_id(event: Any) -> str:
    event_id = event.get("id") if isinstance(event, dict) else None
    return event_id if isinstance(event_id, str) else "unknown"


def judge_batch(
    batch: list[Any],
    *,
    scores_only: bool,
    reject: int = 0,
    check_score: Callable[[dict[str, Any]], None] | None = None,
) -> BatchVerdict:
    """Sort a batch's events into accepted and rejected, as Langfuse's batch processor does;
    ``reject`` valid events are rejected anyway, for a 207 fault rule. A score that does
    not fit the config it names (``check_score`` raises) is answered as accepted and then
    dropped, as Langfuse's worker drops it."""
    verdict = BatchVerdict()
    to_fail = reject
    for event in batch:
        event_id = _envelope_id(event)
        issues = envelope_issues(event)
        if issues:
            verdict.reject(event_id, 400, INVALID, describe(issues))
            continue
        event_type = event["type"]
        if event_type == "sdk-log":
            continue  # Langfuse logs these and reports them nowhere
        if scores_only and event_type != "score-create":
            verdict.reject(event_id, 401, "Authentication error", "Access Scope Denied")
            continue
        if to_fail > 0:
            to_fail -= 1
            verdict.reject(event_id, 500, "mockfuse fault rule", "Internal Server Error")
            continue
        verdict.successes.append({"id": event_id, "status": 201})
        if event_type == "score-create" and check_score is not None:
            try:
                check_score(event["body"])
            except ScoreRefused as refused:
                verdict.dropped.append(f"score {event_id} dropped: {refused.message}")
                continue
        verdict.accepted.append(event)
    return verdict


def _shape_errors(payload: Any) -> list[str]:
    if not isinstance(payload, dict):
        return [f"Expected object, received {json_kind(payload)}"]
    if "batch" not in payload:
        return ["batch: Required"]
    return [f"batch: Expected array, received {json_kind(payload['batch'])}"]


@routes.route("*", "/api/public/ingestion")
async def ingestion(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    limit = services.config.max_body_size
    exchange = await open_exchange(request, methods=("POST",), limit=limit)
    if not isinstance(exchange, Exchange):  # cheaper than against web.Response, an ABC
        return exchange
    most = services.config.max_batch_events
    try:
        text = exchange.body_within(limit)
        if _may_take_the_fast_path(exchange):
            if not services.windows.is_windowed(exchange.public_key):
                # Nothing to place in a test window now: stored as it came, made when read.
                batch = accepted_structs(text, most)
                if batch is not None:
                    answer = encode_json(_all_accepted(batch))
                    return exchange.answer_batch_later(text, answer, len(batch), _batch_again)
            else:
                marks: list[Mark] = []
                accepted = accept_batch(text, most, marks)
                if accepted is not None:
                    exchange.body_text = text
                    exchange.placement_marks = marks  # a batch judged the slow way has none
                    successes = _all_accepted(accepted)
                    return exchange.answer(207, successes, events=accepted)
        payload = exchange.parse_text(text)
    except TooLarge:
        return exchange.answer_too_large(limit)
    except ValueError as error:
        return exchange.answer_invalid(f"Invalid JSON: {error}")
    if not isinstance(payload, dict) or not isinstance(payload.get("batch"), list):
        return exchange.answer_invalid(*_shape_errors(payload), body=payload)
    if len(payload["batch"]) > most:
        message = f"Batch of {len(payload['batch'])} events exceeds the limit of {most}"
        return exchange.answer(413, {"error": "PayloadTooLargeError", "message": message})
    principal = exchange.principal
    fault = exchange.fault
    configs = services.score_configs
    verdict = judge_batch(
        payload["batch"],
        scores_only=principal is not None and principal.scope == "scores",
        reject=fault.reject if fault is not None and fault.status == 207 else 0,
        check_score=lambda body: configs.check(exchange.tenant, body),
    )
    note = "; ".join(verdict.dropped) or None
    return exchange.answer(
        207, verdict.response(), body=payload, events=verdict.accepted, note=note
    )


def _all_accepted(events: Iterable[Any]) -> dict[str, Any]:
    """The 207 answer to a batch whose every event was accepted: ``events``, decoded or
    referenced, each with its ``id``."""
    return {"successes": [{"id": event.id, "status": 201} for event in events], "errors": []}


def _batch_again(text: bytes) -> tuple[list[EventRef], bytes]:
    """The events of a batch the fast path accepted, and its answer, made again from its text
    (the same text, so the same events and answer)."""
    accepted = accept_batch(text, sys.maxsize)
    if accepted is None:
        raise ValueError("the batch was accepted when it arrived and is refused now")
    return accepted, encode_json(_all_accepted(accepted))


def _may_take_the_fast_path(exchange: Exchange) -> bool:
    """Only a plain valid batch can be answered without judging each event: not one under a
    207 fault rule, nor one from a scores-only key, nor one the journal needs decoded."""
    principal = exchange.principal
    return (
        (principal is None or principal.scope != "scores")
        and (exchange.fault is None or exchange.fault.status != 207)
        and exchange.services.store.journal is None
    )
