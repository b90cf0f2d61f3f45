"""Test windows: one key pair for a whole pytest session, its captures told apart by test.

An app holds one Langfuse client per process (``get_client()``, ``@observe``, LiteLLM's
callback, a module-level client), so every test of a session sends with the same keys. The
pytest plugin therefore opens a window of that public key for each test, and each window is
a tenant of its own in the store: captures, prompts, datasets, media and fault rules.

Which window an event belongs to is decided by when what it records happened (its body's
start time or timestamp, else when the client made the event), not when it arrived: a client
that sends late (a batch left in its queue, a span exported on the next timer tick, a logger
callback run on a thread pool) still lands in the test that made it.

A trace is dated by the earliest of its events in the same request (LiteLLM stamps a trace
when its callback logs it, after the generation in it ran).

1. Made while the current window is open: the current window.
2. Made while an earlier window was open: that window.
3. Made since windows began but between tests (at import time, in a session fixture): the
   window that owns the event's trace (the first one any event of the trace went to), else
   the key's own tenant, "outside any test".
4. With no time, or a time outside the session (fixed timestamps a test chose): the window
   open when it arrived, else the trace's owner, else the key's own tenant.

A request is logged in every window that got one of its events, or where it arrived.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mockfuse.langfuse.ingestion.marks import Mark, mark_of

# Finished tests whose captures stay readable (the viewer, diagnostics); older ones go, so a
# long session holds at most this many tests' captures.
KEEP_FINISHED = 1000


@dataclass
class Window:
    """One test's share of a session key: a tenant of its own, open from setup to teardown."""

    tenant: str
    public_key: str
    label: str
    opened: float
    closed: float | None = None
    traces: set[str] = field(default_factory=set)

    def holds(self, moment: float) -> bool:
        return self.opened <= moment and (self.closed is None or moment <= self.closed)


@dataclass
class _KeyWindows:
    started: float
    opened: list[Window] = field(default_factory=list)  # oldest first
    current: Window | None = None
    owners: dict[str, Window] = field(default_factory=dict)  # trace id -> window
    count: int = 0


Placed = list[tuple[str | None, list[Any]]]
# Places a request's events, by the marks given (one per event), else by the events' own.
Placement = Callable[[list[Any], Sequence[Mark] | None], Placed]


