"""Validation of one ingestion event, rule for rule as Langfuse's zod schemas apply them.

Each event of a batch is judged on its own (one bad event never fails the batch), and the
problems are reported the way zod words them: a list of issues with a path and a message.
Unknown body keys are allowed, as zod's non-strict objects allow them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mockfuse.langfuse.timestamps import parse_timestamp

# The message of Langfuse's 400 for data its schema refuses (a request's, or one event's).
INVALID = "Invalid request data"

Issue = dict[str, Any]
# A check answers None for a good value, else the message zod would give.
Check = Callable[[Any], "str | None"]

ID_MAX_LENGTH = 800
TRACE_NAME_MAX_LENGTH = 1000
TEXT_SCORE_MAX_LENGTH = 500
ENVIRONMENT_MAX_LENGTH = 40
# Langfuse's PublicEnvironmentName; ``\Z`` because JavaScript's ``$`` never matches before a
# final newline and Python's does.
ENVIRONMENT_PATTERN = r"^(?!langfuse)[a-z0-9_-]+\Z"

LEVELS = ("DEBUG", "DEFAULT", "WARNING", "ERROR")
USAGE_UNITS = ("CHARACTERS", "TOKENS", "SECONDS", "MILLISECONDS", "IMAGES", "REQUESTS")
SCORE_SOURCES = ("API", "EVAL", "ANNOTATION")
SCORE_DATA_TYPES = ("NUMERIC", "CATEGORICAL", "BOOLEAN", "CORRECTION", "TEXT")
LEGACY_OBSERVATION_TYPES = ("GENERATION", "SPAN", "EVENT")


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _expected(kind: str, value: Any) -> str:
    return f"Expected {kind}, received {json_kind(value)}"


def anything(value: Any) -> str | None:
    return None


def string(value: Any) -> str | None:
    return None if value is None or isinstance(value, str) else _expected("string", value)


@dataclass(frozen=True)
class BoundedString:
    """A string of at most ``limit`` characters (a class, so the fast path can read it)."""

    limit: int

    def __call__(self, value: Any) -> str | None:
        problem = string(value)
        if problem is None and value is not None and len(value) > self.limit:
            return f"String must contain at most {self.limit} character(s)"
        return problem


_ENVIRONMENT_NAME = re.compile(ENVIRONMENT_PATTERN)


def environment(value: Any) -> str | None:
    """A tracing environment: Langfuse refuses the event (it does not rename the environment)."""
    if not isinstance(value, str):
        return _expected("string", value)
    if len(value) > ENVIRONMENT_MAX_LENGTH:
        return f"Maximum length is {ENVIRONMENT_MAX_LENGTH} characters"
    if not _ENVIRONMENT_NAME.match(value):
        return (
            "Only alphanumeric lower case characters, hyphens, and underscores are allowed "
            "and it must not start with 'langfuse'"
        )
    return None


def identifier(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return _expected("string", value)
    if not value:
        return "String must contain at least 1 character(s)"
    if len(value) > ID_MAX_LENGTH:
        return f"String must contain at most {ID_MAX_LENGTH} character(s)"
    if "\r" in value:
        return "Invalid id: must not contain carriage returns"
    return None


def timestamp(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return _expected("string", value)
    if parse_timestamp(value) is None:
        return "Invalid datetime: ISO 8601 with a timezone offset (Z or ±hh:mm) required"
    return None


def boolean(value: Any) -> str | None:
    return None if value is None or isinstance(value, bool) else _expected("boolean", value)


def integer(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _expected("number", value)
    return None if float(value).is_integer() else "Expected integer, received float"


def number(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _expected("number", value)
    return None


def string_list(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, list):
        return _expected("array", value)
    for item in value:
        if not isinstance(item, str):
            return _expected("string", item)
    return None


@dataclass(frozen=True)
class OneOf:
    """One of ``options`` (a class, so the fast path can read them)."""

    options: tuple[str, ...]

    def __call__(self, value: Any) -> str | None:
        if value is None or value in self.options:
            return None
        choices = " | ".join(f"'{option}'" for option in self.options)
        return f"Invalid enum value. Expected {choices}, received '{value}'"


def json_object(value: Any) -> str | None:
    return None if value is None or isinstance(value, dict) else _expected("object", value)


def model_parameters(value: Any) -> str | None:
    problem = json_object(value)
    if problem is not None or value is None:
        return problem
    for item in value.values():
        if item is None or isinstance(item, (str, int, float, bool)):
            continue
        if isinstance(item, list) and all(isinstance(entry, str) for entry in item):
            continue
        if isinstance(item, dict) and all(isinstance(entry, str) for entry in item.values()):
            continue
        return "Invalid model parameter: expected string, number, boolean, string[] or map"
    return None


USAGE_CHECKS: dict[str, Check] = {
    "input": integer,
    "output": integer,
    "total": integer,
    "unit": OneOf(USAGE_UNITS),
    "inputCost": number,
    "outputCost": number,
    "totalCost": number,
    "promptTokens": integer,
    "completionTokens": integer,
    "totalTokens": integer,
}


def usage(value: Any) -> str | None:
    problem = json_object(value)
    if problem is not None or value is None:
        return problem
    # Only the keys present can be wrong; when one is, the first in schema order is named.
    for key, item in value.items():
        check = USAGE_CHECKS.get(key)
        if check is not None and check(item) is not None:
            break
    else:
        return None
    for key, check in USAGE_CHECKS.items():
        problem = check(value.get(key))
        if problem is not None:
            return f"{key}: {problem}"
    return None


@dataclass(frozen=True)
class BodySchema:
    """The fields of one body type; ``required`` must be present and not null."""

    fields: Mapping[str, Check]
    required: frozenset[str] = frozenset()
    # Rules across fields, each reading the body's fields as attributes (None when absent):
    # the fast path hands them its decoded structs as they are, the slow path a ``FieldReader``.
    refinements: tuple[Callable[[Any], Issue | None], ...] = field(default=())
    # Optional but not nullable: zod's ``.default(...)`` fills in a missing value, not null.
    not_null: frozenset[str] = frozenset({"environment"})
    # The fields whose value can be wrong: validation is the hot path of ingestion.
    checked: dict[str, Check] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        checked = {name: check for name, check in self.fields.items() if check is not anything}
        object.__setattr__(self, "checked", checked)


def _extend(base: BodySchema, extra: Mapping[str, Check], required: set[str]) -> BodySchema:
    return BodySchema({**base.fields, **extra}, base.required | frozenset(required))


TRACE = BodySchema(
    {
        "id": identifier,
        "timestamp": timestamp,
        "name": BoundedString(TRACE_NAME_MAX_LENGTH),
        "externalId": string,
        "input": anything,
        "output": anything,
        "sessionId": string,
        "userId": string,
        "environment": environment,
        "metadata": anything,
        "release": string,
        "version": string,
        "public": boolean,
        "tags": string_list,
    }
)

OPTIONAL_OBSERVATION = BodySchema(
    {
        "traceId": identifier,
        "environment": environment,
        "name": string,
        "startTime": timestamp,
        "metadata": anything,
        "input": anything,
        "output": anything,
        "level": OneOf(LEVELS),
        "statusMessage": string,
        "parentObservationId": identifier,
        "version": string,
    }
)

EVENT = _extend(OPTIONAL_OBSERVATION, {"id": identifier}, {"id"})
SPAN = _extend(EVENT, {"endTime": timestamp}, set())


class FieldReader:
    """A body's fields read as attributes, as the refinements read them: None when absent."""

    __slots__ = ("_body",)

    def __init__(self, body: dict[str, Any]) -> None:
        self._body = body

    def __getattr__(self, name: str) -> Any:
        return self._body.get(name)


