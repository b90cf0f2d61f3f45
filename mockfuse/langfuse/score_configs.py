"""Score configs, per tenant, with Langfuse's rules for making and changing them and for the
scores that name one (``configId``).

A config fixes a score's name and data type, a numeric range or a set of categories. A
score that names a config it does not fit is refused where Langfuse refuses it: by ``POST
/api/public/scores`` at once (400, or 404 for an unknown config); in an ingestion batch it is
accepted and then dropped, as Langfuse's worker drops it (mockfuse notes why in the request
log). A score that fits reads back as Langfuse stores it: named by its config, typed by it,
a category's label mapped to its value.
"""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from mockfuse.langfuse.timestamps import format_timestamp, utc_now

DATA_TYPES = ("NUMERIC", "CATEGORICAL", "BOOLEAN", "TEXT")
NAME_MAX_LENGTH = 35
NAME_PATTERN = re.compile(r"[A-Za-z0-9_ .()\-]+")
BOOLEAN_CATEGORIES = [{"label": "True", "value": 1}, {"label": "False", "value": 0}]
NOT_FOUND = "Score config not found within authorized project"
UNKNOWN_CONFIG = "The configId you provided does not match a valid config in this project"
CATEGORIES_MESSAGE = (
    "Category must be an array of objects with label value pairs, where labels and values "
    "are unique."
)
EMPTY_UPDATE = "Request body cannot be empty. At least one field must be provided for update."


class ScoreConfigError(ValueError):
    """A config body Langfuse's schema refuses (400)."""


@dataclass
class ScoreRefused(Exception):
    """A score that does not fit the config it names: 400 (``InvalidRequestError``), or 404
    (``LangfuseNotFoundError``) when there is no such config."""

    status: int
    message: str

    @property
    def error(self) -> str:
        return "LangfuseNotFoundError" if self.status == 404 else "InvalidRequestError"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _categories_issue(categories: Any) -> str | None:
    if not isinstance(categories, list) or not all(
        isinstance(c, dict)
        and isinstance(c.get("label"), str)
        and c["label"]
        and _is_number(c.get("value"))
        for c in categories
    ):
        return CATEGORIES_MESSAGE
    labels, values = set(), set()
    for category in categories:
        if category["label"] in labels:
            return f"Duplicate category label: {category['label']}, category labels must be unique"
        if category["value"] in values:
            return f"Duplicate category value: {category['value']}, category values must be unique"
        labels.add(category["label"])
        values.add(category["value"])
    return None


def _config_issues(config: dict[str, Any]) -> list[str]:
    """What Langfuse's config schema says of ``config`` (a whole one: made or changed)."""
    issues = []
    name = config.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= NAME_MAX_LENGTH:
        issues.append(f"name: a string of 1 to {NAME_MAX_LENGTH} characters")
    elif not NAME_PATTERN.fullmatch(name):
        issues.append(
            "name: Only letters, numbers, underscores, spaces, periods, parentheses, and "
            "hyphens are allowed"
        )
    description = config.get("description")
    if description is not None and not isinstance(description, str):
        issues.append("description: Expected string")
    data_type = config.get("dataType")
    if data_type not in DATA_TYPES:
        return [
            *issues,
            f"dataType: Invalid discriminator value. Expected {' | '.join(DATA_TYPES)}",
        ]
    bounds = {key: config.get(key) for key in ("minValue", "maxValue")}
    categories = config.get("categories")
    if data_type == "NUMERIC":
        for key, value in bounds.items():
            if value is not None and not _is_number(value):
                issues.append(f"{key}: Expected number")
        if categories is not None:
            issues.append("categories: Expected undefined")
        low, high = bounds["minValue"], bounds["maxValue"]
        if isinstance(low, (int, float)) and isinstance(high, (int, float)) and high <= low:
            issues.append("Maximum value must be greater than Minimum value")
        return issues
    if data_type in ("CATEGORICAL", "TEXT"):
        issues.extend(f"{key}: Expected undefined" for key, v in bounds.items() if v is not None)
    if data_type == "CATEGORICAL":
        problem = _categories_issue(categories)
        if problem is not None:
            issues.append(problem)
    elif data_type == "BOOLEAN" and categories != BOOLEAN_CATEGORIES:
        issues.append("categories: Boolean data type must have exactly 2 categories.")
    elif data_type == "TEXT" and categories is not None:
        issues.append("categories: Expected undefined")
    return issues


