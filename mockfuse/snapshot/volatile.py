"""Values that change on every run, found wherever they stand in a snapshot.

Langfuse's own id and time fields are placeholders already (``normalize.py``). The same
kinds of values also sit inside inputs, outputs, metadata and names, put there by the code
under test and its integrations: LangChain stamps messages with ``lc_run--<uuid>``, LiteLLM
logs its call id and the provider's ``chatcmpl-…``, an instrumentation records a fake
server's URL with its fresh port, a framework keeps its run's start time. ``RULES`` is the
table of what is found and what it becomes (README shows the same table; a test holds them
equal). An id keeps a numbered placeholder, ``<id:3>``, the same for the same value
everywhere in the snapshot so that links stay visible; one that is also a Langfuse id of the
snapshot takes that id's typed placeholder (``<trace:1>``).

A string is searched for ids, timestamps and loopback ports anywhere inside it (JSON text
included); a number is judged by its key: a time (``created``, ``start_time``, ``*_at``…) in
the years 2000 to 2100, as seconds, milliseconds, microseconds or nanoseconds since the epoch,
becomes ``<timestamp>``, a duration (``*_ms``, ``duration``, ``latency``…) ``<duration>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

ID_PLACEHOLDER = "<id>"  # an id while entities are put in order, before they are numbered
TIMESTAMP = "<timestamp>"
DURATION = "<duration>"
PORT = "<port>"


@dataclass(frozen=True)
class Rule:
    finds: str
    example: str
    becomes: str


PROVIDER_PREFIXES = (
    "chatcmpl-",
    "cmpl-",
    "resp_",
    "msg_",
    "call_",
    "toolu_",
    "srvtoolu_",
    "fc_",
    "rs_",
    "run_",
    "asst_",
    "thread_",
    "step_",
    "req_",
    "file-",
    "batch_",
    "gen-",
    "aitxt-",
    "aiobj-",
)

RULES: tuple[Rule, ...] = (
    Rule(
        "a UUID of any version, alone or inside a longer id",
        "`lc_run--0f6e…-…`, `run-3b1c…`",
        "`lc_run--<id:1>`",
    ),
    Rule(
        "a provider's id: "
        + ", ".join(f"`{prefix}`" for prefix in PROVIDER_PREFIXES)
        + ", followed by a UUID or by 8 or more letters and digits with a digit or a capital "
        "among them",
        "`chatcmpl-B9x2…`, `toolu_01A0…`",
        "`chatcmpl-<id:2>`",
    ),
    Rule(
        "32 or 16 lowercase hex digits standing alone: OpenTelemetry trace and span ids",
        "`4bf92f3577b34da6a3ce929d0e0e4736`",
        "`<id:3>`, or `<trace:1>` when it is a trace's id",
    ),
    Rule(
        "an ISO-8601 date and time, or an HTTP date, inside a string",
        "`2026-12-06T08:25:42.123Z`",
        "`<timestamp>`",
    ),
    Rule(
        "the port of a loopback URL (`127.0.0.1`, `localhost`, `[::1]`, `0.0.0.0`)",
        "`http://127.0.0.1:53117/v1`",
        "`http://127.0.0.1:<port>/v1`",
    ),
    Rule(
        "a number (or digits) under a key that names a time, in the years 2000 to 2100 as "
        "seconds, milliseconds, microseconds or nanoseconds",
        '`"created": 1733474742`',
        "`<timestamp>`",
    ),
    Rule(
        "a number under a key that names a duration: `ms`, `duration`, `latency`, "
        "`elapsed`, `seconds`, `ttft`, `time` (LiteLLM's `*_time_ms`, `response_ms`)",
        '`"litellm_overhead_time_ms": 2.1`',
        "`<duration>`",
    ),
    Rule(
        "a match of a pattern of your own (`mockfuse_volatile` ini option, "
        "`mockfuse check --volatile`): its first group if it has one, else the whole match",
        "`order-(\\d+)`",
        "`order-<id:4>`",
    ),
)

_HEX = "0-9a-fA-F"
_UUID = rf"[{_HEX}]{{8}}-[{_HEX}]{{4}}-[{_HEX}]{{4}}-[{_HEX}]{{4}}-[{_HEX}]{{12}}"
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_IN_STRINGS = re.compile(
    "|".join(
        (
            # A provider's prefix stays; what follows it is the id.
            rf"(?<![A-Za-z0-9])(?P<prefix>{'|'.join(map(re.escape, PROVIDER_PREFIXES))})"
            rf"(?P<provider>{_UUID}|(?=[a-z]*[A-Z0-9])[A-Za-z0-9]{{8,}})(?![A-Za-z0-9])",
            rf"(?<![A-Za-z0-9])(?P<uuid>{_UUID})(?![A-Za-z0-9])",
            r"(?<![A-Za-z0-9])(?P<hex>[0-9a-f]{32}|[0-9a-f]{16})(?![A-Za-z0-9])",
            r"(?P<iso>(?<![0-9])\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
            r"(?:Z|[+-]\d{2}(?::?\d{2})?)?(?![0-9]))",
            rf"(?P<http>(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{{2}} (?:{_MONTHS}) \d{{4}} "
            r"\d{2}:\d{2}:\d{2} GMT)",
            r"(?P<loopback>(?://|@)(?:127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1\]):)"
            r"(?P<port>\d{2,5})(?![0-9])",
        )
    )
)
_ID_GROUPS = ("provider", "uuid", "hex")

# Keys are judged by their words: ``start_time``, ``startTime`` and ``start-time`` alike.
_TIME_WORDS = frozenset(
    {
        "time",
        "timestamp",
        "date",
        "datetime",
        "created",
        "updated",
        "modified",
        "started",
        "ended",
        "finished",
        "completed",
        "start",
        "end",
        "expires",
        "epoch",
    }
)
_DURATION_WORDS = frozenset(
    {"ms", "millis", "milliseconds", "duration", "latency", "elapsed", "seconds", "secs", "ttft"}
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_DIGITS = re.compile(r"\d{9,19}(?:\.\d+)?")
_EPOCH_SECONDS = (946_684_800, 4_102_444_800)  # 2000-01-01 to 2100-01-01
_EPOCH_SCALES = (1, 1_000, 1_000_000, 1_000_000_000)


class KeyKind:
    """What a key's words say its number is: a time, a duration, or neither."""

    NONE = 0
    TIME = 1
    DURATION = 2
    TIME_OR_DURATION = 3


