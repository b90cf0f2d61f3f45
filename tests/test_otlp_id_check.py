"""The check an OTLP protobuf export passes before it is answered: every span's ids are 16
and 8 bytes (Langfuse's ``validateOtelSpanIds``), whatever else the export holds, however
its spans are spread over resources and scopes, and whatever bytes the ids are made of."""

from __future__ import annotations

import random

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from mockfuse.langfuse.otel.spans import InvalidExport, check_protobuf

# Ids made of the bytes the check's pattern reads as tags and lengths.
TRICKY = [b"\x12\x1c\x0a\x10" * 4, b"\x12\x26\x22\x08" * 2, b"\x0a\x10\x12\x08" * 2]


def export(ids: list[list[list[tuple[bytes, bytes, bytes]]]]) -> bytes:
    """An export of resources of scopes of spans with ``ids`` (trace, span, parent), each
    span with a name and attributes as real ones have."""
    request = ExportTraceServiceRequest()
    for resource_ids in ids:
        resource = request.resource_spans.add()
        attribute = resource.resource.attributes.add()
        attribute.key, attribute.value.string_value = "service.name", "app"
        for scope_ids in resource_ids:
            scope = resource.scope_spans.add()
            scope.scope.name = "langfuse-sdk"
            for trace_id, span_id, parent in scope_ids:
                span = scope.spans.add()
                span.trace_id, span.span_id, span.parent_span_id = trace_id, span_id, parent
                span.name = "chat"
                span.start_time_unix_nano = 1_795_791_338_000_000_000
                attribute = span.attributes.add()
                attribute.key, attribute.value.string_value = "langfuse.observation.type", "span"
    return request.SerializeToString()


def valid_ids(rng: random.Random) -> tuple[bytes, bytes, bytes]:
    parent = rng.choice([b"", rng.randbytes(8), TRICKY[1]])
    return rng.choice([rng.randbytes(16), TRICKY[0]]), rng.choice([rng.randbytes(8)]), parent


@pytest.mark.parametrize("seed", range(20))
def test_valid_ids_pass_however_the_spans_are_spread(seed: int) -> None:
    rng = random.Random(seed)
    ids = [
        [[valid_ids(rng) for _ in range(rng.randint(0, 6))] for _ in range(rng.randint(0, 3))]
        for _ in range(rng.randint(1, 3))
    ]
    check_protobuf(export(ids))


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ((b"\x01" * 15, b"\x02" * 9, b""), "traceId must be 16 bytes, got 15"),
        ((b"", b"\x02" * 8, b""), "traceId must be 16 bytes, got 0"),
        ((b"\x01" * 16, b"", b""), "spanId must be 8 bytes, got 0"),
        ((b"\x01" * 16, TRICKY[2] + b"\x00", b""), "spanId must be 8 bytes, got 9"),
        ((b"\x01" * 16, b"\x02" * 8, b"\x03" * 7), "parentSpanId must be 8 bytes, got 7"),
        ((b"\x01" * 16, b"\x02" * 8, b"\x03" * 16), "parentSpanId must be 8 bytes, got 16"),
    ],
)
@pytest.mark.parametrize("seed", range(5))
def test_one_span_with_bad_ids_among_many_is_named(
    bad: tuple[bytes, bytes, bytes], named: str, seed: int
) -> None:
    rng = random.Random(seed)
    ids = [[[valid_ids(rng) for _ in range(4)] for _ in range(2)] for _ in range(2)]
    resource, scope, position = rng.randrange(2), rng.randrange(2), rng.randrange(5)
    ids[resource][scope].insert(position, bad)
    with pytest.raises(InvalidExport, match=named):
        check_protobuf(export(ids))


def test_what_is_not_protobuf_is_a_value_error() -> None:
    with pytest.raises(ValueError) as raised:
        check_protobuf(b"\xff\xff\xff")
    assert not isinstance(raised.value, InvalidExport)
