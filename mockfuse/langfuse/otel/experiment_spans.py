"""What an experiment's spans record: its items, and the dataset runs they belong to.

SDK 5.x's ``run_experiment`` posts no run items: every span of an item's run carries
``langfuse.experiment.*`` attributes (the experiment, the dataset and item, the run's name, the
item's root observation), and Langfuse shows the experiment and the run from them. The
current JS SDK posts run items and stamps the same attributes; either way an item's trace is
linked once.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from mockfuse.langfuse.datasets import ExperimentItemRun
from mockfuse.langfuse.otel.mapping import observation_of
from mockfuse.langfuse.otel.spans import Span
from mockfuse.langfuse.projection import read_io, read_metadata
from mockfuse.langfuse.timestamps import normalize_timestamp

PREFIX = "langfuse.experiment."
DATASET_ID = PREFIX + "dataset.id"
ROOT_OBSERVATION_ID = PREFIX + "item.root_observation_id"
# Present in any export that holds an experiment's spans, protobuf or JSON: what the OTLP
# route looks for before it reads an export's spans for experiments.
MARK = (PREFIX + "id").encode()


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _object(value: Any) -> dict[str, Any] | None:
    read = read_io(value)
    return read if isinstance(read, dict) else None


class ExperimentSpans(NamedTuple):
    """What an export's spans say an experiment ran."""

    item_runs: list[ExperimentItemRun]  # one per span naming a dataset, an item and a run
    items: list[dict[str, Any]]  # one per item run's root observation


def read_experiment_spans(spans: list[Span]) -> ExperimentSpans:
    """The dataset item runs among ``spans``, and the experiment items: each item run's root
    observation, with its experiment's and item's fields, in the shape of Langfuse's
    experiment items (every field group)."""
    read = ExperimentSpans([], [])
    for span in spans:
        attributes = span.attributes
        experiment_id = _text(attributes.get(PREFIX + "id"))
        dataset_id = _text(attributes.get(DATASET_ID))
        item_id = _text(attributes.get(PREFIX + "item.id"))
        run_name = _text(attributes.get(PREFIX + "name"))
        root_id = _text(attributes.get(ROOT_OBSERVATION_ID))
        description = _text(attributes.get(PREFIX + "description"))
        metadata = _object(attributes.get(PREFIX + "metadata"))
        if item_id is None:
            continue
        if dataset_id is not None and run_name is not None:
            read.item_runs.append(
                ExperimentItemRun(
                    dataset_id=dataset_id,
                    item_id=item_id,
                    run_name=run_name,
                    trace_id=span.trace_id,
                    observation_id=root_id,
                    description=description,
                    metadata=metadata,
                )
            )
        if experiment_id is None or root_id != span.span_id:
            continue
        observation = observation_of(span)
        end = observation.get("endTime")
        read.items.append(
            {
                "id": span.span_id,
                "traceId": span.trace_id,
                # As the read API shows times: milliseconds.
                "startTime": normalize_timestamp(observation["startTime"]),
                "endTime": normalize_timestamp(end) if end is not None else None,
                "level": observation["level"],
                "environment": observation.get("environment") or "default",
                "experimentId": experiment_id,
                "experimentName": run_name or experiment_id,
                "experimentItemId": item_id,
                "experimentDatasetId": dataset_id,
                "experimentItemVersion": _text(attributes.get(PREFIX + "item.version")),
                "input": read_io(observation.get("input")),
                "output": read_io(observation.get("output")),
                "expectedOutput": read_io(attributes.get(PREFIX + "item.expected_output")),
                "metadata": read_metadata(observation.get("metadata")),
                "experimentItemMetadata": _object(attributes.get(PREFIX + "item.metadata")),
                "experimentMetadata": metadata,
                "experimentDescription": description,
            }
        )
    return read
