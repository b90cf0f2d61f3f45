"""``POST /api/public/otel/v1/traces``: OTLP/HTTP from Langfuse SDK 3.x-5.x, LiteLLM 1.104+,
``@langfuse/otel`` and any OpenTelemetry exporter.

Protobuf and JSON bodies, gzip or not, with the 400 answers Langfuse gives; the spans become
ingestion events in the same store as batches. Success is 200 with a JSON body (exporters
only read the status).
"""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Any

from aiohttp import web

from mockfuse.api.exchange import (
    LARGEST_BODY,
    Exchange,
    TooLarge,
    encode_json,
    gunzip,
    parse_json,
)
from mockfuse.api.routing import Routes
from mockfuse.capture.requests import Deferred, KeptJson, Made
from mockfuse.langfuse.otel import experiment_spans
from mockfuse.langfuse.otel.mapping import export_events
from mockfuse.langfuse.otel.spans import (
    InvalidExport,
    Span,
    check_json,
    check_protobuf,
    spans_from_json,
    spans_from_protobuf,
)

routes = Routes()

MAX_INGESTION_VERSION = 4


# What every export is answered: exporters read only the status.
ANSWER = encode_json({})
KEPT_ANSWER = KeptJson(text=ANSWER)


def _spans(raw: bytes, gzipped: bool, protobuf: bool) -> list[Span]:
    """The spans of an export, read from the bytes it came as when its events are made or its
    log entry is read: reading them for every export would cost an exporter more than
    decoding it. Only those bytes are kept, inflated again when read: an export inflates to
    ten times its gzip or more, and keeping that much for every export cost more than the
    inflating (``bench/ingestion_in_process.py``, 512 spans)."""
    body = gunzip(raw, LARGEST_BODY) if gzipped else raw
    return spans_from_protobuf(body) if protobuf else spans_from_json(parse_json(body))


def _logged(raw: bytes, gzipped: bool, protobuf: bool) -> list[dict[str, Any]]:
    """The spans of an export as the request log shows them: readable, ids in hex."""
    return [asdict(span) for span in _spans(raw, gzipped, protobuf)]


@routes.post("/api/public/otel/v1/traces", limit=LARGEST_BODY)
async def otel_traces(exchange: Exchange) -> web.Response:
    request = exchange.request
    version = request.headers.get("x-langfuse-ingestion-version")
    if version is not None and not (version.isdigit() and int(version) <= MAX_INGESTION_VERSION):
        message = (
            f'Unsupported x-langfuse-ingestion-version: "{version}". '
            f'Maximum supported: "{MAX_INGESTION_VERSION}".'
        )
        return exchange.answer(400, {"error": message})

    try:
        body = exchange.body_within(LARGEST_BODY)
    except TooLarge:
        return exchange.answer_too_large(LARGEST_BODY)
    except ValueError:
        return exchange.answer(400, {"error": "Failed to decompress request body"})

    content_type = request.headers.get("Content-Type", "").lower()
    protobuf = "application/x-protobuf" in content_type
    try:
        if protobuf:
            try:
                check_protobuf(body)
            except InvalidExport:
                raise
            except ValueError:
                return exchange.answer(400, {"error": "Failed to parse OTel Protobuf Trace"})
        elif "application/json" in content_type:
            try:
                export = parse_json(body)
            except ValueError:
                return exchange.answer(400, {"error": "Failed to parse OTel JSON Trace"})
            check_json(export)
        else:
            return exchange.answer(400, {"error": "Invalid content type"})
    except InvalidExport as error:
        return exchange.answer(400, {"error": f"Invalid OTLP trace export: {error}"})

    raw, gzipped = exchange.raw_body, body is not exchange.raw_body
    note = None
    if experiment_spans.MARK in body:  # rare: read the spans now, so experiments show at once
        try:
            read = experiment_spans.read_experiment_spans(_spans(raw, gzipped, protobuf))
        except Exception as error:  # as a mapping fault: noted, and the export still answered
            note = f"its experiment spans could not be read: {error!r}"
        else:
            exchange.services.datasets.add_experiment_item_runs(exchange.tenant, read.item_runs)
            exchange.services.experiments.add(exchange.tenant, read.items)

    # Langfuse answers an export once it is checked and maps its spans in a worker, later;
    # mockfuse reads and maps them when the tenant is next read, so a busy exporter waits
    # for neither.
    logged = KeptJson(deferred=Deferred(partial(_logged, raw, gzipped, protobuf)))
    seen_traces = exchange.services.seen_traces.of(exchange.tenant)
    return exchange.answer_later(
        200,
        ANSWER,
        body=logged,
        make=partial(_export_made, raw, gzipped, protobuf, seen_traces),
        carries=0,  # an export's spans are counted once mapped
        kept_answer=KEPT_ANSWER,
        note=note,
    )


def _export_made(raw: bytes, gzipped: bool, protobuf: bool, seen_traces: set[str]) -> Made:
    made = export_events(_spans(raw, gzipped, protobuf), seen_traces)
    return Made(made.events, note=made.note, marks=made.marks)
