"""OTLP trace exports, protobuf or JSON, read into one plain shape: ``Span``.

Protobuf is decoded with the official ``opentelemetry-proto`` messages; OTLP/JSON (what
``@langfuse/otel`` sends) is read from its documented field names. Ids end up as lowercase
hex either way: protobuf carries bytes, JSON exporters send hex, and the protobuf JSON mapping
would send base64, which is accepted too.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

STATUS_ERROR = 2
_HEX_ID = re.compile(r"^[0-9a-fA-F]+$")


class InvalidExport(ValueError):
    """An export Langfuse refuses as a whole."""


@dataclass
class SpanEvent:
    """A span event (GenAI instrumentations put messages in them)."""

    name: str
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Span:
    """One span, its attribute values as Langfuse reads them (``attribute_value``).

    Times are nanoseconds since the epoch, ``None`` when the exporter left them out (protobuf
    cannot tell 0 from unset: 0 counts as unset)."""

    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    start_unix_nano: int | None
    end_unix_nano: int | None
    attributes: dict[str, Any] = field(default_factory=dict)
    resource_attributes: dict[str, Any] = field(default_factory=dict)
    scope_name: str = ""
    scope_version: str | None = None
    scope_attributes: dict[str, Any] = field(default_factory=dict)
    status_code: int = 0
    status_message: str | None = None
    events: list[SpanEvent] = field(default_factory=list)


# -- protobuf ------------------------------------------------------------------------------------


def _proto_as_json(value: AnyValue) -> dict[str, Any]:
    """``value`` in its OTLP/JSON form: what Langfuse keeps, as JSON text, of a value it has
    no plain JavaScript counterpart for (a key-value list, bytes)."""
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return {"arrayValue": {"values": [_proto_as_json(v) for v in value.array_value.values]}}
    if kind == "kvlist_value":
        pairs = value.kvlist_value.values
        return {
            "kvlistValue": {
                "values": [{"key": p.key, "value": _proto_as_json(p.value)} for p in pairs]
            }
        }
    if kind == "bytes_value":
        return {"bytesValue": base64.b64encode(value.bytes_value).decode("ascii")}
    if kind == "int_value":
        return {"intValue": str(value.int_value)}
    return {_CAMEL[kind]: getattr(value, kind)} if kind else {}


_CAMEL = {"string_value": "stringValue", "bool_value": "boolValue", "double_value": "doubleValue"}


def _proto_value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_proto_value(item) for item in value.array_value.values]
    if kind in ("string_value", "bool_value", "double_value", "int_value"):
        return getattr(value, kind)
    return attribute_value(_proto_as_json(value))


def _proto_attributes(attributes: Any) -> dict[str, Any]:
    pairs: list[KeyValue] = list(attributes)
    return {pair.key: _proto_value(pair.value) for pair in pairs}


def _proto_id(raw: bytes, what: str, size: int, *, optional: bool = False) -> str | None:
    if not raw and optional:
        return None
    if len(raw) != size:
        raise InvalidExport(f"{what} must be {size} bytes, got {len(raw)}")
    return raw.hex()


def _decoded_export(body: bytes) -> Any:
    # Imported at the first protobuf export: a server that never gets one (or a test session
    # that never starts a server) does not load protobuf.
    from google.protobuf.message import DecodeError
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceRequest,
    )

    request = ExportTraceServiceRequest()
    try:
        request.ParseFromString(body)
    except DecodeError as error:
        raise ValueError(str(error)) from None
    return request


def check_protobuf(body: bytes) -> None:
    """Raise what Langfuse refuses an export for before it answers: ``ValueError`` when
    ``body`` is not a protobuf message, ``InvalidExport`` for a span whose ids are not 16 and
    8 bytes.

    Only the ids are decoded (``_id_messages``: every other field is skipped as unknown, a
    fifth of the cost of decoding the whole export, which would cost more than a bare server
    decoding it does), and they are checked in C: with the unknown fields dropped, a scope's
    spans re-encode to nothing but ids, which ``_VALID_SPANS`` reads in one pass (walking the
    spans in Python cost 0.4 µs a span, half the check of a 512-span export). The rest is
    decoded when the spans are read: a field deep inside that does not decode (a string
    attribute that is not UTF-8, which no SDK sends) is then reported as a rejection of the
    export rather than answered 400."""
    export_class, decode_error = _id_messages()
    export = export_class()
    try:
        export.ParseFromString(body)
    except decode_error as error:
        raise ValueError(str(error)) from None
    export.DiscardUnknownFields()
    for resource_spans in export.resource_spans:
        for scope_spans in resource_spans.scope_spans:
            if _VALID_SPANS.fullmatch(scope_spans.SerializeToString()) is None:
                _name_invalid_ids(scope_spans.spans)


# A scope's spans as they re-encode when they hold only their ids (field 2 of ScopeSpans,
# each span's length, then trace id 1, span id 2 and parent span id 4, in field order, an
# empty parent left out as proto3 leaves it): each span is one of two byte patterns of
# fixed length, told apart by its length byte, so a match is a span for span reading.
_VALID_SPANS = re.compile(
    rb"(?:\x12\x1c\x0a\x10.{16}\x12\x08.{8}|\x12\x26\x0a\x10.{16}\x12\x08.{8}\x22\x08.{8})*",
    re.DOTALL,
)


def _name_invalid_ids(spans: Any) -> None:
    """Raise ``InvalidExport`` for the first of ``spans`` whose ids are not 16 and 8 bytes."""
    for span in spans:
        _proto_id(span.trace_id, "traceId", 16)
        _proto_id(span.span_id, "spanId", 8)
        _proto_id(span.parent_span_id, "parentSpanId", 8, optional=True)


@functools.cache
def _id_messages() -> tuple[Any, type[Exception]]:
    """The message class of an export that holds only its spans' ids: OTLP's
    ``ExportTraceServiceRequest`` with the same field numbers (resource spans 1, scope spans
    2, spans 2; trace id 1, span id 2, parent span id 4) and nothing else; and protobuf's
    ``DecodeError``. Made at the first protobuf export: a server that never gets one does
    not load protobuf."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    from google.protobuf.message import DecodeError

    field = descriptor_pb2.FieldDescriptorProto
    file = descriptor_pb2.FileDescriptorProto(
        name="mockfuse/otlp_ids.proto", package="mockfuse.otlp_ids", syntax="proto3"
    )

    def message(name: str, *fields: tuple[str, int, str | None]) -> None:
        """A message of ``fields``: bytes, or a repeated message of the type they name."""
        described = file.message_type.add(name=name)
        for field_name, number, nested in fields:
            kind: dict[str, Any] = (
                {"type": field.TYPE_BYTES, "label": field.LABEL_OPTIONAL}
                if nested is None
                else {
                    "type": field.TYPE_MESSAGE,
                    "label": field.LABEL_REPEATED,
                    "type_name": f".mockfuse.otlp_ids.{nested}",
                }
            )
            described.field.add(name=field_name, number=number, **kind)

    message("Span", ("trace_id", 1, None), ("span_id", 2, None), ("parent_span_id", 4, None))
    message("ScopeSpans", ("spans", 2, "Span"))
    message("ResourceSpans", ("scope_spans", 2, "ScopeSpans"))
    message("Export", ("resource_spans", 1, "ResourceSpans"))
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    export = message_factory.GetMessageClass(pool.FindMessageTypeByName("mockfuse.otlp_ids.Export"))
    return export, DecodeError


