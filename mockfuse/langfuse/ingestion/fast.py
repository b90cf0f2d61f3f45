"""Ingestion's fast path, taken when msgspec is installed (``pip install 'mockfuse[fast]'``).

msgspec decodes a batch straight into typed structs built from the same rules as
``mockfuse.langfuse.ingestion.schema``, in C, skipping over each event's input, output and
metadata without building them. The fast path only ever accepts: when every event of a batch
fits, the answer is all successes, which is what judging event by event gives; when anything
does not fit (an invalid event, a score or sdk-log, whose rules look across fields, a
timestamp written in a form msgspec reads more loosely than Langfuse does), the batch is
judged event by event, which also words the errors. Either way the client gets the same
answer.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from typing import Annotated, Any, Literal, Union

from mockfuse.langfuse.ingestion import schema as rules
from mockfuse.langfuse.ingestion.marks import Mark
from mockfuse.langfuse.projection import EventRef

try:
    import msgspec
except ImportError:  # the fast path is optional
    msgspec = None  # type: ignore[assignment]

# MOCKFUSE_NO_MSGSPEC=1 judges every batch event by event: to compare, or to rule this out.
AVAILABLE = msgspec is not None and not os.environ.get("MOCKFUSE_NO_MSGSPEC")

# What the structs do not rule out sends a batch the slow way, found by two scans of the text
# (each a literal-led pattern, which the regex engine finds fast): a space before a time of
# day (msgspec reads "2025-01-16 10:00:00Z", as RFC 3339 allows; zod does not), and an escaped
# carriage return, which an id must not hold (a pattern on every id would cost more). The
# first is led by the date's last dash rather than the space: JSON text has far fewer dashes
# than spaces, and every such time follows a date. The second runs only on text that escapes
# anything at all, which one search for a backslash (memchr) rules out far faster.
_SPACED_TIME = re.compile(rb"-\d\d \d\d:\d\d")
_ESCAPED_CR = re.compile(rb"\\(?:r|u000[dD])")
# sdk-log events are answered in neither list; they are rare enough to judge the slow way.
_SLOW_TYPES = frozenset({"sdk-log"})


def _names_a_config(body: Any) -> str | None:
    """A score naming a config is checked against it, the slow way."""
    return body.configId  # type: ignore[no-any-return]


# The rules that look across fields, run on each event of these types after decoding; they
# read a decoded body's fields as attributes, as they are.
_REFINEMENTS = {
    event_type: (_names_a_config, *schema.refinements)
    if event_type == "score-create"
    else schema.refinements
    for event_type, schema in rules.BODY_SCHEMAS.items()
    if schema.refinements and event_type not in _SLOW_TYPES
}


def _field_type(check: rules.Check) -> Any:
    """The msgspec type of the values ``check`` passes, never of more."""
    meta = msgspec.Meta
    if isinstance(check, rules.BoundedString):
        return Annotated[str, meta(max_length=check.limit)]
    if isinstance(check, rules.OneOf):
        return Literal[check.options]
    if check is rules.usage:
        return _USAGE
    if check is rules.environment:
        return Annotated[
            str, meta(max_length=rules.ENVIRONMENT_MAX_LENGTH, pattern=rules.ENVIRONMENT_PATTERN)
        ]
    types: dict[Any, Any] = {
        rules.anything: msgspec.Raw,
        rules.string: str,
        rules.identifier: Annotated[str, meta(min_length=1, max_length=rules.ID_MAX_LENGTH)],
        rules.timestamp: Annotated[datetime, meta(tz=True)],
        rules.boolean: bool,
        rules.integer: int,  # 2.0 is an integer to zod; msgspec refuses it: the slow path judges
        rules.number: float,
        rules.string_list: list[str],
        rules.json_object: dict[str, msgspec.Raw],
        rules.model_parameters: dict[
            str,
            Union[str, float, bool, list[str], dict[str, str], None],  # noqa: UP007
        ],
    }
    return types[check]


def _struct(
    name: str,
    fields: dict[str, rules.Check],
    required: frozenset[str],
    not_null: frozenset[str] = frozenset(),
) -> Any:
    """A struct of ``fields``: the required ones present and not null, the others optional,
    and those ``not_null`` optional but never null."""
    specs: list[Any] = []
    for field_name, check in fields.items():
        kind = _field_type(check)
        if field_name in not_null:
            specs.append((field_name, kind, ""))  # the default only marks it optional
        elif field_name in required and check is rules.anything:
            # Required and not null: a score's value. Anything but a number or a string is
            # for the refinements to word, on the slow path.
            specs.append((field_name, Union[str, float]))  # noqa: UP007
        elif field_name in required:
            specs.append((field_name, kind))
        elif check is rules.anything:
            specs.append((field_name, kind, None))  # Raw holds null as well
        else:
            specs.append((field_name, Union[kind, None], None))  # noqa: UP007
    return msgspec.defstruct(name, specs, kw_only=True)


def _batch_type() -> Any:
    envelopes = []
    for event_type, schema in rules.BODY_SCHEMAS.items():
        if event_type in _SLOW_TYPES:
            continue
        title = event_type.title().replace("-", "")
        body = _struct(f"{title}Body", dict(schema.fields), schema.required, schema.not_null)
        envelope = msgspec.defstruct(
            f"{title}Event",
            [
                ("id", _field_type(rules.identifier)),
                ("timestamp", _field_type(rules.timestamp)),
                ("body", body),
            ],
            tag_field="type",
            tag=event_type,
            kw_only=True,
        )
        envelopes.append(envelope)
    event = Union.__getitem__(tuple(envelopes))
    return msgspec.defstruct("Batch", [("batch", list[event])])  # type: ignore[valid-type]


if AVAILABLE:
    _USAGE = _struct("Usage", rules.USAGE_CHECKS, frozenset())
    _BATCH = _batch_type()
    _DECODER = msgspec.json.Decoder(_BATCH)
    # Per event struct: its type, and the refinements to run on it (scores also have a
    # config to check, the slow way), looked up once per event.
    _EVENT_TYPES: Any = msgspec.inspect.type_info(_BATCH).fields[0].type.item_type.types  # type: ignore[attr-defined]
    _TAG = {info.cls: info.tag for info in _EVENT_TYPES}
    _CHECKS = {
        info.cls: _REFINEMENTS[info.tag] for info in _EVENT_TYPES if info.tag in _REFINEMENTS
    }


def accepted_structs(text: bytes, most_events: int) -> list[Any] | None:
    """The events of batch ``text`` decoded (msgspec structs with ``id``, ``body``,
    ``timestamp``) when every one of them is valid; None when the batch must be judged event
    by event."""
    if not AVAILABLE or _SPACED_TIME.search(text):
        return None
    if b"\\" in text and _ESCAPED_CR.search(text):
        return None
    if not text.isascii():
        try:  # msgspec skips over input, output and metadata without checking their UTF-8
            text.decode("utf-8")
        except UnicodeDecodeError:
            return None
    try:
        batch: list[Any] = _DECODER.decode(text).batch
    except (msgspec.DecodeError, RecursionError):
        return None
    if len(batch) > most_events:
        return None
    for event in batch:
        checks = _CHECKS.get(type(event))
        if checks is not None:
            body = event.body
            for refinement in checks:
                if refinement(body) is not None:
                    return None
    return batch


def accept_batch(
    text: bytes, most_events: int, marks: list[Mark] | None = None
) -> list[EventRef] | None:
    """The events of batch ``text`` as stored references when every one of them is valid
    (see ``accepted_structs``). With ``marks``, each accepted event's placement mark is added
    to it (see ``mockfuse.capture.windows``), read from the decoded structs."""
    batch = accepted_structs(text, most_events)
    if batch is None:
        return None
    new_ref = tuple.__new__  # EventRef's own __new__ adds a Python call per event
    accepted: list[EventRef] = [
        new_ref(EventRef, (text, position, event.id, _TAG[type(event)], event.body.id))
        for position, event in enumerate(batch)
    ]
    if marks is not None:
        marks.extend(_mark(ref.type, event) for ref, event in zip(accepted, batch, strict=True))
    return accepted


def _mark(event_type: str, event: Any) -> Mark:
    """``mockfuse.capture.windows.mark_of`` for a decoded struct: the same fields, typed already."""
    body = event.body
    made = getattr(body, "startTime", None) or getattr(body, "timestamp", None)
    when = (made or event.timestamp).timestamp()
    trace_id = body.id if event_type == "trace-create" else getattr(body, "traceId", None)
    return when, trace_id if isinstance(trace_id, str) else None
