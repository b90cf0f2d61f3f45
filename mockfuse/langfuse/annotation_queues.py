"""Annotation queues and their items, per tenant, with Langfuse's strict schemas: a queue names
the score configs its reviewers use (at least one, each the tenant's own), an item a trace,
observation or session to review, PENDING until marked COMPLETED."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from mockfuse.langfuse.strict_objects import unrecognized_keys
from mockfuse.langfuse.timestamps import format_timestamp, utc_now

OBJECT_TYPES = ("TRACE", "OBSERVATION", "SESSION")
STATUSES = ("PENDING", "COMPLETED")
QUEUE_NOT_FOUND = "Annotation queue not found"
ITEM_NOT_FOUND = "Annotation queue item not found"


class QueueError(ValueError):
    """A body Langfuse's schema refuses (400)."""


class QueueNotFound(LookupError):
    """No such queue or item (404)."""


def _strict(spec: Any, fields: frozenset[str]) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise QueueError("Expected object")
    unknown = unrecognized_keys(spec, fields)
    if unknown:
        raise QueueError(unknown)
    return spec


def _status(value: Any, default: str | None) -> str | None:
    if value is None:
        return default
    if value not in STATUSES:
        raise QueueError(f"status: expected one of {list(STATUSES)}")
    return str(value)


class AnnotationQueueBook:
    def __init__(self) -> None:
        self._queues: dict[str | None, dict[str, dict[str, Any]]] = {}
        self._items: dict[str | None, dict[str, dict[str, Any]]] = {}
        self._assignments: dict[str | None, set[tuple[str, str]]] = {}  # (queue, user)
        self._lock = threading.Lock()

    def create_queue(
        self, tenant: str | None, spec: Any, config_exists: Callable[[str], bool]
    ) -> dict[str, Any]:
        spec = _strict(spec, frozenset({"name", "description", "scoreConfigIds"}))
        if not isinstance(spec.get("name"), str):
            raise QueueError("name: Required")
        description = spec.get("description")
        if description is not None and not isinstance(description, str):
            raise QueueError("description: Expected string")
        config_ids = spec.get("scoreConfigIds")
        if not (
            isinstance(config_ids, list)
            and config_ids
            and all(isinstance(c, str) for c in config_ids)
        ):
            raise QueueError("scoreConfigIds: an array of at least 1 string")
        unknown = [c for c in config_ids if not config_exists(c)]
        if unknown:
            raise QueueNotFound(f"Score config(s) not found: {', '.join(unknown)}")
        now = format_timestamp(utc_now())
        queue = {
            "id": str(uuid.uuid4()),
            "name": spec["name"],
            "description": description,
            "scoreConfigIds": list(config_ids),
            "createdAt": now,
            "updatedAt": now,
        }
        with self._lock:
            self._queues.setdefault(tenant, {})[queue["id"]] = queue
        return dict(queue)

    def queues(self, tenant: str | None) -> list[dict[str, Any]]:
        """Newest first, as Langfuse lists them."""
        with self._lock:
            return [dict(q) for q in reversed(self._queues.get(tenant, {}).values())]

    def queue(self, tenant: str | None, queue_id: str) -> dict[str, Any]:
        with self._lock:
            queue = self._queues.get(tenant, {}).get(queue_id)
        if queue is None:
            raise QueueNotFound(QUEUE_NOT_FOUND)
        return dict(queue)

    def add_item(self, tenant: str | None, queue_id: str, spec: Any) -> dict[str, Any]:
        self.queue(tenant, queue_id)
        spec = _strict(spec, frozenset({"objectId", "objectType", "status"}))
        if not isinstance(spec.get("objectId"), str):
            raise QueueError("objectId: Required")
        if spec.get("objectType") not in OBJECT_TYPES:
            raise QueueError(f"objectType: expected one of {list(OBJECT_TYPES)}")
        status = _status(spec.get("status"), "PENDING")
        now = format_timestamp(utc_now())
        item = {
            "id": str(uuid.uuid4()),
            "queueId": queue_id,
            "objectId": spec["objectId"],
            "objectType": spec["objectType"],
            "status": status,
            "completedAt": now if status == "COMPLETED" else None,
            "createdAt": now,
            "updatedAt": now,
        }
        with self._lock:
            self._items.setdefault(tenant, {})[item["id"]] = item
        return dict(item)

    def items(self, tenant: str | None, queue_id: str, status: str | None) -> list[dict[str, Any]]:
        self.queue(tenant, queue_id)
        wanted = _status(status, None)
        with self._lock:
            items = [dict(i) for i in self._items.get(tenant, {}).values()]
        return [i for i in items if i["queueId"] == queue_id and wanted in (None, i["status"])]

    def item(self, tenant: str | None, queue_id: str, item_id: str) -> dict[str, Any]:
        with self._lock:
            item = self._items.get(tenant, {}).get(item_id)
        if item is None or item["queueId"] != queue_id:
            raise QueueNotFound(ITEM_NOT_FOUND)
        return dict(item)

    def update_item(
        self, tenant: str | None, queue_id: str, item_id: str, spec: Any
    ) -> dict[str, Any]:
        self.item(tenant, queue_id, item_id)
        spec = _strict(spec, frozenset({"status"}))
        status = _status(spec.get("status"), None)
        with self._lock:
            item = self._items[tenant][item_id]
            if status is not None:
                item["status"] = status
                item["completedAt"] = format_timestamp(utc_now()) if status == "COMPLETED" else None
            item["updatedAt"] = format_timestamp(utc_now())
            return dict(item)

    def delete_item(self, tenant: str | None, queue_id: str, item_id: str) -> None:
        self.item(tenant, queue_id, item_id)
        with self._lock:
            del self._items[tenant][item_id]

    def assign(
        self, tenant: str | None, queue_id: str, spec: Any, project_id: str
    ) -> dict[str, Any]:
        """A reviewer for the queue. mockfuse has no users: any user id is taken."""
        self.queue(tenant, queue_id)
        spec = _strict(spec, frozenset({"userId"}))
        if not isinstance(spec.get("userId"), str):
            raise QueueError("userId: Required")
        with self._lock:
            self._assignments.setdefault(tenant, set()).add((queue_id, spec["userId"]))
        return {"userId": spec["userId"], "projectId": project_id, "queueId": queue_id}

    def unassign(self, tenant: str | None, queue_id: str, spec: Any) -> dict[str, Any]:
        self.queue(tenant, queue_id)
        spec = _strict(spec, frozenset({"userId"}))
        if not isinstance(spec.get("userId"), str):
            raise QueueError("userId: Required")
        with self._lock:
            self._assignments.get(tenant, set()).discard((queue_id, spec["userId"]))
        return {"success": True}

    def forget(self, tenant: str | None) -> None:
        with self._lock:
            self._queues.pop(tenant, None)
            self._items.pop(tenant, None)
            self._assignments.pop(tenant, None)