def spans_from_protobuf(body: bytes) -> list[Span]:
    request = _decoded_export(body)
    spans = []
    for resource_spans in request.resource_spans:
        resource = _proto_attributes(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            # Read once for all its spans, which share them as they share their resource's.
            scope = scope_spans.scope
            scope_name, scope_version = scope.name, scope.version or None
            scope_attributes = _proto_attributes(scope.attributes)
            for span in scope_spans.spans:
                spans.append(
                    Span(
                        trace_id=_proto_id(span.trace_id, "traceId", 16) or "",
                        span_id=_proto_id(span.span_id, "spanId", 8) or "",
                        parent_span_id=_proto_id(
                            span.parent_span_id, "parentSpanId", 8, optional=True
                        ),
                        name=span.name,
                        start_unix_nano=span.start_time_unix_nano or None,
                        end_unix_nano=span.end_time_unix_nano or None,
                        attributes=_proto_attributes(span.attributes),
                        resource_attributes=resource,
                        scope_name=scope_name,
                        scope_version=scope_version,
                        scope_attributes=scope_attributes,
                        status_code=span.status.code,
                        status_message=span.status.message or None,
                        events=[
                            SpanEvent(event.name, _proto_attributes(event.attributes))
                            for event in span.events
                        ],
                    )
                )
    return spans


# -- JSON ----------------------------------------------------------------------------------------


def _number(text: str) -> float | int | None:
    """JavaScript's ``Number(text)`` for the decimal texts OTLP/JSON carries, None for NaN."""
    try:
        number = float(text)
    except ValueError:
        return None if text.strip() else 0
    return (
        int(number)
        if number.is_integer() and "." not in text and "e" not in text.lower()
        else number
    )


def attribute_value(value: Any) -> Any:
    """An OTLP/JSON ``AnyValue`` as Langfuse reads it (``convertValueToPlainJavascript``):
    strings, numbers, booleans and arrays as themselves, int64 texts as numbers, and anything
    else (key-value lists, bytes, empty values) as its JSON text."""
    if not isinstance(value, dict):
        return value
    if value.get("stringValue") is not None:
        return value["stringValue"]
    if value.get("doubleValue") is not None:
        double = value["doubleValue"]
        if isinstance(double, str):
            number = _number(double)
            return number if number is not None and math.isfinite(number) else double
        return double
    if value.get("boolValue") is not None:
        return value["boolValue"]
    array = value.get("arrayValue")
    if isinstance(array, dict) and array.get("values") is not None:
        return [attribute_value(item) for item in array["values"]]
    integer = value.get("intValue")
    if isinstance(integer, (int, float)) and not isinstance(integer, bool):
        return integer
    if isinstance(integer, str) and _number(integer) is not None:
        return _number(integer)
    if isinstance(integer, dict) and isinstance(integer.get("high"), int):
        return (integer["high"] << 32) + (int(integer.get("low", 0)) & 0xFFFFFFFF)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _json_attributes(attributes: Any, where: str) -> dict[str, Any]:
    _json_attribute_list(attributes, where)
    if attributes is None:
        return {}
    return {
        item["key"]: attribute_value(item.get("value") or {})
        for item in attributes
        if isinstance(item, dict) and isinstance(item.get("key"), str)
    }


def _json_id(raw: Any, what: str, size: int, *, optional: bool = False) -> str | None:
    if raw in (None, "") and optional:
        return None
    if not isinstance(raw, str) or not raw:
        raise InvalidExport(f"{what} is missing or not a string")
    if len(raw) == size * 2 and _HEX_ID.match(raw):
        return raw.lower()
    try:
        decoded = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) != size:
        raise InvalidExport(
            f"{what} {raw!r} is neither {size * 2} hex digits nor {size} base64 bytes"
        )
    return decoded.hex()


