"""Ingestion's CPU time per request without the network, batches and OTLP exports alike:
requests fed to the real aiohttp application (``mockfuse serve``'s, its heap frozen as
``serve`` freezes it, or the bare handler's: ``bare_ingestion_server.py`` for a batch,
``bare_otlp_server.py`` for an export) through a transport that only collects the answer,
one after another, on the loop ``serve`` runs on. No kernel, no wrk and no second process
share the measure, so it moves far less between runs than ``ingestion_shapes.py`` does on a
noisy machine: what to compare two versions of mockfuse with (``--baseline``), not what a
client sees.

Each server runs in a process of its own per round (rounds interleaved, a fresh process each
time); each run reports its CPU time (user and system) per request after a warm-up, and the
pauses of the cyclic collector meanwhile (``serve``'s freezes and any automatic collection):
how many, their median and longest, and their total per request. The shapes are
``ingestion_shapes.py``'s and ``otlp_shapes.py``'s (``otlp 1 span``, ``otlp sdk5 gzip``, ...).

    .venv/bin/python bench/ingestion_in_process.py [--rounds 9] [--requests 20000]
        [--shape "1 event"] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ingestion_shapes import SHAPES, with_placeholders
from otlp_shapes import SHAPES as OTLP_SHAPES
from side_by_side import AUTHORIZATION

HERE = Path(__file__).resolve().parent
WARM_UP = 3000


def request_bytes(template: str, number: int) -> bytes:
    """One POST of ``template`` with fresh ids, as the wrk script of ``ingestion_shapes``
    makes it."""
    prefix = f"{number}-{random.randint(1, 1_000_000_000)}"
    body = re.sub(r"(ID\d+)-ID", lambda match: f"{match.group(1)}-{prefix}", template).encode()
    head = (
        "POST /api/public/ingestion HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nAuthorization: {AUTHORIZATION}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


OTLP = "otlp "  # what names an export's shape here: otlp_shapes.py's name after it


def export_bytes(shape: str) -> bytes:
    """One POST of ``otlp_shapes``' export ``shape``, as its wrk script sends it (the same
    export every time, as there)."""
    body, content_type, gzipped = OTLP_SHAPES[shape]()
    encoding = "Content-Encoding: gzip\r\n" if gzipped else ""
    head = (
        "POST /api/public/otel/v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: {content_type}\r\n{encoding}Authorization: {AUTHORIZATION}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def requests_of(shape: str, count: int) -> list[bytes]:
    if shape.startswith(OTLP):
        return [export_bytes(shape.removeprefix(OTLP))] * count
    template = with_placeholders(SHAPES[shape]())
    return [request_bytes(template, n) for n in range(count)]


class AnswerCollector(asyncio.Transport):
    """A connection's transport that keeps what the server writes until a whole answer
    arrived, then resolves ``answered``."""

    def __init__(self) -> None:
        super().__init__()
        self.answered: asyncio.Future[bytes] | None = None
        self._written = b""

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._written += bytes(data)
        head_end = self._written.find(b"\r\n\r\n")
        if head_end < 0:
            return
        length = re.search(rb"Content-Length: (\d+)", self._written[:head_end])
        assert length is not None, self._written
        if len(self._written) >= head_end + 4 + int(length.group(1)):
            answer, self._written = self._written, b""
            assert self.answered is not None
            self.answered.set_result(answer)

    def writelines(self, chunks: Any) -> None:
        self.write(b"".join(chunks))

    def is_closing(self) -> bool:
        return False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 1), "sockname": ("127.0.0.1", 2)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def get_write_buffer_size(self) -> int:
        return 0

    def close(self) -> None:
        pass


class CollectorPauses:
    """The cyclic collector's pauses, timed through ``gc.callbacks``."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started = 0.0
        gc.callbacks.append(self._note)

    def _note(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._started)


def mockfuse_app() -> Any:
    from mockfuse.capture import heap
    from mockfuse.capture.services import ServerConfig, Services
    from mockfuse.server import make_app

    app = make_app(services=Services(ServerConfig(freeze_heap=True)))  # as ``serve`` makes it
    heap.freeze_survivors()
    if hasattr(heap, "hold_freed_memory"):  # as ``serve`` tunes it, where a baseline has it
        heap.hold_freed_memory()
    return app


