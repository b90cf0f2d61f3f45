"""Sessions: ``GET /api/public/sessions`` and ``/api/public/sessions/{sessionId}``: each
session the traces that name it, oldest first."""

from __future__ import annotations

from aiohttp import web

from mockfuse.api.paging import bad_query, paged
from mockfuse.api.reading import (
    Reading,
    equal_to_query,
    in_time_range,
    meeting_filter,
    not_found_in_project,
    reading,
)
from mockfuse.api.routing import Routes
from mockfuse.langfuse.projection import Entity

routes = Routes()


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


@routes.get("/api/public/sessions/{session_id}")
@reading
async def get_session(reading: Reading) -> web.Response:
    session_id = reading.exchange.match("session_id")
    session = _sessions(reading).get(session_id)
    if session is None:
        return not_found_in_project(reading.exchange, "Session", session_id)
    return reading.exchange.answer(200, session)


@routes.get("/api/public/sessions")
@reading
async def list_sessions(reading: Reading) -> web.Response:
    sessions = equal_to_query(
        list(_sessions(reading).values()), reading.exchange.query, ("environment",)
    )
    in_range = in_time_range(sessions, reading.exchange.query, "createdAt")
    if isinstance(in_range, str):
        return bad_query(reading.exchange, in_range)
    newest_first = sorted(in_range, key=lambda s: s["createdAt"] or "", reverse=True)
    shown = [{k: v for k, v in s.items() if k != "traces"} for s in newest_first]
    filtered = meeting_filter(reading.exchange, shown, reading.exchange.query)
    return filtered if isinstance(filtered, web.Response) else paged(reading.exchange, filtered)
