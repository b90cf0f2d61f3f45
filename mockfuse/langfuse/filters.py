"""The read API's ``filter`` query parameter: a JSON list of conditions, each ``{type, column,
operator, value}`` (and ``key`` for an object's entry), all of which an item must meet.

The types and operators are Langfuse's (``packages/shared/src/interfaces/filters.ts``). A
column is named by the item's field as the API shows it (``userId``) or by the label
Langfuse's tables give it (``User ID``). Conditions are checked in memory, on the items the
route already has.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockfuse.langfuse.timestamps import parse_timestamp

Condition = Callable[[dict[str, Any]], bool]

OPERATORS: dict[str, tuple[str, ...]] = {
    "datetime": (">", "<", ">=", "<="),
    "string": ("=", "contains", "does not contain", "starts with", "ends with"),
    "stringOptions": ("any of", "none of"),
    "categoryOptions": ("any of", "none of"),
    "arrayOptions": ("any of", "none of", "all of"),
    "number": ("=", ">", "<", ">=", "<="),
    "stringObject": ("=", "contains", "does not contain", "starts with", "ends with"),
    "numberObject": ("=", ">", "<", ">=", "<="),
    "boolean": ("=", "<>"),
    "null": ("is null", "is not null"),
}

# Langfuse's table labels for the fields the read API shows.
COLUMN_LABELS = {
    "ID": "id",
    "Name": "name",
    "Timestamp": "timestamp",
    "User ID": "userId",
    "Session ID": "sessionId",
    "Trace ID": "traceId",
    "Trace Name": "traceName",
    "Observation ID": "observationId",
    "Tags": "tags",
    "Metadata": "metadata",
    "Environment": "environment",
    "Release": "release",
    "Version": "version",
    "Level": "level",
    "Type": "type",
    "Start Time": "startTime",
    "End Time": "endTime",
    "Model": "model",
    "Latency (s)": "latency",
    "Total Cost ($)": "totalCost",
    "Value": "value",
    "Data Type": "dataType",
    "Source": "source",
    "Created At": "createdAt",
}

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}
_TEXT: dict[str, Callable[[str, str], bool]] = {
    "=": operator.eq,
    "contains": lambda have, want: want in have,
    "does not contain": lambda have, want: want not in have,
    "starts with": str.startswith,
    "ends with": str.endswith,
}


class FilterError(ValueError):
    """A ``filter`` Langfuse would refuse (400)."""


def parse_filter(text: str | None) -> list[Condition]:
    """The conditions ``text`` lists; FilterError says what is wrong with it."""
    if not text:
        return []
    try:
        conditions = json.loads(text)
    except ValueError:
        raise FilterError("Invalid JSON in filter parameter") from None
    if not isinstance(conditions, list):
        raise FilterError("filter: Expected array")
    return [_condition(index, spec) for index, spec in enumerate(conditions)]


def apply_filter(items: list[dict[str, Any]], conditions: list[Condition]) -> list[dict[str, Any]]:
    return [item for item in items if all(condition(item) for condition in conditions)]


def _condition(index: int, spec: Any) -> Condition:
    where = f"filter[{index}]"
    if not isinstance(spec, dict):
        raise FilterError(f"{where}: Expected object")
    kind, column, op = spec.get("type"), spec.get("column"), spec.get("operator")
    if kind not in OPERATORS:
        raise FilterError(f"{where}.type: expected one of {list(OPERATORS)}")
    if not isinstance(column, str) or not column:
        raise FilterError(f"{where}.column: Expected string")
    if op not in OPERATORS[kind]:
        raise FilterError(f"{where}.operator: expected one of {list(OPERATORS[kind])}")
    field = COLUMN_LABELS.get(column, column)
    value = spec.get("value")
    key = spec.get("key")
    if kind in ("stringObject", "numberObject", "categoryOptions") and not isinstance(key, str):
        raise FilterError(f"{where}.key: Expected string")
    check = _check(kind, op, value, where)
    if kind in ("stringObject", "numberObject", "categoryOptions"):
        return lambda item: check(_entry(item.get(field), key))
    return lambda item: check(item.get(field))


def _entry(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


def _check(kind: str, op: str, value: Any, where: str) -> Callable[[Any], bool]:
    if kind == "datetime":
        moment = parse_timestamp(value)
        if moment is None:
            raise FilterError(f"{where}.value: an ISO 8601 date-time with an offset")
        compare = _COMPARE[op]
        return lambda have: (when := _moment(have)) is not None and compare(when, moment)
    if kind in ("string", "stringObject"):
        if not isinstance(value, str):
            raise FilterError(f"{where}.value: Expected string")
        text_check = _TEXT[op]
        return lambda have: have is not None and text_check(_text(have), value)
    if kind in ("number", "numberObject"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise FilterError(f"{where}.value: Expected number")
        compare = _COMPARE[op]
        return lambda have: _is_number(have) and compare(have, value)
    if kind in ("stringOptions", "categoryOptions", "arrayOptions"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise FilterError(f"{where}.value: Expected array of strings")
        wanted = set(value)
        if kind != "arrayOptions":
            inside = op == "any of"
            return lambda have: (have in wanted) == inside
        return _array_check(op, wanted)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise FilterError(f"{where}.value: Expected boolean")
        same = op == "="
        return lambda have: (have is value) == same
    is_null = op == "is null"  # kind == "null"
    return lambda have: (have is None or have == "") == is_null


def _array_check(op: str, wanted: set[str]) -> Callable[[Any], bool]:
    def check(have: Any) -> bool:
        present = set(have) if isinstance(have, list) else set()
        if op == "any of":
            return bool(present & wanted)
        if op == "none of":
            return not present & wanted
        return wanted <= present  # all of

    return check


def _moment(value: Any) -> datetime | None:
    return parse_timestamp(value) if isinstance(value, str) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
