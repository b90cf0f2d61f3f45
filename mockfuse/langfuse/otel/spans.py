"""OTLP trace exports, protobuf or JSON, read into one plain shape: ``Span``.

Protobuf is decoded with the official ``opentelemetry-proto`` messages; OTLP/JSON (what
``@langfuse/otel`` sends) is read from its documented field names. Ids end up as lowercase
hex either way: protobuf carries bytes, JSON exporters send hex, and the protobuf JSON mapping
would send base64, which is accepted too.
"""

from __future__ import annotations

import base64
import binascii
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
class Span:
    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    start_unix_nano: int
    end_unix_nano: int
    attributes: dict[str, Any] = field(default_factory=dict)
    resource_attributes: dict[str, Any] = field(default_factory=dict)
    scope_name: str = ""
    scope_version: str = ""
    scope_attributes: dict[str, Any] = field(default_factory=dict)
    status_code: int = 0
    status_message: str = ""


# -- protobuf ------------------------------------------------------------------------------------


def _proto_value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_proto_value(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return {item.key: _proto_value(item.value) for item in value.kvlist_value.values}
    if kind == "bytes_value":
        return base64.b64encode(value.bytes_value).decode("ascii")
    return getattr(value, kind) if kind else None


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
    """Raise what ``spans_from_protobuf`` would raise for ``body``, reading only the ids: all
    an export is refused for, at a fraction of the cost of reading every span."""
    for resource_spans in _decoded_export(body).resource_spans:
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                trace_id, span_id, parent = span.trace_id, span.span_id, span.parent_span_id
                if len(trace_id) != 16 or len(span_id) != 8 or (parent and len(parent) != 8):
                    _proto_id(trace_id, "traceId", 16)
                    _proto_id(span_id, "spanId", 8)
                    _proto_id(parent, "parentSpanId", 8, optional=True)


def spans_from_protobuf(body: bytes) -> list[Span]:
    request = _decoded_export(body)
    spans = []
    for resource_spans in request.resource_spans:
        resource = _proto_attributes(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                spans.append(
                    Span(
                        trace_id=_proto_id(span.trace_id, "traceId", 16) or "",
                        span_id=_proto_id(span.span_id, "spanId", 8) or "",
                        parent_span_id=_proto_id(
                            span.parent_span_id, "parentSpanId", 8, optional=True
                        ),
                        name=span.name,
                        start_unix_nano=span.start_time_unix_nano,
                        end_unix_nano=span.end_time_unix_nano,
                        attributes=_proto_attributes(span.attributes),
                        resource_attributes=resource,
                        scope_name=scope_spans.scope.name,
                        scope_version=scope_spans.scope.version,
                        scope_attributes=_proto_attributes(scope_spans.scope.attributes),
                        status_code=span.status.code,
                        status_message=span.status.message,
                    )
                )
    return spans


# -- JSON ----------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "arrayValue" in value:
        return [_json_value(item) for item in (value["arrayValue"] or {}).get("values") or []]
    if "kvlistValue" in value:
        return {
            item.get("key"): _json_value(item.get("value"))
            for item in (value["kvlistValue"] or {}).get("values") or []
        }
    if "intValue" in value:
        return int(value["intValue"])
    for key in ("stringValue", "boolValue", "doubleValue", "bytesValue"):
        if key in value:
            return value[key]
    return None


def _json_attributes(attributes: Any, where: str) -> dict[str, Any]:
    if attributes is None:
        return {}
    if not isinstance(attributes, list):
        raise InvalidExport(f"{where}.attributes must be an array")
    return {
        item["key"]: _json_value(item.get("value"))
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


def _json_time(raw: Any) -> int:
    if isinstance(raw, dict):  # {high, low}, as some JavaScript exporters send int64
        return (int(raw.get("high", 0)) << 32) + int(raw.get("low", 0))
    if raw in (None, ""):
        return 0
    return int(raw)


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
                _json_list(span.get("events"), "events")
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
                    scope_version=str(scope.get("version") or ""),
                    scope_attributes=_json_attributes(scope.get("attributes"), "scope"),
                    status_code=_status_code(status.get("code")),
                    status_message=str(status.get("message") or ""),
                )


def _status_code(code: Any) -> int:
    if code == "STATUS_CODE_ERROR":
        return STATUS_ERROR
    try:
        return int(code or 0)
    except (TypeError, ValueError):
        return 0


def spans_from_json(export: Any) -> list[Span]:
    if not isinstance(export, dict):
        raise InvalidExport("the export must be an object")
    try:
        return list(_json_spans(export))
    except (TypeError, ValueError, AttributeError) as error:
        if isinstance(error, InvalidExport):
            raise
        raise InvalidExport(str(error)) from None
