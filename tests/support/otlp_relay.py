"""A relay that takes an OTLP/JSON trace export and sends it on as protobuf, so that a client
that writes JSON (the harness of Langfuse's own mapping tests) exercises mockfuse's protobuf
path too. The conversion is the official one (``google.protobuf.json_format`` into the
``opentelemetry-proto`` messages), after turning OTLP/JSON's hex ids into the proto3 JSON
mapping's base64 and JavaScript int64 objects (``{low, high}``) into integers."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from google.protobuf.json_format import ParseDict, ParseError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

_ID_FIELDS = ("traceId", "spanId", "parentSpanId")


def _int64(value: Any) -> Any:
    if isinstance(value, dict) and "low" in value and "high" in value:
        high = value["high"] if not value.get("unsigned") else value["high"] & 0xFFFFFFFF
        return str((high << 32) + (value["low"] & 0xFFFFFFFF))
    return value


def _proto3_json(node: Any) -> Any:
    if isinstance(node, list):
        return [_proto3_json(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {}
    for key, value in node.items():
        if key in _ID_FIELDS and isinstance(value, str):
            value = base64.b64encode(bytes.fromhex(value)).decode() if value else ""
        elif key in ("intValue", "startTimeUnixNano", "endTimeUnixNano", "timeUnixNano"):
            value = _int64(value)
        converted[key] = _proto3_json(value)
    return converted


def protobuf_export(export: Any) -> bytes:
    """An OTLP/JSON export as the protobuf bytes of the same spans."""
    message = ExportTraceServiceRequest()
    ParseDict(_proto3_json(export), message, ignore_unknown_fields=True)
    return message.SerializeToString()


@contextmanager
def otlp_protobuf_relay(target: str) -> Iterator[str]:
    """A relay to ``target`` (mockfuse's OTLP traces URL) on a free loopback port; yields its
    URL. An export protobuf cannot express is answered 422 with the reason."""

    class Relay(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                payload = protobuf_export(json.loads(body))
            except (ParseError, ValueError, TypeError) as error:
                self._answer(422, f"not expressible as protobuf: {error}".encode())
                return
            forwarded = httpx.post(
                target,
                content=payload,
                headers={
                    "Authorization": self.headers.get("Authorization", ""),
                    "Content-Type": "application/x-protobuf",
                },
            )
            self._answer(forwarded.status_code, forwarded.content)

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the test reports what matters

    server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/public/otel/v1/traces"
    finally:
        server.shutdown()
        server.server_close()
