"""What an experiment's spans record: its items, and the dataset runs they belong to.

SDK 5.x's ``run_experiment`` posts no run items: every span of an item's run carries
``langfuse.experiment.*`` attributes (the experiment, the dataset and item, the run's name, the
item's root observation), and Langfuse shows the experiment and the run from them. The
current JS SDK posts run items and stamps the same attributes; either way an item's trace is
linked once.
"""

from __future__ import annotations

from typing import Any

from mockfuse.datasets import ExperimentItemRun
from mockfuse.otel.mapping import decoded_attribute, object_attribute, observation_of
from mockfuse.otel.spans import Span
from mockfuse.timestamps import normalize_timestamp

PREFIX = "langfuse.experiment."
DATASET_ID = PREFIX + "dataset.id"
ROOT_OBSERVATION_ID = PREFIX + "item.root_observation_id"
# Present in any export that holds an experiment's spans, protobuf or JSON: what the OTLP
# route looks for before it reads an export's spans for experiments.
MARK = (PREFIX + "id").encode()


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def experiment_items(spans: list[Span]) -> list[dict[str, Any]]:
    """The experiment items among ``spans``: each item run's root observation, with its
    experiment's and item's fields, in the shape of Langfuse's experiment items (every field
    group)."""
    items = []
    for span in spans:
        attributes = span.attributes
        experiment_id = _text(attributes.get(PREFIX + "id"))
        item_id = _text(attributes.get(PREFIX + "item.id"))
        if experiment_id is None or item_id is None:
            continue
        if attributes.get(ROOT_OBSERVATION_ID) != span.span_id:
            continue
        observation = observation_of(span)
        end = observation.get("endTime")
        items.append(
            {
                "id": span.span_id,
                "traceId": span.trace_id,
                # As the read API shows times: milliseconds.
                "startTime": normalize_timestamp(observation["startTime"]),
                "endTime": normalize_timestamp(end) if end is not None else None,
                "level": observation["level"],
                "environment": observation.get("environment") or "default",
                "experimentId": experiment_id,
                "experimentName": _text(attributes.get(PREFIX + "name")) or experiment_id,
                "experimentItemId": item_id,
                "experimentDatasetId": _text(attributes.get(DATASET_ID)),
                "experimentItemVersion": _text(attributes.get(PREFIX + "item.version")),
                "input": observation.get("input"),
                "output": observation.get("output"),
                "expectedOutput": decoded_attribute(
                    attributes.get(PREFIX + "item.expected_output")
                ),
                "metadata": observation.get("metadata"),
                "experimentItemMetadata": object_attribute(
                    attributes.get(PREFIX + "item.metadata")
                ),
                "experimentMetadata": object_attribute(attributes.get(PREFIX + "metadata")),
                "experimentDescription": _text(attributes.get(PREFIX + "description")),
            }
        )
    return items


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
                observation_id=_text(attributes.get(ROOT_OBSERVATION_ID)),
                description=_text(attributes.get("langfuse.experiment.description")),
                metadata=object_attribute(attributes.get("langfuse.experiment.metadata")),
            )
        )
    return runs
