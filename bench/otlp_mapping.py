"""OTLP cost against the floor: a 512-span gzip protobuf export inflated, decoded and mapped to
Langfuse events by mockfuse, side by side with inflating and decoding it into the proto object
alone (medians of runs).

    .venv/bin/python bench/otlp_mapping.py [--runs 30]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from timing import median_seconds

from mockfuse.api.exchange import LARGEST_BODY, gunzip
from mockfuse.otel.mapping import events_from_spans
from mockfuse.otel.spans import spans_from_protobuf

SPANS = 512
ATTRIBUTES = {
    "langfuse.observation.type": "generation",
    "langfuse.observation.input": json.dumps([{"role": "user", "content": "hello " * 20}]),
    "langfuse.observation.output": json.dumps({"content": "hi " * 20}),
    "langfuse.observation.model.name": "gpt-4o",
    "langfuse.observation.usage_details": json.dumps({"input": 10, "output": 20}),
    "langfuse.trace.name": "chat",
    "user.id": "user-1",
    "session.id": "session-1",
}


def export() -> bytes:
    request = ExportTraceServiceRequest()
    resource_spans = request.resource_spans.add()
    scope_spans = resource_spans.scope_spans.add()
    scope_spans.scope.name = "langfuse-sdk"
    for number in range(SPANS):
        span = scope_spans.spans.add()
        span.trace_id, span.span_id, span.parent_span_id = (
            os.urandom(16),
            os.urandom(8),
            os.urandom(8),
        )
        span.name = f"span-{number}"
        span.start_time_unix_nano = 1_795_791_338_000_000_000 + number
        span.end_time_unix_nano = span.start_time_unix_nano + 1_000_000
        for key, value in ATTRIBUTES.items():
            attribute = span.attributes.add()
            attribute.key, attribute.value.string_value = key, value
    return gzip.compress(request.SerializeToString())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    body = export()

    def decode_only() -> None:
        ExportTraceServiceRequest().ParseFromString(gzip.decompress(body))

    def decode_and_map() -> None:
        events_from_spans(spans_from_protobuf(gunzip(body, LARGEST_BODY)))

    alone = median_seconds(decode_only, args.runs)
    mapped = median_seconds(decode_and_map, args.runs)
    print(f"export: {SPANS} spans, {len(body)} bytes gzipped")
    print(f"decode alone: {alone * 1000:.2f} ms, decode and map: {mapped * 1000:.2f} ms")
    print(f"rate of mockfuse / rate of decoding alone: {alone / mapped:.2f}")


if __name__ == "__main__":
    main()