def _json_time(raw: Any) -> int | None:
    if isinstance(raw, dict):  # {high, low}, as some JavaScript exporters send int64
        return (int(raw.get("high", 0)) << 32) + (int(raw.get("low", 0)) & 0xFFFFFFFF)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return int(raw)
    except ValueError:
        return None  # Langfuse reads an unreadable time as a missing one


def _json_list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidExport(f"{where} must be an array")
    return value


def _json_spans(export: dict[str, Any]) -> Iterator[Span]:
    for resource_spans in _json_list(export.get("resourceSpans"), "resourceSpans"):
        resource = _json_attributes(
            (resource_spans.get("resource") or {}).get("attributes"), "resource"
        )
        for scope_spans in _json_list(resource_spans.get("scopeSpans"), "scopeSpans"):
            scope = scope_spans.get("scope") or {}
            for span in _json_list(scope_spans.get("spans"), "spans"):
                if not isinstance(span, dict):
                    raise InvalidExport("a span must be an object")
                events = _json_list(span.get("events"), "events")
                status = span.get("status") or {}
                yield Span(
                    trace_id=_json_id(span.get("traceId"), "traceId", 16) or "",
                    span_id=_json_id(span.get("spanId"), "spanId", 8) or "",
                    parent_span_id=_json_id(
                        span.get("parentSpanId"), "parentSpanId", 8, optional=True
                    ),
                    name=str(span.get("name") or ""),
                    start_unix_nano=_json_time(span.get("startTimeUnixNano")),
                    end_unix_nano=_json_time(span.get("endTimeUnixNano")),
                    attributes=_json_attributes(span.get("attributes"), "span"),
                    resource_attributes=resource,
                    scope_name=str(scope.get("name") or ""),
                    scope_version=None if scope.get("version") is None else str(scope["version"]),
                    scope_attributes=_json_attributes(scope.get("attributes"), "scope"),
                    status_code=_status_code(status.get("code")),
                    status_message=None
                    if status.get("message") is None
                    else str(status["message"]),
                    events=[
                        SpanEvent(
                            str(event.get("name") or ""),
                            _json_attributes(event.get("attributes"), "event"),
                        )
                        for event in events
                        if isinstance(event, dict)
                    ],
                )


