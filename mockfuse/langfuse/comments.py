"""Comments on traces, observations, sessions and prompts, per tenant, with Langfuse's rules:
the body is a strict schema (unknown fields refused), and the object commented on must exist
(a 404 otherwise, in Langfuse's words)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from mockfuse.langfuse.strict_objects import unrecognized_keys
from mockfuse.langfuse.timestamps import format_timestamp, parse_timestamp, utc_now

OBJECT_TYPES = ("TRACE", "OBSERVATION", "SESSION", "PROMPT")
CONTENT_MAX_LENGTH = 5000
BODY_FIELDS = frozenset(
    {"projectId", "content", "objectId", "objectType", "authorUserId", "objectStartTime"}
)
NOT_FOUND = "Comment not found within authorized project"

# Whether the tenant has an object of a type with an id.
Exists = Callable[[str, str], bool]


class CommentError(ValueError):
    """A body or query Langfuse's schema refuses (400)."""


class CommentTargetMissing(LookupError):
    """The object a comment names does not exist (404)."""


def _missing_message(object_type: str, object_id: str, project_id: str) -> str:
    if object_type in ("TRACE", "OBSERVATION"):
        return (
            f"Reference object, {object_type}: {object_id} not found in Clickhouse. "
            "Skipping creating comment."
        )
    model = "traceSession" if object_type == "SESSION" else "prompt"
    return f"No {model} with id {object_id} in project {project_id}"


class CommentBook:
    def __init__(self, project_id: str) -> None:
        self._project_id = project_id
        self._comments: dict[str | None, dict[str, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def add(self, tenant: str | None, spec: Any, exists: Exists) -> dict[str, Any]:
        """A comment from ``POST /api/public/comments``'s body; answers it whole."""
        if not isinstance(spec, dict):
            raise CommentError("Expected object")
        unknown = unrecognized_keys(spec, BODY_FIELDS)
        if unknown:
            raise CommentError(unknown)
        for name in ("projectId", "objectId"):
            if not isinstance(spec.get(name), str):
                raise CommentError(f"{name}: Required")
        content = spec.get("content")
        if not isinstance(content, str) or not 1 <= len(content.strip()) <= CONTENT_MAX_LENGTH:
            raise CommentError(f"content: a string of 1 to {CONTENT_MAX_LENGTH} characters")
        object_type = spec.get("objectType")
        if object_type not in OBJECT_TYPES:
            raise CommentError(f"objectType: expected one of {list(OBJECT_TYPES)}")
        author = spec.get("authorUserId")
        if author is not None and not isinstance(author, str):
            raise CommentError("authorUserId: Expected string")
        object_id = spec["objectId"]
        # The object is looked up in the project the body names, as Langfuse looks it up.
        if spec["projectId"] != self._project_id or not exists(object_type, object_id):
            raise CommentTargetMissing(_missing_message(object_type, object_id, spec["projectId"]))
        now = format_timestamp(utc_now())
        comment = {
            "id": str(uuid.uuid4()),
            "projectId": self._project_id,
            "createdAt": now,
            "updatedAt": now,
            "objectType": object_type,
            "objectId": object_id,
            "content": content.strip(),
            "authorUserId": author,
        }
        with self._lock:
            self._comments.setdefault(tenant, {})[comment["id"]] = comment
        return dict(comment)

    def listing(self, tenant: str | None, query: dict[str, str]) -> list[dict[str, Any]]:
        """The tenant's comments that the query's filters keep, oldest first."""
        if query.get("objectId") and not query.get("objectType"):
            raise CommentError("objectType is required when objectId is provided")
        bounds = []
        for name in ("fromTimestamp", "toTimestamp"):
            moment = parse_timestamp(query[name]) if name in query else None
            if name in query and moment is None:
                raise CommentError(f"{name}: an ISO 8601 date-time with an offset")
            bounds.append(moment)
        start, end = bounds
        with self._lock:
            comments = [dict(c) for c in self._comments.get(tenant, {}).values()]
        kept = []
        for comment in comments:
            if any(
                query.get(name) and comment[name] != query[name]
                for name in ("objectType", "objectId", "authorUserId")
            ):
                continue
            created = parse_timestamp(comment["createdAt"])
            assert created is not None
            if (start is None or created >= start) and (end is None or created < end):
                kept.append(comment)
        return kept

    def get(self, tenant: str | None, comment_id: str) -> dict[str, Any] | None:
        with self._lock:
            comment = self._comments.get(tenant, {}).get(comment_id)
        return None if comment is None else dict(comment)

    def forget(self, tenant: str | None) -> None:
        with self._lock:
            self._comments.pop(tenant, None)
