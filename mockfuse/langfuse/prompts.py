"""Prompts the prompt-management API serves: registered by a test, the admin API, a file
given to ``mockfuse serve --prompts``, or a client's own ``create_prompt``.

Versions are numbered per name. A label belongs to one version of a name at a time, so
giving it to a new version moves it; ``latest`` always moves to the newest version. A fetch
without version or label gets the ``production`` version, as Langfuse's does. Prompts
registered without a public key are served to every tenant; a tenant's own come first.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterable
from typing import Any

from mockfuse.langfuse.timestamps import format_timestamp, utc_now

PROMPT_TYPES = ("text", "chat")
DEFAULT_LABEL = "production"
LATEST = "latest"


class PromptError(ValueError):
    pass


# Langfuse's CreatePromptSchema, rule for rule: packages/shared/src/features/prompts/
# (types.ts, validation.ts, constants.ts), features/folders/validation.ts, utils/zod.ts and
# server/llm/types.ts (PromptChatMessageSchema) of langfuse/langfuse at 62751446.
RESERVED_NAMES = ("new", "metrics", "prompt-detail")
_HTML_TAG = re.compile(r"<[^<>]*>")
_LABEL = re.compile(r"[a-z0-9_\-.]+")
LABEL_MAX_LENGTH = 36
_PLACEHOLDER_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9_]*")
COMMIT_MESSAGE_MAX_LENGTH = 500


def checked_name(name: Any) -> str:
    """A prompt name as Langfuse keeps it (trimmed), or PromptError with its words."""
    if not isinstance(name, str):
        raise PromptError("name: Expected string")
    for broken, message in (
        (not name, "Text cannot be empty"),
        (_HTML_TAG.search(name) is not None, "Text cannot contain HTML tags"),
        ("|" in name, "Prompt name cannot contain '|' character"),
        (name.startswith("/"), "Name cannot start with a slash"),
        ("//" in name, "Name cannot contain consecutive slashes"),
        (name.endswith("/"), "Name cannot end with a slash"),
        (not name.strip(), "Name cannot be empty"),
        (name.strip() in RESERVED_NAMES, f"Prompt name cannot be '{name.strip()}'"),
    ):
        if broken:
            raise PromptError(f"name: {message}")
    return name.strip()


def _message_problem(message: Any) -> str | None:
    """Why ``message`` is neither a chat message (a string role and content, other keys
    allowed) nor a placeholder; None when it is one."""
    if isinstance(message, dict):
        if isinstance(message.get("role"), str) and isinstance(message.get("content"), str):
            return None
        name = message.get("name")
        if message.get("type") == "placeholder" and isinstance(name, str):
            if _PLACEHOLDER_NAME.fullmatch(name):
                return None
            return (
                "name: Placeholder name must start with a letter and contain only "
                "alphanumeric characters and underscores"
            )
    return "Invalid input"


def _validate(prompt: Any, prompt_type: Any, labels: list[str], commit: Any) -> None:
    if prompt_type not in PROMPT_TYPES:
        raise PromptError(f"type must be one of {list(PROMPT_TYPES)}")
    if prompt_type == "text" and not isinstance(prompt, str):
        raise PromptError("prompt: Expected string")
    if prompt_type == "chat":
        if not isinstance(prompt, list):
            raise PromptError("prompt: Expected array")
        for index, message in enumerate(prompt):
            problem = _message_problem(message)
            if problem is not None:
                raise PromptError(f"prompt.{index}: {problem}")
    for index, label in enumerate(labels):
        if not 1 <= len(label) <= LABEL_MAX_LENGTH or not _LABEL.fullmatch(label):
            raise PromptError(
                f"labels.{index}: Label must be lowercase alphanumeric with optional "
                "underscores, hyphens, or periods"
            )
    if commit is not None and not (
        isinstance(commit, str) and len(commit) <= COMMIT_MESSAGE_MAX_LENGTH
    ):
        raise PromptError(f"commitMessage: a string of at most {COMMIT_MESSAGE_MAX_LENGTH}")


class PromptBook:
    def __init__(self) -> None:
        self._versions: dict[tuple[str | None, str], list[dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def add(
        self,
        public_key: str | None,
        name: str,
        prompt: Any,
        *,
        type: str = "text",
        version: int | None = None,
        labels: Iterable[str] = (DEFAULT_LABEL,),
        config: Any = None,
        tags: Iterable[str] | None = None,
        commit_message: str | None = None,
    ) -> dict[str, Any]:
        """Register a version of prompt ``name`` and answer it as the API shows it.

        Tags belong to the prompt, not to a version: given (an empty list too), they become
        every version's; left out, the new version has the prompt's."""
        name = checked_name(name)
        labels = list(labels)
        _validate(prompt, type, labels, commit_message)
        labels = [label for label in dict.fromkeys(labels) if label != LATEST]
        with self._lock:
            versions = self._versions.setdefault((public_key, name), [])
            number = (
                version
                if version is not None
                else 1 + max((v["version"] for v in versions), default=0)
            )
            if not isinstance(number, int) or number < 1:
                raise PromptError("version must be a positive integer")
            versions[:] = [v for v in versions if v["version"] != number]
            if tags is None:
                newest_tags = max(versions, key=lambda v: v["version"])["tags"] if versions else []
                tags = list(newest_tags)
            tags = list(tags)
            for other in versions:
                other["tags"] = list(tags)
            _take_labels(versions, labels)
            entry = {
                "_id": str(uuid.uuid4()),  # what a generation's promptId names; not answered
                "_createdAt": format_timestamp(utc_now()),
                "_updatedAt": format_timestamp(utc_now()),
                "type": type,
                "name": name,
                "version": number,
                "prompt": prompt,
                "config": config if config is not None else {},
                "labels": labels,
                "tags": list(tags),
                "commitMessage": commit_message,
            }
            versions.append(entry)
            _take_labels(versions, [LATEST])
            max(versions, key=lambda v: v["version"])["labels"].append(LATEST)
            return _answered(entry)

    def relabel(
        self, public_key: str | None, name: str, version: int, new_labels: Iterable[str]
    ) -> dict[str, Any] | None:
        """Give version ``version`` of ``name`` the labels ``new_labels`` too (moving them from
        the versions that had them); None when there is no such version."""
        labels = [label for label in dict.fromkeys(new_labels) if label != LATEST]
        with self._lock:
            for owner in (public_key, None):
                versions = self._versions.get((owner, name), [])
                entry = next((v for v in versions if v["version"] == version), None)
                if entry is not None:
                    _take_labels([v for v in versions if v is not entry], labels)
                    entry["labels"] = list(dict.fromkeys([*entry["labels"], *labels]))
                    entry["_updatedAt"] = format_timestamp(utc_now())
                    return _answered(entry)
        return None

    def get(
        self,
        public_key: str | None,
        name: str,
        *,
        version: int | None = None,
        label: str | None = None,
    ) -> dict[str, Any] | None:
        with self._lock:
            for owner in (public_key, None):
                for entry in self._versions.get((owner, name), []):
                    if version is not None and entry["version"] == version:
                        return _answered(entry)
                    if version is None and (label or DEFAULT_LABEL) in entry["labels"]:
                        return _answered(entry)
        return None

    def legacy_row(
        self, public_key: str | None, name: str, version: int | None, project_id: str
    ) -> dict[str, Any] | None:
        """A version as the legacy ``/api/public/prompts`` answers it: the stored row, with
        ``isActive`` for "has the production label"; without ``version``, the production
        one."""
        with self._lock:
            for owner in (public_key, None):
                for entry in self._versions.get((owner, name), []):
                    if version is None and DEFAULT_LABEL not in entry["labels"]:
                        continue
                    if version is not None and entry["version"] != version:
                        continue
                    return {
                        **_answered(entry),
                        "id": entry["_id"],
                        "projectId": project_id,
                        "createdBy": "API",
                        "createdAt": entry["_createdAt"],
                        "updatedAt": entry["_updatedAt"],
                        "isActive": DEFAULT_LABEL in entry["labels"],
                    }
        return None

    def has_id(self, public_key: str | None, prompt_id: str) -> bool:
        """Whether a version with this id is served to the tenant (a comment may name it)."""
        with self._lock:
            return any(
                entry["_id"] == prompt_id
                for (owner, _), versions in self._versions.items()
                if owner in (public_key, None)
                for entry in versions
            )

    def id_of(self, public_key: str | None, name: Any, version: Any) -> str | None:
        """The id of version ``version`` of prompt ``name``, which a generation names."""
        if not isinstance(name, str) or not isinstance(version, int):
            return None
        with self._lock:
            for owner in (public_key, None):
                for entry in self._versions.get((owner, name), []):
                    if entry["version"] == version:
                        return entry["_id"]  # type: ignore[no-any-return]
        return None

    def listing(self, public_key: str | None) -> list[dict[str, Any]]:
        """Every prompt this tenant is served, as ``GET /api/public/v2/prompts`` shows them:
        its versions, labels and tags, and the newest version's config; last updated first."""
        with self._lock:
            by_name: dict[str, list[dict[str, Any]]] = {}
            for owner in (public_key, None):  # the tenant's own hide a shared one
                for (key, name), versions in self._versions.items():
                    if key == owner and versions and name not in by_name:
                        by_name[name] = [dict(v) for v in versions]
        metas = []
        for name, versions in by_name.items():
            newest = max(versions, key=lambda v: v["version"])
            metas.append(
                {
                    "name": name,
                    "type": newest["type"],
                    "versions": sorted(v["version"] for v in versions),
                    "labels": sorted({label for v in versions for label in v["labels"]}),
                    "tags": newest["tags"],
                    "lastUpdatedAt": max(v["_updatedAt"] for v in versions),
                    "lastConfig": newest["config"],
                }
            )
        return sorted(metas, key=lambda meta: meta["lastUpdatedAt"], reverse=True)

    def delete(
        self, public_key: str | None, name: str, *, version: int | None, label: str | None
    ) -> int:
        """Delete the tenant's versions of ``name`` (``version``, or those labelled ``label``,
        or all) as Langfuse does: ``latest`` moves to the newest version left. Answers how
        many went; a prompt served to every tenant is not the tenant's to delete."""
        with self._lock:
            versions = self._versions.get((public_key, name), [])
            doomed: list[dict[str, Any]] = []
            left: list[dict[str, Any]] = []
            for v in versions:
                matches = (version is None or v["version"] == version) and (
                    label is None or label in v["labels"]
                )
                (doomed if matches else left).append(v)
            if left and not any(LATEST in v["labels"] for v in left):
                max(left, key=lambda v: v["version"])["labels"].append(LATEST)
            if left:
                versions[:] = left
            elif doomed:
                del self._versions[(public_key, name)]
            return len(doomed)

    def forget(self, public_key: str) -> None:
        with self._lock:
            for key in [key for key in self._versions if key[0] == public_key]:
                del self._versions[key]