def bare_app(shape: str) -> Any:
    if shape.startswith(OTLP):
        from bare_otlp_server import make_app as make_otlp_app

        return make_otlp_app()
    from bare_ingestion_server import make_app

    return make_app()


APPS: dict[str, Callable[[str], Any]] = {
    "mockfuse": lambda shape: mockfuse_app(),
    "bare aiohttp": bare_app,
}


async def feed(app: Any, requests: list[bytes], status: bytes, inflates: bool) -> dict[str, float]:
    """Feed ``requests`` to ``app`` one at a time, each answered ``status``; the measures past
    the warm-up. With ``inflates``, aiohttp inflates gzip bodies for the app (the bare
    handlers'); ``serve`` inflates its own, within its limits."""
    from aiohttp import web

    runner = web.AppRunner(app, access_log=None, handle_signals=False, auto_decompress=inflates)
    await runner.setup()
    assert runner.server is not None
    connection = runner.server()
    transport = AnswerCollector()
    connection.connection_made(transport)
    loop = asyncio.get_running_loop()
    pauses = CollectorPauses()
    started = 0.0
    for number, request in enumerate(requests):
        if number == WARM_UP:
            started = time.process_time()
            pauses.pauses.clear()
        transport.answered = loop.create_future()
        connection.data_received(request)
        answer = await transport.answered
        assert answer.startswith(b"HTTP/1.1 " + status), answer[:200]
        requests[number] = b""  # as a server does: the request's bytes go once read
    measured = len(requests) - WARM_UP
    cpu = time.process_time() - started
    await runner.cleanup()
    gaps = pauses.pauses or [0.0]
    return {
        "cpu_us": cpu / measured * 1e6,
        "collections": len(pauses.pauses),
        "median_pause_us": statistics.median(gaps) * 1e6,
        "longest_pause_us": max(gaps) * 1e6,
        "collector_us": sum(pauses.pauses) / measured * 1e6,
    }


def run_one(name: str, count: int, shape: str) -> None:
    """In this process: ``name``'s app fed ``count`` requests of ``shape``; prints the measures
    as JSON."""
    from mockfuse import event_loop

    requests = requests_of(shape, count + WARM_UP)
    status = b"200" if shape.startswith(OTLP) else b"207"
    app = APPS[name](shape)
    print(json.dumps(event_loop.run(feed(app, requests, status, name != "mockfuse"))))


def measured(name: str, count: int, shape: str, checkout: Path | None) -> dict[str, float]:
    """One run in a fresh process: this bench, with ``checkout``'s mockfuse (a baseline's)
    or this one's."""
    kind = "mockfuse" if checkout is not None else name
    path = checkout or HERE.parent
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--run", kind, str(count), shape],
        env={**os.environ, "PYTHONPATH": f"{path}{os.pathsep}{HERE}", "PYTHONSAFEPATH": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.splitlines()[-1]))


def main() -> None:
    if sys.argv[1:2] == ["--run"]:
        run_one(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=20_000)
    shapes = [*SHAPES, *(OTLP + shape for shape in OTLP_SHAPES)]
    parser.add_argument("--shape", action="append", choices=shapes)
    parser.add_argument("--baseline", help="a checkout of mockfuse to run beside this one")
    args = parser.parse_args()
    servers: dict[str, Path | None] = {name: None for name in APPS}
    if args.baseline:
        servers["baseline"] = Path(args.baseline).resolve()
    for shape in args.shape or ["1 event", "sdk2 15"]:
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
        for round_number in range(args.rounds):
            order = list(servers) if round_number % 2 == 0 else list(reversed(servers))
            for name in order:
                checkout = servers[name] if name == "baseline" else None
                runs[name].append(measured(name, args.requests, shape, checkout))
        print(f"-- {shape}: medians of {args.rounds} runs of {args.requests} requests")
        floor = statistics.median(run["cpu_us"] for run in runs["bare aiohttp"])
        for name, results in runs.items():
            median = {key: statistics.median(r[key] for r in results) for key in results[0]}
            print(
                f"{name:>12}: {median['cpu_us']:6.2f} µs CPU a request "
                f"(bare's over it: {floor / median['cpu_us']:.2f}); collector: "
                f"{median['collections']:.0f} pauses, median {median['median_pause_us']:.0f} µs, "
                f"longest {median['longest_pause_us']:.0f} µs, "
                f"{median['collector_us']:.2f} µs a request"
            )


if __name__ == "__main__":
    main()
