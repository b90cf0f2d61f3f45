"""ISO 8601 timestamps as Langfuse's ingestion schema accepts and its read API writes them.

Langfuse validates with zod's ``iso.datetime({offset: true})``: the offset (``Z`` or
``±hh:mm``) is required, so a naive timestamp is an error, not a guess. Python 3.10's
``datetime.fromisoformat`` accepts neither ``Z`` nor seven fraction digits, so the shape is
checked with one regular expression and the fields are parsed by hand; on 3.11+,
``fromisoformat`` (in C, ten times faster) parses what the expression let through, and
anything it refuses still goes the long way, so both give the same answers.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
from datetime import datetime, timedelta, timezone

_ISO_WITH_OFFSET = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)\Z",
    re.IGNORECASE,
)
_FROMISOFORMAT_READS_OFFSETS = sys.version_info >= (3, 11)


def parse_timestamp(value: object) -> datetime | None:
    """The aware datetime ``value`` names, or None when it is not ISO 8601 with an offset."""
    return _parsed(value) if isinstance(value, str) else None


# A read meets each time many times over (merging, ordering, latencies), and a run sees few
# distinct ones at a time: parsed once, as long as they recur.
@functools.lru_cache(maxsize=4096)
def _parsed(value: str) -> datetime | None:
    match = _ISO_WITH_OFFSET.match(value)
    if match is None:
        return None
    if _FROMISOFORMAT_READS_OFFSETS:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        tz = timezone.utc if offset in ("Z", "z") else _offset(offset)
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micros, tz
        )
    except ValueError:
        return None


@functools.lru_cache(maxsize=64)  # a run sees a handful of offsets, millions of times
def _offset(text: str) -> timezone:
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def format_timestamp(moment: datetime) -> str:
    """UTC, millisecond precision, ``Z``: the form Langfuse's read API answers with."""
    # isoformat truncates to milliseconds as Langfuse does, a third of strftime's cost.
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z"


def normalize_timestamp(value: object) -> object:
    """``value`` in read-API form when it is a valid timestamp, else unchanged."""
    return _normalized(value) if isinstance(value, str) else value


@functools.lru_cache(maxsize=4096)
def _normalized(value: str) -> str:
    parsed = _parsed(value)
    return value if parsed is None else format_timestamp(parsed)


def seconds_between(start: object, end: object) -> float | None:
    """Seconds from ``start`` to ``end``; None unless both are valid timestamps."""
    begun, ended = parse_timestamp(start), parse_timestamp(end)
    return (ended - begun).total_seconds() if begun and ended else None


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class WriteClock:
    """When each write happened, at the millisecond precision Langfuse answers with, never the
    same moment twice and never going back: two writes in one millisecond get distinct,
    ordered times, as the database round trip between them gives in Langfuse. A dataset's
    ``version=`` read then tells every write apart."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: datetime | None = None

    def now(self) -> str:
        moment = utc_now()
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        with self._lock:
            if self._last is not None and moment <= self._last:
                moment = self._last + timedelta(milliseconds=1)
            self._last = moment
        return format_timestamp(moment)
