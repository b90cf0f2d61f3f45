"""Fault rules: make mockfuse misbehave on purpose, so a client's failure paths get tested.

A rule belongs to one tenant and matches request paths by glob. What it does:

- ``status``: answer with an error status (429 with ``retry_after``, 500, 502, 503, 504, …);
  nothing is stored. Status 207 instead rejects the first ``reject`` events of an ingestion
  batch and accepts the rest, which is what makes Langfuse SDKs re-send a batch.
- ``drop``: close the connection without an answer; nothing is stored.
- ``malformed``: answer ``status`` (200 by default) with a body that is not the JSON the
  client expects; nothing is stored.
- ``delay``: wait that many seconds first; alone, the request is then served as usual.

A rule fires for the next ``times`` matching requests, or, with ``fraction``, for that share
of them drawn from a ``seed``-ed generator (``times`` then caps the firings; None means no
cap). Every firing is noted in the request log.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import dataclass, field, fields
from typing import Any

FAULT_STATUSES = frozenset({207, 400, 401, 403, 404, 408, 413, 429, 500, 502, 503, 504})
MALFORMED_BODY = '{"successes": [{"id": '  # JSON cut short, as a dying proxy sends it


@dataclass
class FaultRule:
    public_key: str | None
    status: int | None = 503
    route: str = "*"
    times: int | None = 1
    # With status 207: how many events of the batch, from its start, are rejected.
    reject: int = 1
    retry_after: int | None = None
    delay: float = 0.0
    drop: bool = False
    malformed: bool = False
    fraction: float | None = None
    seed: int = 0
    fired: int = field(default=0)
    _draws: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in FAULT_STATUSES:
            raise ValueError(f"status must be one of {sorted(FAULT_STATUSES)}, not {self.status}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1 (or null for no limit)")
        if self.times is None and self.fraction is None:
            raise ValueError("a rule without a times limit needs a fraction")
        if self.reject < 1:
            raise ValueError("reject must be at least 1")
        if self.drop and self.malformed:
            raise ValueError("a fault either drops the connection or answers malformed, not both")
        if not 0 <= self.delay <= 600:
            raise ValueError("delay must be between 0 and 600 seconds")
        if self.fraction is not None and not 0 < self.fraction <= 1:
            raise ValueError("fraction must be in (0, 1]")
        if self.status is None and not (self.drop or self.malformed or self.delay):
            raise ValueError("a rule needs a status, drop, malformed or a delay")
        self._draws = random.Random(self.seed)

    @property
    def stores_nothing(self) -> bool:
        """Whether a request this rule fires on is answered by the rule alone."""
        return self.drop or self.malformed or (self.status is not None and self.status != 207)

    def matches(self, tenants: tuple[str | None, ...], path: str) -> bool:
        return self.public_key in tenants and fnmatch.fnmatchcase(path, self.route)

    def fires(self) -> bool:
        """Draw for one matching request: fire or let it through."""
        return self.fraction is None or self._draws.random() < self.fraction

    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def describe(self) -> str:
        if self.drop:
            what = "dropped connection"
        elif self.malformed:
            what = f"malformed {self.status or 200}"
        elif self.status is not None:
            what = str(self.status)
        else:
            what = "delay"
        delay = f" after {self.delay:g}s" if self.delay and what != "delay" else ""
        return f"fault: {what}{delay} on {self.route}"

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}


FAULT_OPTIONS = frozenset(f.name for f in fields(FaultRule) if not f.name.startswith("_")) - {
    "fired"
}


def rule_from_spec(spec: Any, *, public_key: str | None = None) -> FaultRule:
    """A rule from its JSON form (admin API, ``serve --fault``); ValueError says what is wrong."""
    if not isinstance(spec, dict):
        raise ValueError("a fault rule is a JSON object")
    unknown = sorted(set(spec) - FAULT_OPTIONS)
    if unknown:
        raise ValueError(f"unknown fault options: {unknown}; allowed: {sorted(FAULT_OPTIONS)}")
    spec = {"public_key": public_key, **spec}
    if not isinstance(spec["public_key"], str):
        raise ValueError("public_key is required: a fault belongs to one tenant")
    try:
        return FaultRule(**spec)
    except TypeError as error:
        raise ValueError(str(error)) from None


class FaultBook:
    """The active rules; a rule is spent after it fired ``times`` times."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._rules.append(rule)
        return rule

    def take(self, *tenants: str | None, path: str) -> FaultRule | None:
        """The first rule that fires for this request, counted; None when none does. A
        request names its tenant and its public key: a rule for the key applies in every
        test window of it, a rule for a window only there."""
        if not self._rules:  # the common case, without taking the lock
            return None
        with self._lock:
            for rule in self._rules:
                if rule.matches(tenants, path) and rule.fires():
                    rule.fired += 1
                    if rule.spent():
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
