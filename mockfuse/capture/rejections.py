"""What mockfuse refused of the data a client sent, read from the request log.

Langfuse answers a batch with 207 and an error per refused event, most writes it refuses with
a 4xx, and an OpenTelemetry export with 200 before its worker drops the spans it cannot take;
clients log such answers at best. A rejection is each of those, with Langfuse's reason and the
request it came in:

- each error of a 207 (the events a fault rule rejected on purpose aside);
- a write (any method but GET, HEAD and OPTIONS) to Langfuse's API answered 4xx or 5xx,
  except 401 and 403: the keys a client holds are the test's choice, and a test that wants
  wrong keys gets the answer it asked for;
- an export whose spans mockfuse could not read or that failed validation;
- a media upload the client reports as failed.

Reads are not writes: a 404 for a prompt the client then falls back from is the client's
normal path. A request a fault rule answered (``mockfuse.fail``) refuses nothing of its own.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mockfuse.capture.requests import CapturedRequest

READS = frozenset({"GET", "HEAD", "OPTIONS"})
LANGFUSE_API = "/api/public/"
OTLP_PATH = "/api/public/otel/"
MEDIA_PATH = "/api/public/media/"
# What a 207 fault rule's rejected events say (``mockfuse.langfuse.ingestion.batch``).
FAULT_MESSAGE = "mockfuse fault rule"


@dataclass(frozen=True)
class Rejection:
    """One thing refused: the request (its sequence number, method, path and status), what
    of it was refused (an event, or the whole request) and Langfuse's reason."""

    seq: int
    method: str
    path: str
    status: int
    what: str
    reason: str

    def describe(self) -> str:
        request = f"{self.method} {self.path} answered {self.status} (request {self.seq})"
        return f"{self.what}: {self.reason} [{request}]"


def _words(value: Any) -> str:
    """Langfuse's words on one line: a list of zod issues (sent as JSON text) as ``path:
    message`` each, anything else with its whitespace collapsed."""
    if isinstance(value, str) and value.lstrip().startswith("["):
        with contextlib.suppress(ValueError):  # not JSON after all: said as it is
            value = json.loads(value)
    if isinstance(value, list) and all(isinstance(issue, dict) for issue in value):
        return "; ".join(
            ".".join(map(str, issue.get("path") or [])) + f": {issue.get('message')}"
            for issue in value
        )
    return " ".join(str(value).split())


def _reason(answer: Any, fallback: str | None) -> str:
    """Langfuse's words in an error answer: its message and the errors it lists."""
    if not isinstance(answer, dict):
        return fallback or "refused"
    parts = [_words(answer[key]) for key in ("message", "error") if answer.get(key)]
    errors = answer.get("errors")
    if isinstance(errors, list) and errors:
        parts.append("; ".join(_words(error) for error in errors))
    return ": ".join(parts) or fallback or "refused"


def _event_rejections(request: CapturedRequest, answer: Any) -> list[Rejection]:
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if not isinstance(errors, list):
        return []
    types = _event_types(request.body)
    rejected = []
    for error in errors:
        if not isinstance(error, dict) or error.get("message") == FAULT_MESSAGE:
            continue
        event_id = error.get("id")
        kind = types.get(str(event_id))
        what = "an event" if event_id is None else f"event {event_id}"
        what += f" ({kind})" if kind else ""
        words = [_words(error[key]) for key in ("status", "message", "error") if error.get(key)]
        rejected.append(_rejection(request, what, " ".join(words) or "refused"))
    return rejected


def _event_types(body: Any) -> dict[str, str]:
    batch = body.get("batch") if isinstance(body, dict) else None
    if not isinstance(batch, list):
        return {}
    return {
        str(event.get("id")): str(event.get("type"))
        for event in batch
        if isinstance(event, dict) and "id" in event
    }


def _rejection(request: CapturedRequest, what: str, reason: str) -> Rejection:
    return Rejection(request.seq, request.method, request.path, request.status, what, reason)


def rejections_of(request: CapturedRequest) -> list[Rejection]:
    """What ``request`` had refused, as the module's docstring lists."""
    if request.faulted or request.method in READS or not request.path.startswith(LANGFUSE_API):
        return []
    status = request.status
    if status in (401, 403):
        return []
    if status >= 400:
        return [_rejection(request, "the request", _reason(request.response, request.note))]
    if status == 207:
        return _event_rejections(request, request.response)
    if request.path.startswith(OTLP_PATH) and request.note:
        return [_rejection(request, "spans of the export", request.note)]
    if request.path.startswith(MEDIA_PATH) and request.method == "PATCH":
        return _media_rejections(request)
    return []


def _media_rejections(request: CapturedRequest) -> list[Rejection]:
    report = request.body
    if not isinstance(report, dict):
        return []
    upload_status = report.get("uploadHttpStatus")
    if not isinstance(upload_status, int) or 200 <= upload_status < 300:
        return []
    error = report.get("uploadHttpError")
    reason = f"the client reports its upload failed with {upload_status}"
    return [_rejection(request, "a media upload", f"{reason}: {error}" if error else reason)]


def rejections(requests: Iterable[CapturedRequest]) -> list[Rejection]:
    return [rejection for request in requests for rejection in rejections_of(request)]
