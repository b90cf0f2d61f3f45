"""Comparing a normalized capture with its snapshot, and saying how they differ.

Equality is DeepDiff's, with floats compared to ten significant digits (costs are computed
in floating point) and ints equal to the same floats (SDK 5.x sends ints as floats). List
items are aligned by name and type, so a missing or extra trace reads as one removal or one
addition rather than a cascade of changes down the list. The report gives the changed paths
first, each list position labelled with the item's name, then a unified diff of the JSON.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from mockfuse import json_text

MAX_CHANGES_SHOWN = 25
MAX_DIFF_LINES = 150
MAX_LINE_LENGTH = 200
IDENTITY_KEYS = ("name", "type", "path", "method")


@dataclass(frozen=True)
class Change:
    kind: Literal["changed", "added", "removed", "moved"]
    path: str
    expected: Any = None
    actual: Any = None


def _identity(item: Any) -> tuple[Any, ...] | None:
    if not isinstance(item, dict):
        return None
    identity = tuple(item.get(key) for key in IDENTITY_KEYS)
    return identity if any(part is not None for part in identity) else None


def _same_entity(expected: Any, actual: Any, level: Any = None) -> bool:
    from deepdiff.helper import CannotCompare

    left, right = _identity(expected), _identity(actual)
    if left is None or right is None:
        raise CannotCompare() from None
    return left == right


def _same_text(expected: Any, actual: Any) -> bool:
    # Equal as JSON text is equal to DeepDiff too. (Python's == is not enough: it takes
    # True for 1, which a snapshot must tell apart.)
    return _canonical_json(expected) == _canonical_json(actual)


def _canonical_json(data: Any) -> bytes:
    return json_text.encode_sorted(data)


def snapshot_text(data: Any) -> str:
    """The bytes of a snapshot file: sorted keys, two-space indent, trailing newline."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _label(data: Any, path: list[Any], leaf: Any = None) -> str:
    """``path`` in dotted form, each list position followed by its item's name; ``leaf`` is
    the value at the end of the path when ``data`` does not hold it (a removed item)."""
    parts: list[str] = []
    node = data
    for depth, step in enumerate(path, start=1):
        if depth == len(path) and leaf is not None:
            node = leaf
        else:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                node = None
        if isinstance(step, int):
            name = node.get("name") if isinstance(node, dict) else None
            parts.append(f"{step}({name})" if isinstance(name, str) else str(step))
        else:
            parts.append(str(step))
    return ".".join(parts) or "(top)"


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _changed(expected: Any, actual: Any, label: str) -> list[Change]:
    """One change, or, for two objects that differ in their identity (a renamed span), the
    fields that differ inside them: the name that changed, not the whole object. An empty
    object has no fields to tell apart (DeepDiff reports it changed whole)."""
    if isinstance(expected, dict) and isinstance(actual, dict) and expected and actual:
        return [
            Change(inner.kind, f"{label}.{inner.path}", inner.expected, inner.actual)
            for inner in find_changes(expected, actual)
        ]
    return [Change("changed", label, expected, actual)]


def find_changes(expected: Any, actual: Any) -> list[Change]:
    """Every difference between ``expected`` and ``actual``; empty when they are equal."""
    if _same_text(expected, actual):  # the common case, a passing snapshot, found fast
        return []
    # Imported here: pytest loads the plugin, and so this module, in every run of a project
    # that has mockfuse installed, and most of those runs never compare a snapshot.
    from deepdiff import DeepDiff

    diff = DeepDiff(
        expected,
        actual,
        significant_digits=10,
        number_format_notation="e",
        ignore_numeric_type_changes=True,
        iterable_compare_func=_same_entity,
        view="tree",
    )
    changes: list[Change] = []
    for report, levels in diff.items():
        for level in levels:
            # DeepDiff gives positions in ``actual``, but a removed item's own position
            # in ``expected``.
            path = level.path(output_format="list")
            in_actual = _label(actual, path)
            if report in ("values_changed", "type_changes"):
                changes.extend(_changed(level.t1, level.t2, in_actual))
            elif report.endswith("_added"):
                changes.append(Change("added", in_actual, actual=level.t2))
            elif report.endswith("_removed"):
                removed = _label(actual, path, leaf=level.t1)
                changes.append(Change("removed", removed, expected=level.t1))
            elif report == "iterable_item_moved":
                changes.append(Change("moved", in_actual))
    return sorted(changes, key=lambda change: change.path)


_PLACEHOLDER = re.compile(r"<[a-z:-]+:\d+>")


def _is_consequence(change: Change) -> bool:
    if change.kind == "moved":
        return True
    return (
        change.kind == "changed"
        and isinstance(change.expected, str)
        and isinstance(change.actual, str)
        and _PLACEHOLDER.fullmatch(change.expected) is not None
        and _PLACEHOLDER.fullmatch(change.actual) is not None
    )


def describe_difference(
    expected: Any, actual: Any, changes: list[Change], *, expected_label: str
) -> str:
    """Changed paths first, then a unified diff, both shortened for huge captures."""
    # An item at another position, or an id numbered anew because something before it came
    # or went, is only worth a line when nothing else changed.
    shown = [change for change in changes if not _is_consequence(change)] or changes
    consequences = len(changes) - len(shown)
    lines = [f"{len(shown)} difference(s) between expected ({expected_label}) and actual:"]
    for change in shown[:MAX_CHANGES_SHOWN]:
        if change.kind == "changed":
            detail = f"{_short(change.expected)} -> {_short(change.actual)}"
        elif change.kind == "added":
            detail = f"actual has {_short(change.actual)}"
        elif change.kind == "removed":
            detail = f"expected {_short(change.expected)}"
        else:
            detail = "at another position"
        lines.append(f"  {change.kind:<8} {change.path}: {detail}")
    if len(shown) > MAX_CHANGES_SHOWN:
        lines.append(f"  … and {len(shown) - MAX_CHANGES_SHOWN} more")
    if consequences:
        lines.append(f"  ({consequences} id placeholder(s) renumbered or moved as a result)")
    diff = list(
        difflib.unified_diff(
            snapshot_text(expected).splitlines(),
            snapshot_text(actual).splitlines(),
            fromfile=f"expected ({expected_label})",
            tofile="actual",
            lineterm="",
        )
    )
    if diff:
        lines.append("")
    for line in diff[:MAX_DIFF_LINES]:
        lines.append(line if len(line) <= MAX_LINE_LENGTH else line[: MAX_LINE_LENGTH - 1] + "…")
    if len(diff) > MAX_DIFF_LINES:
        lines.append(f"… {len(diff) - MAX_DIFF_LINES} more diff lines")
    return "\n".join(lines)
