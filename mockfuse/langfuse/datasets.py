"""Datasets, their items and the runs that link items to traces, kept per tenant as Langfuse
keeps them per project.

A dataset is created (or updated) by name; an item is upserted by id, and its id belongs to
one dataset; a run item creates its run on the fly, by name within the dataset, and a run
item that names only an observation is linked to that observation's trace. Lists come
newest first, as Langfuse sorts them.

Items are versioned as Langfuse versions them: every upsert and every deletion is a new
version of the item, stamped with when it became current (its ``version``), so a list asked
for ``version=<moment>`` shows the items as they were then. Lists hold only ``ACTIVE`` items;
an archived item is still found by its id.

A run's id is Langfuse's stable experiment id for (project, dataset, run name), the one its
SDKs derive for an experiment over the dataset, so that an experiment's spans and the run
they belong to name the same id.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockfuse.langfuse.ingestion.schema import json_kind
from mockfuse.langfuse.strict_objects import unrecognized_keys
from mockfuse.langfuse.timestamps import WriteClock, parse_timestamp

ITEM_STATUSES = ("ACTIVE", "ARCHIVED")
# Langfuse's run item body is a strict object.
RUN_ITEM_KEYS = frozenset(
    {
        "runName",
        "runDescription",
        "metadata",
        "datasetItemId",
        "observationId",
        "traceId",
        "datasetVersion",
    }
)

Record = dict[str, Any]
_DELETED = "_deleted"  # marks the version a deletion made


class DatasetError(ValueError):
    """A request Langfuse refuses with 400."""


class DatasetNotFound(LookupError):
    """A named dataset, item, run or observation that does not exist: Langfuse's 404."""


@dataclass(frozen=True)
class ExperimentItemRun:
    """One dataset item run in an experiment, as an experiment's spans record it."""

    dataset_id: str
    item_id: str
    run_name: str
    trace_id: str
    observation_id: str | None
    description: str | None = None
    metadata: Any = None


@dataclass
class _Tenant:
    datasets: dict[str, Record] = field(default_factory=dict)  # by name
    # By id, in creation order: each item's versions, oldest first (a deletion is one).
    items: dict[str, list[Record]] = field(default_factory=dict)
    runs: dict[tuple[str, str], Record] = field(default_factory=dict)  # by (dataset id, name)
    run_items: list[Record] = field(default_factory=list)

    def item(self, item_id: str | None) -> Record | None:
        """The item's current version; None when there is none or it was deleted."""
        versions = self.items.get(item_id) if item_id is not None else None
        return _live(versions[-1]) if versions else None


# Every dataset write's time (its items' versions): see ``WriteClock``.
_now = WriteClock().now


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


def parse_version(value: str) -> datetime:
    """A ``version`` (or ``datasetVersion``) parameter as the moment it names."""
    moment = parse_timestamp(value)
    if moment is None:
        raise DatasetError("version: must be an ISO 8601 date-time with an offset")
    return moment


def _live(version: Record) -> Record | None:
    return None if version.get(_DELETED) else version


def _as_of(versions: list[Record], moment: datetime | None) -> Record | None:
    """The version of an item current at ``moment`` (now when None); None when it did not
    exist then or had been deleted."""
    current = None
    for version in versions:
        became = parse_timestamp(version["version"])
        if moment is not None and became is not None and became > moment:
            break
        current = version
    return None if current is None else _live(current)


