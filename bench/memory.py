"""Memory: what a stored event costs against its JSON size, and whether ``serve`` with bounded
retention keeps a flat resident size under load.

    .venv/bin/python bench/memory.py per-event [--batches 400]
    .venv/bin/python bench/memory.py soak [--minutes 10]   (needs wrk)
    .venv/bin/python bench/memory.py fresh-pages [--size 3760]

``per-event`` posts 15-event batches over HTTP to a server in this process and counts, with
tracemalloc, the bytes still held once they are stored (as they arrived, and once read: see
``Store.admit``), against the bytes of the events' JSON.
``soak`` loads ``mockfuse serve --max-requests 2000`` with wrk and samples its resident set size
every 30 seconds; after the first two minutes (retention fills up) it should stay flat.
``fresh-pages`` times allocations that are kept against allocations that are freed: what
keeping every request costs in memory the process never touched before, whatever keeps it.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

import httpx
from ingestion_shapes import LUA, litellm_events, with_placeholders
from side_by_side import AUTHORIZATION, free_port, wait_until_listening

from mockfuse import MockfuseServer
from mockfuse.langfuse.ingestion import fast as ingestion_fast


def batch_template() -> str:
    """The LiteLLM-shaped 15-event batch, its ids placeholders to fill per request."""
    return with_placeholders(litellm_events(15))


def per_event(batches: int) -> None:
    template = batch_template()
    bodies = [template.replace("-ID", f"-{uuid.uuid4().hex}").encode() for _ in range(batches)]
    json_bytes = sum(
        len(json.dumps(event, separators=(",", ":")))
        for body in bodies
        for event in json.loads(body)["batch"]
    )
    available = ingestion_fast.AVAILABLE
    for fast in (True, False):
        ingestion_fast.AVAILABLE = fast and available
        with MockfuseServer() as server, httpx.Client() as client:
            auth = {"Authorization": "Basic " + base64.b64encode(b"pk:sk").decode()}
            tenant = server.tenant(public_key="pk", secret_key="sk")
            gc.collect()
            tracemalloc.start()
            before = tracemalloc.get_traced_memory()[0]
            for body in bodies:
                response = client.post(
                    tenant.url + "/api/public/ingestion", content=body, headers=auth
                )
                assert response.status_code == 207 and not response.json()["errors"]
            gc.collect()
            arrived = tracemalloc.get_traced_memory()[0] - before
            events = batches * 15
            assert len(tenant.events) == events  # read: logged and stored, if not yet
            gc.collect()
            read = tracemalloc.get_traced_memory()[0] - before
            tracemalloc.stop()
        label = "msgspec fast path" if fast and available else "judged event by event"
        print(f"{label}: {events} events, {json_bytes / events:.0f} bytes of JSON each")
        for moment, held in (("as they arrived", arrived), ("once read", read)):
            print(
                f"  held {moment}: {held / events:.0f} bytes each, "
                f"{held / json_bytes:.2f}x their JSON"
            )


def resident_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def soak(minutes: float) -> None:
    port = free_port()
    script = Path(tempfile.mkdtemp()) / "post.lua"
    script.write_text(LUA.replace("TEMPLATE", batch_template()).replace("AUTH", AUTHORIZATION))
    server = subprocess.Popen(
        [sys.executable, "-m", "mockfuse", "serve", "--port", str(port), "--max-requests", "2000"],
        stdout=subprocess.DEVNULL,
    )
    seconds = int(minutes * 60)
    try:
        wait_until_listening(port)
        load = subprocess.Popen(
            ["wrk", "-t1", "-c8", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        samples: list[tuple[float, int]] = []
        start = time.monotonic()
        while load.poll() is None:
            samples.append((time.monotonic() - start, resident_kib(server.pid)))
            print(f"{samples[-1][0]:6.0f} s  {samples[-1][1] / 1024:7.1f} MiB", flush=True)
            with contextlib.suppress(subprocess.TimeoutExpired):
                load.wait(timeout=30)  # a sample every 30 s while wrk runs
        output = load.stdout.read() if load.stdout else ""
        rate = next((line for line in output.splitlines() if "Requests/sec" in line), "")
        print(rate.strip())
        settled = [kib for at, kib in samples if at >= 120] or [samples[-1][1]]
        print(
            f"after 2 min: from {settled[0] / 1024:.1f} to {settled[-1] / 1024:.1f} MiB, "
            f"max {max(settled) / 1024:.1f} MiB ({(max(settled) / settled[0] - 1) * 100:+.1f}%)"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


def fresh_pages(blocks: int, size: int, rounds: int) -> None:
    """What keeping memory costs beside freeing it: ``blocks`` allocations of ``size`` bytes,
    each touched as a request body is, kept (so each comes from pages the process never
    touched before) or dropped (so the next reuses them). The difference is the price of a
    fresh page on this machine, which a server that keeps every request pays per request."""
    timings: dict[str, list[float]] = {"kept": [], "freed": []}
    for _ in range(rounds):
        for name in timings:
            held: list[bytes] = []
            start = time.perf_counter()
            for _ in range(blocks):
                block = bytes(size)
                if name == "kept":
                    held.append(block)
            timings[name].append((time.perf_counter() - start) / blocks * 1e6)
            del held
    kept, freed = (statistics.median(timings[name]) for name in ("kept", "freed"))
    print(
        f"{size}-byte blocks, medians of {rounds} rounds of {blocks}: kept {kept:.2f} µs each, "
        f"freed {freed:.2f} µs each ({kept / freed:.1f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("per-event").add_argument("--batches", type=int, default=400)
    commands.add_parser("soak").add_argument("--minutes", type=float, default=10)
    pages = commands.add_parser("fresh-pages")
    pages.add_argument("--blocks", type=int, default=50_000)
    pages.add_argument("--size", type=int, default=3760)  # SDK 2.x's 15-event batch
    pages.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.command == "per-event":
        per_event(args.batches)
    elif args.command == "fresh-pages":
        fresh_pages(args.blocks, args.size, args.rounds)
    else:
        soak(args.minutes)


if __name__ == "__main__":
    main()
