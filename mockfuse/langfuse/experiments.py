"""Experiments as Langfuse shows them (``/api/public/experiments``,
``/api/public/experiment-items``): an SDK that runs an experiment stamps every span of an
item's run with ``langfuse.experiment.*`` attributes, and the run's root observation is the
experiment item; an experiment is its items, grouped by experiment id.

Items are recorded when their spans arrive (see ``mockfuse.langfuse.otel.experiment_spans``),
once per trace and observation however often an exporter retries them, and kept per tenant
like its datasets.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

Record = dict[str, Any]


class ExperimentBook:
    def __init__(self) -> None:
        self._tenants: dict[str | None, dict[tuple[str, str], Record]] = {}
        self._lock = threading.Lock()

    def add(self, public_key: str | None, items: Iterable[Record]) -> None:
        with self._lock:
            kept = self._tenants.setdefault(public_key, {})
            for item in items:
                kept.setdefault((item["traceId"], item["id"]), item)

    def items(self, public_key: str | None) -> list[Record]:
        """Every item, newest first by start time."""
        with self._lock:
            items = list(self._tenants.get(public_key, {}).values())
        return sorted(items, key=lambda item: item["startTime"], reverse=True)

    def forget(self, public_key: str | None) -> None:
        with self._lock:
            self._tenants.pop(public_key, None)


def experiments_of(items: list[Record]) -> list[Record]:
    """The experiments ``items`` belong to, each summarized over those items, newest first by
    its latest event."""
    grouped: dict[str, list[Record]] = {}
    for item in items:
        grouped.setdefault(item["experimentId"], []).append(item)
    experiments = []
    for experiment_id, members in grouped.items():
        first = members[0]
        ends = [item["endTime"] or item["startTime"] for item in members]
        experiments.append(
            {
                "id": experiment_id,
                "name": first["experimentName"],
                "description": first["experimentDescription"],
                "startTime": min(item["startTime"] for item in members),
                "endTime": max(ends),
                "itemCount": len(members),
                "datasetId": first["experimentDatasetId"],
                "metadata": first["experimentMetadata"],
            }
        )
    return sorted(experiments, key=lambda experiment: experiment["endTime"], reverse=True)