def _prompt_fields_together(body: Any) -> Issue | None:
    if (body.promptName is None) == (body.promptVersion is None):
        return None
    return {
        "code": "custom",
        "path": ["body"],
        "message": "promptName and promptVersion must be set together",
    }


GENERATION = BodySchema(
    {
        **SPAN.fields,
        "completionStartTime": timestamp,
        "model": string,
        "modelParameters": model_parameters,
        "usage": usage,
        "usageDetails": json_object,
        "costDetails": json_object,
        "promptName": string,
        "promptVersion": integer,
    },
    SPAN.required,
    (_prompt_fields_together,),
)

LEGACY_OBSERVATION = BodySchema(
    {
        "id": identifier,
        "traceId": identifier,
        "type": OneOf(LEGACY_OBSERVATION_TYPES),
        "name": string,
        "startTime": timestamp,
        "endTime": timestamp,
        "completionStartTime": timestamp,
        "model": string,
        "modelParameters": model_parameters,
        "input": anything,
        "output": anything,
        "usage": usage,
        "usageDetails": json_object,
        "costDetails": json_object,
        "metadata": anything,
        "parentObservationId": identifier,
        "level": OneOf(LEVELS),
        "statusMessage": string,
        "version": string,
        "environment": environment,
    },
    frozenset({"type"}),
)


def _score_value_matches_type(body: Any) -> Issue | None:
    value, data_type = body.value, body.dataType
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if data_type == "NUMERIC" and not is_number:
        message = "Value must be a number for data type NUMERIC"
    elif data_type in ("CATEGORICAL", "CORRECTION") and not isinstance(value, str):
        message = f"Value must be a string for data type {data_type}"
    elif data_type == "BOOLEAN" and not (is_number and value in (0, 1)):
        message = "Value must be a number equal to either 0 or 1 for data type BOOLEAN"
    elif data_type == "TEXT" and not (
        isinstance(value, str) and 1 <= len(value) <= TEXT_SCORE_MAX_LENGTH
    ):
        message = f"Value must be a string of 1 to {TEXT_SCORE_MAX_LENGTH} characters for TEXT"
    elif data_type is None and not (is_number or isinstance(value, str)):
        message = "Value must be a number or a string"
    else:
        return None
    return {"code": "custom", "path": ["body", "value"], "message": message}