def key_kind(key: str) -> int:
    words = [word.lower() for word in _WORD.findall(key)]
    if not words:
        return KeyKind.NONE
    is_time = words[-1] == "at" or any(word in _TIME_WORDS for word in words)
    if is_time and "time" in words:
        # ``response_time`` may be a moment or a duration: its value decides.
        return KeyKind.TIME_OR_DURATION
    if any(word in _DURATION_WORDS for word in words):
        return KeyKind.DURATION
    return KeyKind.TIME if is_time else KeyKind.NONE


def _is_epoch(number: float) -> bool:
    low, high = _EPOCH_SECONDS
    return any(low <= number / scale <= high for scale in _EPOCH_SCALES)


Name = Callable[[str], str]


def invalid_pattern(patterns: Iterable[str]) -> str | None:
    """What is wrong with the first of ``patterns`` that is not a regular expression, or
    None: the ini option, the admin API and the CLI refuse such a pattern at once."""
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            return f"{pattern!r} is not a regular expression: {error}"
    return None


class VolatileValues:
    """The rules, with the user's own patterns: ``mask`` for putting entities in order
    (every id the same ``<id>``, the raw ids collected), ``rewrite`` for the snapshot
    (every id its placeholder, from ``name``)."""

    def __init__(self, patterns: Iterable[str] = ()) -> None:
        self._own = tuple(re.compile(pattern) for pattern in patterns)
        self._kinds: dict[str, int] = {}

    def _kind(self, key: str) -> int:
        kind = self._kinds.get(key)
        if kind is None:
            kind = self._kinds[key] = key_kind(key)
        return kind

    def mask(self, value: Any, key: str, found: list[str]) -> Any:
        """``value`` with every volatile value masked (``value`` itself when it holds none);
        the raw ids it held appended to ``found`` in an order no client's key order moves."""

        def name(raw: str) -> str:
            found.append(raw)
            return ID_PLACEHOLDER

        return self._walk(value, key, name, None, "")

    def rewrite(
        self, value: Any, key: str, name: Name, kept: Callable[[str], bool] | None, path: str
    ) -> Any:
        """``value`` with every volatile value replaced: ids by ``name(raw)``. ``kept``
        (given when a ``keep=`` glob reaches under ``path``) leaves a kept path verbatim."""
        return self._walk(value, key, name, kept, path)

    def _walk(
        self, value: Any, key: str, name: Name, kept: Callable[[str], bool] | None, path: str
    ) -> Any:
        """``value`` rewritten; ``value`` itself when nothing in it is volatile."""
        if isinstance(value, str):
            return self._string(value, key, name)
        if isinstance(value, dict):
            copy: dict[str, Any] = {}
            changed = False
            for child_key in sorted(value):
                child = new = value[child_key]
                if kept is None:
                    new = self._walk(child, child_key, name, None, "")
                else:
                    child_path = f"{path}.{child_key}" if path else child_key
                    if not kept(child_path):
                        new = self._walk(child, child_key, name, kept, child_path)
                changed = changed or new is not child
                copy[child_key] = new
            return copy if changed else value
        if isinstance(value, list):
            items = [self._walk(item, key, name, kept, path) for item in value]
            return (
                items
                if any(new is not old for new, old in zip(items, value, strict=True))
                else value
            )
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return self._number(value, key)
        return value

    def _number(self, value: float, key: str) -> Any:
        kind = self._kind(key)
        if kind == KeyKind.NONE:
            return value
        if kind != KeyKind.DURATION and _is_epoch(value):
            return TIMESTAMP
        if kind != KeyKind.TIME:
            return DURATION
        return value

    def _string(self, value: str, key: str, name: Name) -> str:
        if _DIGITS.fullmatch(value) and self._kind(key) != KeyKind.NONE:
            judged = self._number(float(value), key)
            if judged != float(value):
                return str(judged)
        replaced = _IN_STRINGS.sub(lambda match: _replacement(match, name), value)
        for pattern in self._own:
            replaced = pattern.sub(lambda match: _own_replacement(match, name), replaced)
        return replaced


def _replacement(match: re.Match[str], name: Name) -> str:
    group = match.lastgroup
    if group == "port":
        return match.group("loopback") + PORT
    if group in ("iso", "http"):
        return TIMESTAMP
    if group == "provider":
        return match.group("prefix") + name(match.group("provider"))
    return name(match.group(0))


def _own_replacement(match: re.Match[str], name: Name) -> str:
    if not match.re.groups or match.group(1) is None:
        return name(match.group(0))
    offset = match.start(0)
    start, end = match.start(1) - offset, match.end(1) - offset
    text = match.group(0)
    return text[:start] + name(match.group(1)) + text[end:]
