"""The three things a snapshot can show, built from a tenant's captures.

- ``traces`` (the default): merged traces as the read API shows them, with observations
  nested under their parents and scores attached. It does not change when an SDK splits or
  reorders batches.
- ``events``: the accepted ingestion events, flat; batch boundaries gone.
- ``requests``: what each request carried and how it was answered, as a test comparing raw
  request bodies sees it.
"""

from __future__ import annotations

from typing import Any

from mockfuse.capture.requests import CapturedRequest
from mockfuse.capture.services import Services
from mockfuse.langfuse.projection import Entity

VIEWS = ("traces", "events", "requests")


def _observation_tree(observations: list[Entity]) -> list[Entity]:
    """Observations nested under their parents; one whose parent is not in this trace stays
    at the root with its ``parentObservationId``, so a dangling link shows."""
    nodes = {o["id"]: {k: v for k, v in o.items() if k != "traceId"} for o in observations}
    children: dict[str, list[Entity]] = {}
    roots: list[Entity] = []
    for observation_id, node in nodes.items():
        parent = node.get("parentObservationId")
        if isinstance(parent, str) and parent in nodes and parent != observation_id:
            children.setdefault(parent, []).append(node)
        else:
            roots.append(node)
    placed: set[str] = set()

    def attach(node: Entity) -> None:
        placed.add(node["id"])
        below = [child for child in children.get(node["id"], []) if child["id"] not in placed]
        for child in below:
            child.pop("parentObservationId", None)
            attach(child)
        if below:
            node["children"] = below

    for root in roots:
        attach(root)
    # A parent cycle has no root; its members are shown at the root rather than lost.
    for observation_id, node in nodes.items():
        if observation_id not in placed:
            roots.append(node)
            attach(node)
    return roots


def traces_view(traces: list[Entity]) -> list[Entity]:
    return [
        {
            **{k: v for k, v in trace.items() if k not in ("observations", "scores")},
            "observations": _observation_tree(trace["observations"]),
            "scores": [{k: v for k, v in s.items() if k != "traceId"} for s in trace["scores"]],
        }
        for trace in traces
    ]


def requests_view(requests: list[CapturedRequest]) -> list[dict[str, Any]]:
    return [
        {
            "method": request.method,
            "path": request.path,
            "query": request.query,
            "status": request.status,
            "body": request.body,
        }
        for request in requests
    ]


def build_view(services: Services, tenant: str | None, view: str) -> list[Any]:
    """The raw data of ``view`` for one tenant, before normalization: traces as the read
    API shows them."""
    if view == "traces":
        return traces_view(services.shown_traces(tenant))
    if view == "events":
        return services.store.events(tenant)
    if view == "requests":
        return requests_view(services.store.requests(tenant))
    raise ValueError(f"unknown view {view!r}; choose one of {list(VIEWS)}")
