"""OTLP across export shapes: ``mockfuse serve`` against a bare aiohttp handler that only
inflates and decodes the export (protobuf into the proto object, OTLP/JSON with
``json.loads``) and answers the same 200 (``bare_otlp_server.py``), side by side in one run,
per shape:

- ``1 span``: one span with Langfuse attributes, protobuf (latency-bound);
- ``sdk5 gzip``: the export Langfuse SDK 5.x sent for its workload, gzip protobuf, from
  ``tests/data/captures/lf5.jsonl``;
- ``litellm``: LiteLLM's current logging's export, plain protobuf, from
  ``tests/data/captures/litellm_current.jsonl``;
- ``sdk5 json``: the SDK 5.x export's spans as OTLP/JSON (hex ids), as the JS SDK's exporter
  sends them;
- ``512 spans gzip``: ``otlp_mapping.py``'s 512-span export.

wrk posts each over keep-alive loopback connections; ``--latency`` gives p50 and p99. Prints
each round, then a table of medians as ``ingestion_shapes.py`` prints it. Needs wrk.

    .venv/bin/python bench/otlp_shapes.py [--rounds 3] [--seconds 10] [--shape "1 span"]
        [--baseline DIR]
"""

from __future__ import annotations

import base64
import gzip
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from otlp_mapping import export as export_512
from side_by_side import (
    AUTHORIZATION,
    Commands,
    checkout,
    shape_bench,
)

HERE = Path(__file__).resolve().parent
CAPTURES = HERE.parent / "tests" / "data" / "captures"
PROTOBUF = "application/x-protobuf"

LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "TYPE"
ENCODING
wrk.headers["Authorization"] = "AUTH"
local file = io.open("BODY", "rb")
wrk.body = file:read("*all")
file:close()
request = function()
  return wrk.format(nil, "/api/public/otel/v1/traces")
end
"""


def captured_export(name: str) -> tuple[bytes, bool]:
    """The first export a captured client sent: its body as sent, and whether gzipped."""
    for line in (CAPTURES / name).read_text().splitlines():
        record = json.loads(line)
        if record["path"] == "/api/public/otel/v1/traces":
            return base64.b64decode(record["body_b64"]), record["content_encoding"] == "gzip"
    raise LookupError(f"no export in {name}")


def one_span() -> bytes:
    request = ExportTraceServiceRequest()
    span = request.resource_spans.add().scope_spans.add().spans.add()
    span.trace_id, span.span_id, span.name = bytes(range(16)), bytes(range(8)), "chat"
    span.start_time_unix_nano, span.end_time_unix_nano = (
        1_795_791_338_000_000_000,
        1_795_791_339_000_000_000,
    )
    for key, value in {
        "langfuse.observation.type": "generation",
        "langfuse.observation.model.name": "gpt-4o-mini",
        "langfuse.observation.input": json.dumps([{"role": "user", "content": "hi"}]),
        "langfuse.observation.output": json.dumps({"content": "hello"}),
    }.items():
        attribute = span.attributes.add()
        attribute.key, attribute.value.string_value = key, value
    return request.SerializeToString()


def as_otlp_json(protobuf: bytes) -> bytes:
    """An export as OTLP/JSON encodes it: ids in hex, the rest as protobuf's JSON mapping."""
    request = ExportTraceServiceRequest()
    request.ParseFromString(protobuf)
    document: Any = MessageToDict(request)

    def hex_ids(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("traceId", "spanId", "parentSpanId") and isinstance(item, str):
                    value[key] = base64.b64decode(item).hex()
                else:
                    hex_ids(item)
        elif isinstance(value, list):
            for item in value:
                hex_ids(item)

    hex_ids(document)
    return json.dumps(document).encode()


def _sdk5() -> bytes:
    body, gzipped = captured_export("lf5.jsonl")
    return gzip.decompress(body) if gzipped else body


# shape -> (body, content type, gzipped)
SHAPES: dict[str, Callable[[], tuple[bytes, str, bool]]] = {
    "1 span": lambda: (one_span(), PROTOBUF, False),
    "sdk5 gzip": lambda: (gzip.compress(_sdk5()), PROTOBUF, True),
    "litellm": lambda: (captured_export("litellm_current.jsonl")[0], PROTOBUF, False),
    "sdk5 json": lambda: (as_otlp_json(_sdk5()), "application/json", False),
    "512 spans gzip": lambda: (export_512(), PROTOBUF, True),
}


def servers(baseline: str | None) -> Commands:
    serve = [sys.executable, "-m", "mockfuse", "serve", "--max-requests", "2000", "--port"]
    commands: Commands = {
        "mockfuse": (serve, checkout(HERE.parent)),
        "bare aiohttp": ([sys.executable, str(HERE / "bare_otlp_server.py")], {}),
    }
    if baseline:
        commands["baseline"] = (serve, checkout(baseline))
    return commands


def load_script(shape: str, folder: Path) -> tuple[Path, str]:
    """The wrk script that posts ``shape``'s export, written in ``folder`` with its body, and
    what it posts."""
    body, content_type, gzipped = SHAPES[shape]()
    path = folder / f"{shape.replace(' ', '-')}.body"
    path.write_bytes(body)
    script = folder / f"{shape.replace(' ', '-')}.lua"
    encoding = 'wrk.headers["Content-Encoding"] = "gzip"' if gzipped else ""
    script.write_text(
        LUA.replace("TYPE", content_type)
        .replace("ENCODING", encoding)
        .replace("AUTH", AUTHORIZATION)
        .replace("BODY", str(path))
    )
    return script, f"{len(body)} bytes, {content_type}{', gzip' if gzipped else ''}"


def main() -> None:
    shape_bench(__doc__, list(SHAPES), servers, load_script)


if __name__ == "__main__":
    main()