def stable_run_id(project_id: str, dataset_id: str, run_name: str) -> str:
    """Langfuse's stable experiment id: SHA-256 over the JSON array of these, 16 hex digits."""
    seed = json.dumps(
        ["langfuse-experiment-v1", project_id, dataset_id, run_name],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16]


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
        """Create an item, or make a new version of the one with ``spec["id"]``: given fields
        replace, the others stay."""
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
            current = tenant.item(item_id)
            now = _now()
            if current is not None and current["datasetId"] != dataset["id"]:
                raise DatasetNotFound(
                    f"The dataset item with id {item_id} already exists in a dataset other "
                    f"than {dataset_name}"
                )
            if current is None:
                item: Record = {
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
            else:
                item = dict(current)
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
            tenant.items.setdefault(item["id"], []).append(item)
            return dict(item)

    def items(
        self,
        public_key: str | None,
        *,
        dataset_name: str | None = None,
        source_trace_id: str | None = None,
        source_observation_id: str | None = None,
        version: datetime | None = None,
    ) -> list[Record]:
        """The ``ACTIVE`` items that match, as they were at ``version`` (now when None)."""
        with self._lock:
            tenant = self._tenant(public_key)
            dataset_id = None
            if dataset_name is not None:
                dataset_id = self._dataset(tenant, dataset_name)["id"]
            found = []
            for versions in tenant.items.values():
                item = _as_of(versions, version)
                if (
                    item is not None
                    and item["status"] == "ACTIVE"
                    and dataset_id in (None, item["datasetId"])
                    and source_trace_id in (None, item["sourceTraceId"])
                    and source_observation_id in (None, item["sourceObservationId"])
                ):
                    found.append(item)
            return _newest_first(found)

    def item(self, public_key: str | None, item_id: str) -> Record:
        with self._lock:
            item = self._tenant(public_key).item(item_id)
            if item is None:
                raise DatasetNotFound("Dataset item not found")
            return dict(item)

    def delete_item(self, public_key: str | None, item_id: str) -> None:
        with self._lock:
            tenant = self._tenant(public_key)
            if tenant.item(item_id) is None:
                raise DatasetNotFound("Dataset item not found")
            tenant.items[item_id].append({"id": item_id, "version": _now(), _DELETED: True})

    # -- runs -------------------------------------------------------------------------------

    def _run(
        self, tenant: _Tenant, dataset: Record, name: str, description: Any, metadata: Any
    ) -> Record:
        """The dataset's run ``name``, made when new; a description or metadata given
        replaces the run's."""
        now = _now()
        run = tenant.runs.get((dataset["id"], name))
        if run is None:
            run = tenant.runs[(dataset["id"], name)] = {
                "id": stable_run_id(self._project_id, dataset["id"], name),
                "name": name,
                "description": None,
                "metadata": None,
                "datasetId": dataset["id"],
                "datasetName": dataset["name"],
                "createdAt": now,
            }
        for key, value in (("description", description), ("metadata", metadata)):
            if value is not None:
                run[key] = value
        run["updatedAt"] = now
        return run

    @staticmethod
    def _link(
        tenant: _Tenant, run: Record, item_id: str, trace_id: str, observation_id: str | None
    ) -> Record:
        now = _now()
        run_item = {
            "id": str(uuid.uuid4()),
            "datasetRunId": run["id"],
            "datasetRunName": run["name"],
            "datasetItemId": item_id,
            "traceId": trace_id,
            "observationId": observation_id,
            "createdAt": now,
            "updatedAt": now,
        }
        tenant.run_items.append(run_item)
        return run_item

    def add_run_item(
        self,
        public_key: str | None,
        spec: Record,
        trace_of_observation: Callable[[str], str | None],
    ) -> Record:
        """Link a dataset item to a trace (or an observation and its trace) in run
        ``spec["runName"]``, creating the run when it is new."""
        unknown = unrecognized_keys(spec, RUN_ITEM_KEYS)
        if unknown is not None:
            raise DatasetError(unknown)
        run_name = _required_string(spec, "runName")
        item_id = _required_string(spec, "datasetItemId")
        trace_id = _optional_string(spec, "traceId")
        observation_id = _optional_string(spec, "observationId")
        description = _optional_string(spec, "runDescription")
        dataset_version = _optional_string(spec, "datasetVersion")
        if dataset_version is not None:
            parse_version(dataset_version)
        if not trace_id and not observation_id:
            raise DatasetError("observationId or traceId must be provided")
        if not trace_id:
            assert observation_id is not None
            trace_id = trace_of_observation(observation_id)
            if trace_id is None:
                raise DatasetNotFound("Observation not found")
        with self._lock:
            tenant = self._tenant(public_key)
            item = tenant.item(item_id)
            if item is None:
                raise DatasetNotFound("Dataset item not found")
            dataset = self._dataset(tenant, item["datasetName"])
            run = self._run(tenant, dataset, run_name, description, spec.get("metadata"))
            return dict(self._link(tenant, run, item_id, trace_id, observation_id))

    def add_experiment_item_runs(
        self, public_key: str | None, item_runs: Iterable[ExperimentItemRun]
    ) -> None:
        """Record what an experiment's spans say ran: each item's trace in the run named by
        the experiment, once per item and trace, for datasets this tenant has."""
        with self._lock:
            tenant = self._tenant(public_key)
            by_id = {dataset["id"]: dataset for dataset in tenant.datasets.values()}
            linked = {
                (r["datasetRunId"], r["datasetItemId"], r["traceId"]) for r in tenant.run_items
            }
            for item_run in item_runs:
                dataset = by_id.get(item_run.dataset_id)
                if dataset is None:
                    continue
                run = self._run(
                    tenant, dataset, item_run.run_name, item_run.description, item_run.metadata
                )
                link = (run["id"], item_run.item_id, item_run.trace_id)
                if link not in linked:
                    linked.add(link)
                    self._link(
                        tenant, run, item_run.item_id, item_run.trace_id, item_run.observation_id
                    )

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
