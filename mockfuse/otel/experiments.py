"""The dataset runs an experiment's spans record.

SDK 5.x's ``run_experiment`` posts no run items: every span of an item's run carries
``langfuse.experiment.*`` attributes (the dataset, the item, the run's name, the item's root
observation), and Langfuse shows the run from them. The current JS SDK posts run items and
stamps the same attributes; either way an item's trace is linked once.
"""

from __future__ import annotations

import json
from typing import Any

from mockfuse.datasets import ExperimentItemRun
from mockfuse.otel.spans import Span

DATASET_ID = "langfuse.experiment.dataset.id"
# Present in any export that holds an experiment's spans, protobuf or JSON: what the OTLP
# route looks for before it reads an export's spans for runs.
MARK = DATASET_ID.encode()


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _metadata(value: Any) -> Any:
    if not isinstance(value, str):
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def experiment_item_runs(spans: list[Span]) -> list[ExperimentItemRun]:
    """One per span that names a dataset, an item and a run."""
    runs = []
    for span in spans:
        attributes = span.attributes
        dataset_id = _text(attributes.get(DATASET_ID))
        item_id = _text(attributes.get("langfuse.experiment.item.id"))
        run_name = _text(attributes.get("langfuse.experiment.name"))
        if dataset_id is None or item_id is None or run_name is None:
            continue
        runs.append(
            ExperimentItemRun(
                dataset_id=dataset_id,
                item_id=item_id,
                run_name=run_name,
                trace_id=span.trace_id,
                observation_id=_text(
                    attributes.get("langfuse.experiment.item.root_observation_id")
                ),
                description=_text(attributes.get("langfuse.experiment.description")),
                metadata=_metadata(attributes.get("langfuse.experiment.metadata")),
            )
        )
    return runs
