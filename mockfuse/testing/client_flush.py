"""Deliver what the Langfuse clients alive in this process still hold, when a test ends.

An app's client lives for the whole pytest process and sends in the background: SDK 2.x
batches events on a consumer thread, SDK 3.x to 5.x and LiteLLM's current logging export spans
through an OpenTelemetry batch processor, scores and media go through queues of their own.
Flushing them all at the end of each test sends what the test made while its window is still
open, so a test's captures are complete in the viewer and nothing trickles into the next
test's time (where ``mockfuse.capture.windows`` would still place it by when it was made).

Only modules the process already imported are looked at, nothing is imported here, and the
whole flush is bounded by a deadline: a client that cannot deliver (a fault rule, a server
gone) delays the next test by at most that long. A client that is seen to hold nothing and
send nothing (most, when the test flushed before it asserted) is left alone: starting a
thread to flush it costs a test more than its flush (several milliseconds while the server's
and the clients' threads share the interpreter).
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

DEFAULT_DEADLINE = 5.0


def flush_clients(deadline: float = DEFAULT_DEADLINE) -> list[str]:
    """Flush every Langfuse client and OpenTelemetry batch processor alive in the process
    and clear SDK prompt caches (a prompt a test added must not be served from the last
    test's cache); answers what did not finish within ``deadline`` seconds."""
    flushes = list(_flushes())
    _clear_prompt_caches()
    if not flushes:
        return []
    ends_at = time.monotonic() + deadline
    workers = [
        threading.Thread(target=flush, name=f"mockfuse-flush-{name}", daemon=True)
        for name, flush in flushes
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(max(0.0, ends_at - time.monotonic()))
    return [worker.name.removeprefix("mockfuse-flush-") for worker in workers if worker.is_alive()]


def _flushes() -> Iterator[tuple[str, Callable[[], None]]]:
    """A flush for every client that may still hold something."""
    for manager in _resource_managers():
        if not _manager_idle(manager):
            yield "langfuse", manager.flush
    for thread in threading.enumerate():
        processor: Any = getattr(getattr(thread, "_target", None), "__self__", None)
        if callable(getattr(processor, "force_flush", None)):
            # An OpenTelemetry batch processor's worker: the SDK 3.x to 5.x exporter, LiteLLM's
            # current logging, any exporter the app set up.
            if not _processor_idle(processor):
                yield type(processor).__name__, processor.force_flush
        elif type(thread).__module__.startswith("langfuse."):
            # SDK 2.x consumers (ingestion, media upload): wait until their queues are done.
            for pending in _queues_of(thread):
                if pending.unfinished_tasks:
                    yield type(thread).__name__, _drained(pending)


def _processor_idle(processor: Any) -> bool:
    """Whether an OpenTelemetry batch processor is seen to queue nothing and export nothing:
    the SDK's queue and export lock (OpenTelemetry 1.28 and later wrap them in a
    ``_batch_processor``). False where the SDK's internals are not those: then it is
    flushed."""
    inner = getattr(processor, "_batch_processor", processor)
    spans = getattr(inner, "_queue", None)
    locked = getattr(getattr(inner, "_export_lock", None), "locked", None)
    if spans is None or not callable(locked):
        return False
    try:
        return len(spans) == 0 and not locked()
    except TypeError:  # a queue without a length: not the SDK's deque
        return False


def _manager_idle(manager: Any) -> bool:
    """Whether an SDK 3.x to 5.x client's span processors, score queue and media queue are
    seen to hold nothing and send nothing."""
    provider = getattr(manager, "tracer_provider", None)
    active = getattr(provider, "_active_span_processor", None)
    processors = getattr(active, "_span_processors", None)
    if provider is not None and not isinstance(processors, tuple):
        return False  # a provider whose processors cannot be seen: flushed
    queues = [getattr(manager, name, None) for name in ("_score_queue", "_media_upload_queue")]
    return all(_processor_idle(processor) for processor in processors or ()) and all(
        isinstance(pending, queue.Queue) and not pending.unfinished_tasks for pending in queues
    )


def _resource_managers() -> list[Any]:
    """SDK 3.x to 5.x: one resource manager per public key, each with its tracer provider and
    score and media queues."""
    module = sys.modules.get("langfuse._client.resource_manager")
    manager = getattr(module, "LangfuseResourceManager", None)
    instances = getattr(manager, "_instances", None)
    return list(instances.values()) if isinstance(instances, dict) else []


def _queues_of(thread: threading.Thread) -> Iterator[queue.Queue[Any]]:
    for value in vars(thread).values():
        if isinstance(value, queue.Queue):
            yield value
        elif type(value).__module__.startswith("langfuse."):  # SDK 2.x's media manager
            yield from (v for v in vars(value).values() if isinstance(v, queue.Queue))


def _drained(pending: queue.Queue[Any]) -> Callable[[], None]:
    def wait() -> None:
        with pending.all_tasks_done:
            while pending.unfinished_tasks:
                pending.all_tasks_done.wait()

    return wait


def _clear_prompt_caches() -> None:
    for manager in _resource_managers():
        cache: Any = getattr(manager, "prompt_cache", None)
        if callable(getattr(cache, "clear", None)):
            cache.clear()
    # SDK 2.x: the client behind ``@observe`` and ``langfuse_context``, if it was made
    # (read from the singleton: the decorator's ``client_instance`` would make one).
    singleton_module = sys.modules.get("langfuse.utils.langfuse_singleton")
    singleton = getattr(getattr(singleton_module, "LangfuseSingleton", None), "_instance", None)
    client = getattr(singleton, "_langfuse", None)
    cache = getattr(getattr(client, "prompt_cache", None), "_cache", None)
    if isinstance(cache, dict):
        cache.clear()