class TestWindows:
    """The windows of every windowed public key; safe to use from any thread."""

    __test__ = False  # not a pytest test class, whatever its name says

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, _KeyWindows] = {}
        self._by_tenant: dict[str, Window] = {}

    def enable(self, public_key: str, *, started: float | None = None) -> None:
        """Tell tests apart within ``public_key``'s captures from now (or ``started``) on."""
        with self._lock:
            if public_key not in self._keys:
                self._keys[public_key] = _KeyWindows(started or time.time())

    def is_windowed(self, public_key: str | None) -> bool:
        return public_key is not None and public_key in self._keys

    def open(self, public_key: str, label: str) -> Window:
        """A window for one test, from now until ``close``; ends any window still open."""
        self.enable(public_key)
        with self._lock:
            key = self._keys[public_key]
            if key.current is not None:
                key.current.closed = time.time()
            key.count += 1
            window = Window(f"{public_key}#{key.count}", public_key, label, time.time())
            key.opened.append(window)
            key.current = window
            self._by_tenant[window.tenant] = window
            return window

    def close(self, window: Window) -> list[str]:
        """End ``window``; answers the tenants of finished windows now too old to keep."""
        with self._lock:
            window.closed = time.time()
            key = self._keys[window.public_key]
            if key.current is window:
                key.current = None
            dropped: list[str] = []
            while len(key.opened) > KEEP_FINISHED and key.opened[0].closed is not None:
                old = key.opened.pop(0)
                for trace_id in old.traces:
                    if key.owners.get(trace_id) is old:
                        del key.owners[trace_id]
                self._by_tenant.pop(old.tenant, None)
                dropped.append(old.tenant)
            return dropped

    def window(self, tenant: str | None) -> Window | None:
        """The window that ``tenant`` is, if it is one."""
        return None if tenant is None else self._by_tenant.get(tenant)

    def describe(self, tenant: str | None) -> dict[str, str | None]:
        """How the admin API and the viewer name ``tenant``: itself, the public key it
        captures for, and the test (node id) it is the window of, if any."""
        window = self.window(tenant)
        if window is None:
            return {"tenant": tenant, "public_key": tenant, "test": None}
        return {"tenant": tenant, "public_key": window.public_key, "test": window.label}

    def arrival(self, public_key: str | None) -> str | None:
        """The tenant a request of ``public_key`` arriving now belongs to, before its events
        are placed: the open window, or the key itself."""
        if public_key is None or not self._keys:
            return public_key
        key = self._keys.get(public_key)
        if key is None or key.current is None:
            return public_key
        return key.current.tenant

    def placement(
        self, public_key: str | None, marks: list[Mark] | None = None
    ) -> Placement | None:
        """How to place the events of a request of ``public_key`` (``marks``, when given,
        are theirs, in order); None when the key has no windows (every event then belongs
        to it)."""
        if public_key is None or public_key not in self._keys:
            return None
        return lambda events, made_marks: self.place(
            public_key, events, made_marks if made_marks is not None else marks
        )

    def place(
        self, public_key: str, events: list[Any], marks: Iterable[Mark] | None = None
    ) -> Placed:
        """``events`` grouped by the tenant each belongs to; each placed by its mark, read
        from the event (decoded) when no marks are given."""
        groups: dict[str | None, list[Any]] = {}
        marks = list(map(mark_of, events) if marks is None else marks)
        earliest = _earliest_by_trace(marks)
        with self._lock:
            key = self._keys[public_key]
            now = time.time()
            for event, (made, trace_id) in zip(events, marks, strict=True):
                if trace_id is not None and _is_trace(event):
                    made = earliest[trace_id]
                window = self._window_of(key, made, trace_id, now)
                tenant = public_key if window is None else window.tenant
                groups.setdefault(tenant, []).append(event)
        return list(groups.items())

    @staticmethod
    def _window_of(
        key: _KeyWindows, made: float | None, trace_id: str | None, now: float
    ) -> Window | None:
        owner = key.owners.get(trace_id) if trace_id is not None else None
        current = key.current
        window: Window | None
        if made is not None and key.started <= made <= now:
            if current is not None and made >= current.opened:
                window = current
            else:
                window = _holding(key.opened, made) or owner
                if window is None:
                    return None  # made between tests: outside any window
        else:
            # No time, or one the test chose (a fixture's fixed timestamps): where it arrived.
            # Fixed ids recur from test to test, so the trace's owner decides only between
            # tests.
            window = current or owner
        if window is not None and trace_id is not None and owner is None:
            key.owners[trace_id] = window
            window.traces.add(trace_id)
        return window


def _is_trace(event: Any) -> bool:
    kind = event.get("type") if isinstance(event, dict) else getattr(event, "type", None)
    return kind == "trace-create"


def _earliest_by_trace(marks: list[Mark]) -> dict[str | None, float | None]:
    """Per trace, the earliest time among a request's events of it. A trace is dated by it:
    LiteLLM stamps its trace when its callback logs it, after the generation it holds ran,
    and a trace belongs with what happened in it."""
    earliest: dict[str | None, float | None] = {}
    for made, trace_id in marks:
        known = earliest.get(trace_id)
        if trace_id not in earliest or (made is not None and (known is None or made < known)):
            earliest[trace_id] = made
    return earliest


def _holding(windows: list[Window], moment: float) -> Window | None:
    for window in reversed(windows):  # late captures are most often the previous test's
        if window.holds(moment):
            return window
        if window.closed is not None and window.closed < moment:
            return None  # windows do not overlap: no older one holds it either
    return None