def _answered(entry: dict[str, Any]) -> dict[str, Any]:
    """A prompt version as the API answers it, without mockfuse's own keys."""
    return {key: value for key, value in entry.items() if not key.startswith("_")}


def _take_labels(versions: list[dict[str, Any]], labels: list[str]) -> None:
    """A label belongs to one version of a name: take ``labels`` from ``versions``."""
    for other in versions:
        other["labels"] = [label for label in other["labels"] if label not in labels]


SPEC_FIELDS = frozenset(
    {"public_key", "name", "type", "prompt", "labels", "config", "tags", "version", "commitMessage"}
)


def prompt_from_spec(
    book: PromptBook,
    spec: Any,
    *,
    public_key: str | None = None,
    default_labels: tuple[str, ...] = (DEFAULT_LABEL,),
    lenient: bool = False,
) -> dict[str, Any]:
    """Register a prompt given as a JSON object (admin API, ``--prompts`` file, the SDKs'
    ``create_prompt``). mockfuse's own forms refuse unknown fields (a typo would go
    unnoticed); ``lenient`` drops them, as Langfuse's API does (the legacy JS SDK sends
    ``isActive``)."""
    if not isinstance(spec, dict):
        raise PromptError("a prompt is an object with name, type and prompt")
    unknown = set(spec) - SPEC_FIELDS
    if unknown and lenient:
        spec = {key: value for key, value in spec.items() if key in SPEC_FIELDS}
    elif unknown:
        raise PromptError(f"unknown prompt fields: {sorted(unknown)}")
    labels = spec.get("labels", list(default_labels))
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise PromptError("labels must be a list of strings")
    tags = spec.get("tags")
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        raise PromptError("tags must be a list of strings")
    return book.add(
        spec.get("public_key", public_key),
        spec.get("name"),  # validated by add
        spec.get("prompt"),
        type=spec.get("type", "text"),
        version=spec.get("version"),
        labels=labels,
        config=spec.get("config"),
        tags=tags,
        commit_message=spec.get("commitMessage"),
    )
