"""When what an ingestion event records happened, and the id of its trace: what placing an
event in the test that made it needs of it (see ``mockfuse.capture.windows``)."""

from __future__ import annotations

from typing import Any

from mockfuse.langfuse.timestamps import parse_timestamp

Mark = tuple[float | None, str | None]


def mark_of(event: Any) -> Mark:
    """When what a decoded ingestion event records happened: its body's own start time or
    timestamp, else when the client made the event (a client's logger that runs late, as
    LiteLLM's callbacks on a thread pool do, still dates its observations when they
    happened); and the id of its trace."""
    if not isinstance(event, dict):
        return None, None
    body = event.get("body")
    if not isinstance(body, dict):
        body = {}
    made = None
    for value in (body.get("startTime"), body.get("timestamp"), event.get("timestamp")):
        moment = parse_timestamp(value) if value is not None else None
        if moment is not None:
            made = moment.timestamp()
            break
    trace_id = body.get("id") if event.get("type") == "trace-create" else body.get("traceId")
    return made, trace_id if isinstance(trace_id, str) else None