def _score_has_one_target(body: Any) -> Issue | None:
    trace_id = body.traceId
    targets = bool(trace_id) + bool(body.sessionId) + bool(body.datasetRunId)
    if targets == 1 and (trace_id or not body.observationId):
        return None
    return {
        "code": "custom",
        "path": ["body"],
        "message": "Provide exactly one of the following: traceId (with optional "
        "observationId), sessionId or datasetRunId. ObservationId requires traceId.",
    }


def _score_name_not_empty(body: Any) -> Issue | None:
    if body.name:
        return None
    return {
        "code": "too_small",
        "path": ["body", "name"],
        "message": "String must contain at least 1 character(s)",
    }


SCORE = BodySchema(
    {
        "id": identifier,
        "name": string,
        "traceId": identifier,
        "sessionId": identifier,
        "datasetRunId": identifier,
        "observationId": identifier,
        "environment": environment,
        "comment": string,
        "metadata": anything,
        "source": OneOf(SCORE_SOURCES),
        "executionTraceId": string,
        "queueId": string,
        "configId": string,
        "value": anything,
        "dataType": OneOf(SCORE_DATA_TYPES),
    },
    frozenset({"name", "value"}),
    (_score_name_not_empty, _score_value_matches_type, _score_has_one_target),
    frozenset({"environment", "source"}),
)

SDK_LOG = BodySchema({"log": anything, "id": string}, frozenset({"log"}), not_null=frozenset())

BODY_SCHEMAS: dict[str, BodySchema] = {
    "trace-create": TRACE,
    "score-create": SCORE,
    "span-create": SPAN,
    "span-update": SPAN,
    "generation-create": GENERATION,
    "generation-update": GENERATION,
    "event-create": EVENT,
    "observation-create": LEGACY_OBSERVATION,
    "observation-update": LEGACY_OBSERVATION,
    "sdk-log": SDK_LOG,
    # The newer observation kinds have no *-update; they share the generation body.
    **{
        f"{kind}-create": GENERATION
        for kind in ("agent", "tool", "chain", "retriever", "evaluator", "embedding", "guardrail")
    },
}

INTERNAL_ONLY_TYPES = {"dataset-run-item-create"}
EVENT_TYPES = frozenset(BODY_SCHEMAS) | INTERNAL_ONLY_TYPES


def _issue(path: list[Any], message: str) -> Issue:
    return {"code": "invalid_type", "path": path, "message": message}


def envelope_issues(event: Any) -> list[Issue]:
    """What is wrong with ``event``, as zod issues; an empty list for a valid event."""
    if not isinstance(event, dict):
        return [_issue([], _expected("object", event))]
    issues: list[Issue] = []
    if "id" not in event or event["id"] is None:
        issues.append(_issue(["id"], "Required"))
    else:
        problem = identifier(event["id"])
        if problem is not None:
            issues.append(_issue(["id"], problem))
    stamp = event.get("timestamp")
    problem = "Required" if stamp is None else timestamp(stamp)
    if problem is not None:
        issues.append(_issue(["timestamp"], problem))
    event_type = event.get("type")
    if not isinstance(event_type, str) or event_type not in EVENT_TYPES:
        issues.append(
            {
                "code": "invalid_union_discriminator",
                "path": ["type"],
                "message": f"Invalid discriminator value. Expected one of: {sorted(EVENT_TYPES)}",
            }
        )
        return issues
    if event_type in INTERNAL_ONLY_TYPES:
        issues.append(
            {
                "code": "custom",
                "path": ["body"],
                "message": "Dataset run item creation is only allowed for internal usage",
            }
        )
        return issues
    body = event.get("body")
    if not isinstance(body, dict):
        issues.append(_issue(["body"], "Required" if body is None else _expected("object", body)))
        return issues
    issues.extend(body_issues(BODY_SCHEMAS[event_type], body))
    return issues


def body_issues(schema: BodySchema, body: dict[str, Any]) -> list[Issue]:
    issues: list[Issue] = []
    for name in schema.required:
        if body.get(name) is None:
            issues.append(_issue(["body", name], "Required"))
    checked = schema.checked
    for name, value in body.items():
        if value is None:
            if name in schema.not_null:
                issues.append(_issue(["body", name], _expected("string", value)))
            continue
        check = checked.get(name)
        if check is None:
            continue
        if check is string and type(value) is str:  # the commonest field, checked inline
            continue
        problem = check(value)
        if problem is not None:
            issues.append(_issue(["body", name], problem))
    if not issues and schema.refinements:
        fields = FieldReader(body)
        for refinement in schema.refinements:
            found = refinement(fields)
            if found is not None:
                issues.append(found)
    return issues


def describe(issues: list[Issue]) -> str:
    """The issues as zod's error message text: a JSON array."""
    return json.dumps(issues, indent=2)
