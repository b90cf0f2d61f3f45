"""Langfuse's schemas for comments, annotation queues and some queries are strict Zod objects:
a key they do not name is refused, with Zod's own wording."""

from __future__ import annotations

from collections.abc import Iterable


def unrecognized_keys(given: Iterable[str], allowed: frozenset[str]) -> str | None:
    """Zod's message for the keys of ``given`` outside ``allowed``; None when there are none."""
    unknown = sorted(set(given) - allowed)
    if not unknown:
        return None
    return f"Unrecognized key(s) in object: {', '.join(map(repr, unknown))}"
