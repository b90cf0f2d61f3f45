"""``POST /api/public/ingestion``: the batch endpoint of Langfuse SDK 2.x, the legacy JS SDK
and LiteLLM's classic Langfuse logging.

Langfuse answers 207 even when events fail: each event is judged on its own and listed in
``successes`` or ``errors`` (both always present; ``sdk-log`` in neither). Only a request
that is not ``{batch: [...]}`` as a whole gets a 400.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import partial
from typing import Any

from aiohttp import web

from mockfuse.api.exchange import Exchange, TooLarge, encode_json
from mockfuse.api.routing import Access, Routes, server_body_limit
from mockfuse.capture.requests import NOTHING, KeptJson, Made
from mockfuse.langfuse.ingestion.batch import judge_batch
from mockfuse.langfuse.ingestion.fast import accept_batch, accepted_structs
from mockfuse.langfuse.ingestion.marks import Mark
from mockfuse.langfuse.ingestion.schema import json_kind

routes = Routes()


def _shape_errors(payload: Any) -> list[str]:
    if not isinstance(payload, dict):
        return [f"Expected object, received {json_kind(payload)}"]
    if "batch" not in payload:
        return ["batch: Required"]
    return [f"batch: Expected array, received {json_kind(payload['batch'])}"]


@routes.post("/api/public/ingestion", access=Access.ANY_KEY, limit=server_body_limit)
async def ingestion(exchange: Exchange) -> web.Response:
    services = exchange.services
    limit = services.config.max_body_size
    most = services.config.max_batch_events
    try:
        text = exchange.body_within(limit)
        if _may_take_the_fast_path(exchange):
            if not services.windows.is_windowed(exchange.public_key):
                # Nothing to place in a test window now: stored as it came, made when read.
                batch = accepted_structs(text, most)
                if batch is not None:
                    return exchange.answer_later(
                        207,
                        encode_json(_all_accepted(batch)),
                        body=KeptJson(text=text),
                        make=partial(_batch_again, text),
                        carries=len(batch),
                        kept_answer=NOTHING,  # made again with the events
                    )
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


def _batch_again(text: bytes) -> Made:
    """The events of a batch the fast path accepted, and its answer, made again from its text
    (the same text, so the same events and answer)."""
    accepted = accept_batch(text, sys.maxsize)
    if accepted is None:
        raise ValueError("the batch was accepted when it arrived and is refused now")
    return Made(accepted, KeptJson(text=encode_json(_all_accepted(accepted))))


def _may_take_the_fast_path(exchange: Exchange) -> bool:
    """Only a plain valid batch can be answered without judging each event: not one under a
    207 fault rule, nor one from a scores-only key, nor one the journal needs decoded."""
    principal = exchange.principal
    return (
        (principal is None or principal.scope != "scores")
        and (exchange.fault is None or exchange.fault.status != 207)
        and exchange.services.store.journal is None
    )
