"""Datasets, their items and the runs that link items to traces, kept per tenant as Langfuse
keeps them per project.

A dataset is created (or updated) by name; an item is upserted by id, and its id belongs to
one dataset; a run item creates its run on the fly, by name within the dataset, and a run
item that names only an observation is linked to that observation's trace. Lists come
newest first, as Langfuse sorts them.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mockfuse.api.ingestion_schema import json_kind
from mockfuse.timestamps import format_timestamp, utc_now

ITEM_STATUSES = ("ACTIVE", "ARCHIVED")

Record = dict[str, Any]


class DatasetError(ValueError):
    """A request Langfuse refuses with 400."""


class DatasetNotFound(LookupError):
    """A named dataset, item, run or observation that does not exist: Langfuse's 404."""


@dataclass
class _Tenant:
    datasets: dict[str, Record] = field(default_factory=dict)  # by name
    items: dict[str, Record] = field(default_factory=dict)  # by id, in creation order
    runs: dict[tuple[str, str], Record] = field(default_factory=dict)  # by (dataset id, name)
    run_items: list[Record] = field(default_factory=list)


def _now() -> str:
    return format_timestamp(utc_now())


def _newest_first(records: list[Record]) -> list[Record]:
    # Creation order breaks ties between records made in the same millisecond.
    return [dict(record) for record in reversed(records)]


def _optional_string(spec: Record, name: str) -> str | None:
    value = spec.get(name)
    if value is not None and not isinstance(value, str):
        raise DatasetError(f"{name}: Expected string, received {json_kind(value)}")
    return value


def _required_string(spec: Record, name: str) -> str:
    value = _optional_string(spec, name)
    if value is None:
        raise DatasetError(f"{name}: Required")
    return value


