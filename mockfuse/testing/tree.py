"""A test's traces at a glance, as text: one line a trace and one an observation, nested
by indent, each with what a reader looks for first (type, name, model, usage, cost, level
and status message, scores)."""

from __future__ import annotations

from typing import Any

Entity = dict[str, Any]


def _cost(value: Any) -> str | None:
    return f"${value:.6g}" if isinstance(value, (int, float)) and value else None


def _usage(details: Any) -> str | None:
    if not isinstance(details, dict) or not details:
        return None
    shown = [f"{key} {details[key]}" for key in ("input", "output") if key in details]
    others = [key for key in details if key not in ("input", "output", "total")]
    return ", ".join(shown + [f"{key} {details[key]}" for key in others]) or None


def _scores(scores: list[Entity]) -> str | None:
    if not scores:
        return None
    return "scores " + ", ".join(
        f"{score.get('name')}={score.get('stringValue') or score.get('value')}" for score in scores
    )


def _observation_line(observation: Entity) -> str:
    parts = [f"{observation.get('type') or 'SPAN'} {observation.get('name')!r}"]
    if observation.get("model"):
        parts.append(str(observation["model"]))
    for part in (_usage(observation.get("usageDetails")), _cost(observation.get("totalCost"))):
        if part:
            parts.append(part)
    level = observation.get("level")
    if level and level != "DEFAULT":
        status = observation.get("statusMessage")
        parts.append(f"{level}: {status}" if status else str(level))
    return "  ".join(parts)


def _outline(observations: list[Entity]) -> list[str]:
    """Observations nested under their parents, in start order; one whose parent is not in
    the trace at the top."""
    ids = {o["id"] for o in observations}
    children: dict[Any, list[Entity]] = {}
    for observation in sorted(observations, key=lambda o: o.get("startTime") or ""):
        parent = observation.get("parentObservationId")
        children.setdefault(parent if parent in ids else None, []).append(observation)
    lines: list[str] = []
    shown: set[Any] = set()
    pending: list[tuple[Entity, int]] = [(o, 1) for o in reversed(children.get(None, []))]
    while pending:
        observation, depth = pending.pop()
        if observation["id"] in shown:
            continue  # a parent cycle is not followed round again
        shown.add(observation["id"])
        lines.append("  " * depth + "- " + _observation_line(observation))
        below = children.get(observation["id"], [])
        pending.extend((child, depth + 1) for child in reversed(below))
    return lines


def render_tree(traces: list[Entity]) -> str:
    """``traces`` (as the fixture shows them) as an indented outline."""
    lines: list[str] = []
    for trace in traces:
        head = [f"trace {trace.get('name')!r}"]
        for key in ("userId", "sessionId"):
            if trace.get(key):
                head.append(f"{key}={trace[key]}")
        for part in (_cost(trace.get("totalCost")), _scores(trace.get("scores") or [])):
            if part:
                head.append(part)
        lines.append("  ".join(head))
        lines.extend(_outline(trace.get("observations") or []))
    return "\n".join(lines) if lines else "(no traces)"