def _status_code(code: Any) -> int:
    if code == "STATUS_CODE_ERROR":
        return STATUS_ERROR
    try:
        return int(code or 0)
    except (TypeError, ValueError):
        return 0


def check_json(export: Any) -> None:
    """Raise what ``spans_from_json`` would raise for ``export``, building nothing: an
    exporter waits for the check, and the spans are built when they are read."""
    with _invalid_export_of(export):
        for resource_spans in _json_list(export.get("resourceSpans"), "resourceSpans"):
            _json_attribute_list(
                (resource_spans.get("resource") or {}).get("attributes"), "resource"
            )
            for scope_spans in _json_list(resource_spans.get("scopeSpans"), "scopeSpans"):
                _json_attribute_list((scope_spans.get("scope") or {}).get("attributes"), "scope")
                for span in _json_list(scope_spans.get("spans"), "spans"):
                    if not isinstance(span, dict):
                        raise InvalidExport("a span must be an object")
                    _json_id(span.get("traceId"), "traceId", 16)
                    _json_id(span.get("spanId"), "spanId", 8)
                    _json_id(span.get("parentSpanId"), "parentSpanId", 8, optional=True)
                    _json_time(span.get("startTimeUnixNano"))
                    _json_time(span.get("endTimeUnixNano"))
                    _json_attribute_list(span.get("attributes"), "span")
                    for event in _json_list(span.get("events"), "events"):
                        if isinstance(event, dict):
                            _json_attribute_list(event.get("attributes"), "event")


@contextlib.contextmanager
def _invalid_export_of(export: Any) -> Iterator[None]:
    """What reading ``export`` raises, as ``InvalidExport``: Langfuse refuses the export
    whole, for a shape it cannot read as much as for a bad id."""
    if not isinstance(export, dict):
        raise InvalidExport("the export must be an object")
    try:
        yield
    except InvalidExport:
        raise
    except (TypeError, ValueError, AttributeError) as error:
        raise InvalidExport(str(error)) from None


def _json_attribute_list(attributes: Any, where: str) -> None:
    if attributes is not None and not isinstance(attributes, list):
        raise InvalidExport(f"{where}.attributes must be an array")


def spans_from_json(export: Any) -> list[Span]:
    with _invalid_export_of(export):
        return list(_json_spans(export))
