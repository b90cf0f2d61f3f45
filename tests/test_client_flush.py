"""Flushing a process's clients at teardown: a batch processor that holds spans, or is
exporting some, is flushed; one seen to hold and send nothing is left alone (a thread
started to flush it would cost the test more than the flush)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

from mockfuse.testing.client_flush import _processor_idle, flush_clients


class HeldExporter(SpanExporter):
    """Collects what it exports; holds an export until released, when asked to."""

    def __init__(self) -> None:
        self.exported: list[ReadableSpan] = []
        self.hold = threading.Event()
        self.exporting = threading.Event()
        self.hold.set()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.exporting.set()
        self.hold.wait(5)
        self.exported.extend(spans)
        return SpanExportResult.SUCCESS


def test_a_processor_holding_spans_is_flushed_and_an_idle_one_left_alone():
    exporter = HeldExporter()
    processor = BatchSpanProcessor(exporter, schedule_delay_millis=60_000)
    provider = TracerProvider()
    provider.add_span_processor(processor)
    try:
        assert _processor_idle(processor)
        with provider.get_tracer("app").start_as_current_span("held"):
            pass
        assert not _processor_idle(processor)
        assert flush_clients() == []
        assert [span.name for span in exporter.exported] == ["held"]
        assert _processor_idle(processor)

        # An export under way (taken off the queue, not yet answered) is not idle either.
        exporter.hold.clear()
        with provider.get_tracer("app").start_as_current_span("in flight"):
            pass
        flushing = threading.Thread(target=processor.force_flush)
        flushing.start()
        assert exporter.exporting.wait(5)
        assert not _processor_idle(processor)
        exporter.hold.set()
        flushing.join(5)
        assert _processor_idle(processor)
    finally:
        provider.shutdown()


def test_a_processor_of_unknown_make_is_always_flushed():
    class Foreign:
        def force_flush(self) -> None:
            pass

    assert not _processor_idle(Foreign())
