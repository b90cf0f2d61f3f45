"""OTLP/JSON exports of experiment spans, stamped as SDK 5.x stamps an item's run, for the
answers the SDKs' own runs cannot vary (time ranges, filters, paging)."""

from __future__ import annotations

from typing import Any


def item_run(
    *,
    trace_id: str,
    experiment_id: str = "experiment-1",
    run_name: str = "nightly",
    dataset_id: str | None = None,
    item_id: str = "item",
    start_second: int = 1_764_669_600,
    extra: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """An item's run: its root span and the task span under it (the item's root
    observation), both carrying the experiment's attributes."""
    root_id, task_id = trace_id[:16], trace_id[16:]
    attributes = {
        "langfuse.experiment.id": experiment_id,
        "langfuse.experiment.name": run_name,
        "langfuse.experiment.item.id": item_id,
        "langfuse.experiment.item.root_observation_id": task_id,
        **({"langfuse.experiment.dataset.id": dataset_id} if dataset_id else {}),
        **(extra or {}),
    }

    def span(span_id: str, parent: str | None) -> dict[str, Any]:
        return {
            "traceId": trace_id,
            "spanId": span_id,
            **({"parentSpanId": parent} if parent else {}),
            "name": "task" if parent else "experiment-item-run",
            "startTimeUnixNano": str(start_second * 10**9),
            "endTimeUnixNano": str((start_second + 1) * 10**9),
            "attributes": [{"key": k, "value": {"stringValue": v}} for k, v in attributes.items()],
        }

    return [span(root_id, None), span(task_id, root_id)]


def export(*runs: list[dict[str, Any]]) -> dict[str, Any]:
    spans = [span for run in runs for span in run]
    return {"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]}
