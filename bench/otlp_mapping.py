"""OTLP cost against the floor: a 512-span gzip protobuf export, side by side with inflating
and decoding it into the proto object alone (medians of runs), in three measures:

- answered: what an exporter waits for, inflating, decoding and checking the export's ids
  (mockfuse maps the spans when the tenant is first read, as Langfuse maps them in a worker);
- mapped: making the Langfuse events of the export, paid once, at that first read;
- floor of any mapping in Python: decoding and reading every span field once, mapping nothing.

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
from mockfuse.langfuse.otel.mapping import export_events
from mockfuse.langfuse.otel.spans import check_protobuf, spans_from_protobuf

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

    def answered() -> None:
        check_protobuf(gunzip(body, LARGEST_BODY))

    def mapped() -> None:
        export_events(spans_from_protobuf(gunzip(body, LARGEST_BODY)))

    def every_field_read() -> None:
        request = ExportTraceServiceRequest()
        request.ParseFromString(gzip.decompress(body))
        for resource_spans in request.resource_spans:
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    _ = (span.trace_id, span.span_id, span.parent_span_id, span.name)
                    _ = (span.start_time_unix_nano, span.end_time_unix_nano, span.status.code)
                    for attribute in span.attributes:
                        _ = (attribute.key, attribute.value.string_value)

    alone = median_seconds(decode_only, args.runs)
    print(f"export: {SPANS} spans, {len(body)} bytes gzipped")
    print(f"decode alone: {alone * 1000:.2f} ms")
    for label, work in [
        ("answered (decode and check)", answered),
        ("mapped at first read", mapped),
        ("floor: every field read once", every_field_read),
    ]:
        seconds = median_seconds(work, args.runs)
        print(f"{label}: {seconds * 1000:.2f} ms, rate ratio {alone / seconds:.2f}")


if __name__ == "__main__":
    main()