class DatasetBook:
    def __init__(self, project_id: str) -> None:
        self._project_id = project_id
        self._tenants: dict[str | None, _Tenant] = {}
        self._lock = threading.Lock()

    def _tenant(self, public_key: str | None) -> _Tenant:
        return self._tenants.setdefault(public_key, _Tenant())

    def _dataset(self, tenant: _Tenant, name: str) -> Record:
        dataset = tenant.datasets.get(name)
        if dataset is None:
            raise DatasetNotFound("Dataset not found")
        return dataset

    # -- datasets ---------------------------------------------------------------------------

    def upsert_dataset(self, public_key: str | None, spec: Record) -> Record:
        name = _required_string(spec, "name")
        description = _optional_string(spec, "description")
        with self._lock:
            tenant = self._tenant(public_key)
            dataset = tenant.datasets.get(name)
            now = _now()
            if dataset is None:
                dataset = tenant.datasets[name] = {
                    "id": str(uuid.uuid4()),
                    "name": name,
                    "description": None,
                    "metadata": None,
                    "inputSchema": None,
                    "expectedOutputSchema": None,
                    "projectId": self._project_id,
                    "createdAt": now,
                }
            given = {**spec, "description": description}
            for key in ("description", "metadata", "inputSchema", "expectedOutputSchema"):
                if given.get(key) is not None:
                    dataset[key] = given[key]
            dataset["updatedAt"] = now
            return dict(dataset)

    def datasets(self, public_key: str | None) -> list[Record]:
        with self._lock:
            return _newest_first(list(self._tenant(public_key).datasets.values()))

    def dataset(self, public_key: str | None, name: str) -> Record:
        with self._lock:
            return dict(self._dataset(self._tenant(public_key), name))

    # -- items ------------------------------------------------------------------------------

    def upsert_item(self, public_key: str | None, spec: Record) -> Record:
        """Create an item, or update the one with ``spec["id"]``: given fields replace, the
        others stay."""
        dataset_name = _required_string(spec, "datasetName")
        item_id = _optional_string(spec, "id")
        status = spec.get("status")
        if status is not None and status not in ITEM_STATUSES:
            raise DatasetError(f"status: expected one of {list(ITEM_STATUSES)}")
        for name in ("sourceTraceId", "sourceObservationId"):
            _optional_string(spec, name)
        with self._lock:
            tenant = self._tenant(public_key)
            dataset = self._dataset(tenant, dataset_name)
            item = tenant.items.get(item_id) if item_id is not None else None
            now = _now()
            if item is not None and item["datasetId"] != dataset["id"]:
                raise DatasetNotFound(
                    f"The dataset item with id {item_id} already exists in a dataset other "
                    f"than {dataset_name}"
                )
            if item is None:
                item = {
                    "id": item_id or str(uuid.uuid4()),
                    "status": "ACTIVE",
                    "input": None,
                    "expectedOutput": None,
                    "metadata": None,
                    "sourceTraceId": None,
                    "sourceObservationId": None,
                    "datasetId": dataset["id"],
                    "datasetName": dataset["name"],
                    # Filled in where the item is answered (mockfuse.api.media).
                    "mediaReferences": [],
                    "createdAt": now,
                }
                tenant.items[item["id"]] = item
            for name in (
                "status",
                "input",
                "expectedOutput",
                "metadata",
                "sourceTraceId",
                "sourceObservationId",
            ):
                if spec.get(name) is not None:
                    item[name] = spec[name]
            item["updatedAt"] = item["version"] = now
            return dict(item)

    def items(
        self,
        public_key: str | None,
        *,
        dataset_name: str | None = None,
        source_trace_id: str | None = None,
        source_observation_id: str | None = None,
    ) -> list[Record]:
        with self._lock:
            tenant = self._tenant(public_key)
            items = list(tenant.items.values())
            if dataset_name is not None:
                dataset_id = self._dataset(tenant, dataset_name)["id"]
                items = [item for item in items if item["datasetId"] == dataset_id]
            if source_trace_id is not None:
                items = [item for item in items if item["sourceTraceId"] == source_trace_id]
            if source_observation_id is not None:
                items = [
                    item for item in items if item["sourceObservationId"] == source_observation_id
                ]
            return _newest_first(items)

    def item(self, public_key: str | None, item_id: str) -> Record:
        with self._lock:
            item = self._tenant(public_key).items.get(item_id)
            if item is None:
                raise DatasetNotFound("Dataset item not found")
            return dict(item)

    def delete_item(self, public_key: str | None, item_id: str) -> None:
        with self._lock:
            if self._tenant(public_key).items.pop(item_id, None) is None:
                raise DatasetNotFound("Dataset item not found")

    # -- runs -------------------------------------------------------------------------------

    def add_run_item(
        self,
        public_key: str | None,
        spec: Record,
        trace_of_observation: Callable[[str], str | None],
    ) -> Record:
        """Link a dataset item to a trace (or an observation and its trace) in run
        ``spec["runName"]``, creating the run when it is new."""
        run_name = _required_string(spec, "runName")
        item_id = _required_string(spec, "datasetItemId")
        trace_id = _optional_string(spec, "traceId")
        observation_id = _optional_string(spec, "observationId")
        description = _optional_string(spec, "runDescription")
        if not trace_id and not observation_id:
            raise DatasetError("observationId or traceId must be provided")
        if not trace_id:
            assert observation_id is not None
            trace_id = trace_of_observation(observation_id)
            if trace_id is None:
                raise DatasetNotFound("Observation not found")
        with self._lock:
            tenant = self._tenant(public_key)
            item = tenant.items.get(item_id)
            if item is None:
                raise DatasetNotFound("Dataset item not found")
            now = _now()
            run = tenant.runs.get((item["datasetId"], run_name))
            if run is None:
                run = tenant.runs[(item["datasetId"], run_name)] = {
                    "id": str(uuid.uuid4()),
                    "name": run_name,
                    "description": None,
                    "metadata": None,
                    "datasetId": item["datasetId"],
                    "datasetName": item["datasetName"],
                    "createdAt": now,
                }
            for key, value in (("description", description), ("metadata", spec.get("metadata"))):
                if value is not None:
                    run[key] = value
            run["updatedAt"] = now
            run_item = {
                "id": str(uuid.uuid4()),
                "datasetRunId": run["id"],
                "datasetRunName": run_name,
                "datasetItemId": item_id,
                "traceId": trace_id,
                "observationId": observation_id,
                "createdAt": now,
                "updatedAt": now,
            }
            tenant.run_items.append(run_item)
            return dict(run_item)

    def runs(self, public_key: str | None, dataset_name: str) -> list[Record]:
        with self._lock:
            tenant = self._tenant(public_key)
            dataset_id = self._dataset(tenant, dataset_name)["id"]
            return _newest_first([r for r in tenant.runs.values() if r["datasetId"] == dataset_id])

    def run(self, public_key: str | None, dataset_name: str, run_name: str) -> Record:
        """A run with its items, newest first."""
        with self._lock:
            tenant = self._tenant(public_key)
            run = tenant.runs.get((self._dataset(tenant, dataset_name)["id"], run_name))
            if run is None:
                raise DatasetNotFound("Dataset run not found")
            items = [item for item in tenant.run_items if item["datasetRunId"] == run["id"]]
            return {**run, "datasetRunItems": _newest_first(items)}

    def delete_run(self, public_key: str | None, dataset_name: str, run_name: str) -> None:
        with self._lock:
            tenant = self._tenant(public_key)
            key = (self._dataset(tenant, dataset_name)["id"], run_name)
            run = tenant.runs.pop(key, None)
            if run is None:
                raise DatasetNotFound("Dataset run not found")
            tenant.run_items = [i for i in tenant.run_items if i["datasetRunId"] != run["id"]]

    def run_items(self, public_key: str | None, dataset_id: str, run_name: str) -> list[Record]:
        with self._lock:
            tenant = self._tenant(public_key)
            run = tenant.runs.get((dataset_id, run_name))
            if run is None:
                raise DatasetNotFound("Dataset run not found")
            items = [item for item in tenant.run_items if item["datasetRunId"] == run["id"]]
            return _newest_first(items)

    def forget(self, public_key: str) -> None:
        with self._lock:
            self._tenants.pop(public_key, None)
