"""Fault rules: make mockfuse misbehave on purpose, so a client's failure paths get tested.

A rule belongs to one tenant and matches request paths by glob. It answers with an error
status (nothing is stored, the request log says which rule fired), or, with status 207,
rejects chosen events of an ingestion batch while accepting the rest, which is what makes
Langfuse SDKs re-send a batch.
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

FAULT_STATUSES = frozenset({207, 408, 429, 500, 502, 503, 504})


@dataclass
class FaultRule:
    public_key: str | None
    status: int = 503
    route: str = "*"
    times: int = 1
    # With status 207: how many events of the batch, from its start, are rejected.
    reject: int = 1
    retry_after: int | None = None
    fired: int = field(default=0)

    def __post_init__(self) -> None:
        if self.status not in FAULT_STATUSES:
            raise ValueError(f"status must be one of {sorted(FAULT_STATUSES)}, not {self.status}")
        if self.times < 1:
            raise ValueError("times must be at least 1")
        if self.reject < 1:
            raise ValueError("reject must be at least 1")

    def matches(self, public_key: str | None, path: str) -> bool:
        return public_key == self.public_key and fnmatch.fnmatchcase(path, self.route)

    def describe(self) -> str:
        return f"fault: {self.status} on {self.route}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class FaultBook:
    """The active rules; a rule is spent after it fired ``times`` times."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._rules.append(rule)
        return rule

    def take(self, public_key: str | None, path: str) -> FaultRule | None:
        """The first rule that matches, counted as fired; None when no rule does."""
        if not self._rules:  # the common case, without taking the lock
            return None
        with self._lock:
            for rule in self._rules:
                if rule.matches(public_key, path):
                    rule.fired += 1
                    if rule.fired >= rule.times:
                        self._rules.remove(rule)
                    return rule
        return None

    def rules(self, public_key: str | None = None) -> list[FaultRule]:
        with self._lock:
            return [r for r in self._rules if public_key is None or r.public_key == public_key]

    def clear(self, public_key: str | None = None) -> None:
        with self._lock:
            self._rules = [
                r for r in self._rules if public_key is not None and r.public_key != public_key
            ]
