"""Judging an ingestion batch event by event, as Langfuse's batch processor does: each event
accepted or rejected on its own, with the reason Langfuse gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mockfuse.langfuse.ingestion.schema import INVALID, describe, envelope_issues
from mockfuse.langfuse.projection import Event
from mockfuse.langfuse.score_configs import ScoreRefused


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