class ScoreConfigBook:
    """Every tenant's score configs; safe to use from any thread."""

    def __init__(self, project_id: str) -> None:
        self._project_id = project_id
        self._configs: dict[str | None, dict[str, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def create(self, tenant: str | None, spec: Any) -> dict[str, Any]:
        """A new config from ``POST /api/public/score-configs``'s body; a BOOLEAN one gets
        its True and False categories, as Langfuse gives them."""
        if not isinstance(spec, dict):
            raise ScoreConfigError("Expected object")
        if spec.get("dataType") == "BOOLEAN" and spec.get("categories") is not None:
            raise ScoreConfigError("categories: Expected undefined")
        fields = ("name", "description", "dataType", "minValue", "maxValue", "categories")
        config = {key: spec.get(key) for key in fields}  # others are dropped, as zod drops them
        if config["dataType"] == "BOOLEAN":
            config["categories"] = [dict(c) for c in BOOLEAN_CATEGORIES]
        issues = _config_issues(config)
        if issues:
            raise ScoreConfigError("; ".join(issues))
        now = format_timestamp(utc_now())
        config.update(
            id=str(uuid.uuid4()),
            projectId=self._project_id,
            isArchived=False,
            createdAt=now,
            updatedAt=now,
        )
        with self._lock:
            self._configs.setdefault(tenant, {})[str(config["id"])] = config
        return dict(config)

    def listing(self, tenant: str | None) -> list[dict[str, Any]]:
        """Newest first, as Langfuse lists them."""
        with self._lock:
            configs = list(self._configs.get(tenant, {}).values())
        return [dict(c) for c in reversed(configs)]

    def get(self, tenant: str | None, config_id: str) -> dict[str, Any] | None:
        with self._lock:
            config = self._configs.get(tenant, {}).get(config_id)
        return None if config is None else dict(config)

    def update(self, tenant: str | None, config_id: str, spec: Any) -> dict[str, Any] | None:
        """``PATCH``: the fields given, checked as the whole config they make; None when
        there is no such config."""
        if not isinstance(spec, dict):
            raise ScoreConfigError("Expected object")
        fields = ("isArchived", "name", "minValue", "maxValue", "categories", "description")
        changes = {key: spec[key] for key in fields if key in spec}
        if not changes:
            raise ScoreConfigError(EMPTY_UPDATE)
        if "isArchived" in changes and not isinstance(changes["isArchived"], bool):
            raise ScoreConfigError("isArchived: Expected boolean")
        with self._lock:
            config = self._configs.get(tenant, {}).get(config_id)
            if config is None:
                return None
            merged = {**config, **changes}
            issues = _config_issues(merged)
            if issues:
                raise ScoreConfigError("; ".join(issues))
            merged["updatedAt"] = format_timestamp(utc_now())
            config.update(merged)
            return dict(config)

    def forget(self, tenant: str | None) -> None:
        with self._lock:
            self._configs.pop(tenant, None)

    def check(self, tenant: str | None, score: dict[str, Any]) -> None:
        """Raise ``ScoreRefused`` when a score body names a config it does not fit."""
        config_id = score.get("configId")
        if not config_id:
            return
        config = self.get(tenant, config_id)
        if config is None:
            raise ScoreRefused(404, UNKNOWN_CONFIG)
        data_type = config["dataType"]
        if score.get("dataType") and score["dataType"] != data_type:
            raise ScoreRefused(
                400,
                f"Data type mismatch based on config: expected {data_type}, "
                f"got {score['dataType']}",
            )
        if config["isArchived"]:
            raise ScoreRefused(
                400,
                "Config is archived and cannot be used to create new scores. Please restore "
                "the config first.",
            )
        problem = _value_issue(score.get("value"), config)
        if problem is not None:
            raise ScoreRefused(
                400, f"Ingested score body not valid against provided config: {problem}"
            )

    def inflate(self, tenant: str | None, score: dict[str, Any]) -> None:
        """A read score (merged, defaults set) as Langfuse stores one that names a config:
        its config's name and data type, a category's value for its label."""
        config_id = score.get("configId")
        config = self.get(tenant, config_id) if isinstance(config_id, str) else None
        if config is None:
            return
        score["name"] = config["name"]
        score["dataType"] = config["dataType"]
        if config["dataType"] == "BOOLEAN" and _is_number(score.get("value")):
            score["stringValue"] = "True" if score["value"] == 1 else "False"
        elif config["dataType"] == "CATEGORICAL":
            label = score.get("stringValue")
            values = {c["label"]: c["value"] for c in config["categories"]}
            score["value"] = values.get(label, 0)


def _value_issue(value: Any, config: dict[str, Any]) -> str | None:
    data_type = config["dataType"]
    if data_type == "NUMERIC":
        if not _is_number(value):
            return "value - Expected number, received string"
        high, low = config.get("maxValue"), config.get("minValue")
        if high is not None and value > high:
            return f" - Value exceeds maximum value of {high} defined in config"
        if low is not None and value < low:
            return f" - Value is below minimum value of {low} defined in config"
    elif data_type == "CATEGORICAL":
        if not isinstance(value, str):
            return "value - Expected string, received number"
        if not any(c["label"] == value for c in config["categories"]):
            return (
                f" - Value {value} does not map to a valid category. Pass a valid category value."
            )
    elif data_type == "BOOLEAN" and not (_is_number(value) and value in (0, 1)):
        return "value - Value must be either 0 or 1"
    elif data_type == "TEXT" and not isinstance(value, str):
        return "value - Expected string, received number"
    return None
