"""Ingestion across payload shapes: mockfuse ``serve`` (default, and with ``--max-requests``)
against the bare aiohttp handler that only parses the batch (``bare_ingestion_server.py``),
side by side in one run, per shape:

- ``1 event``: one trace-create (latency-bound);
- ``litellm 15``: 15 events alternating trace-create and generation-create, as LiteLLM's
  classic logging sends them (the seed batch's two events, repeated);
- ``sdk2 15``: SDK 2.x's mixed batch (trace, spans, updates, generation, event, scores), from
  ``tests/data/captures/lf2.jsonl``;
- ``litellm 100``: the LiteLLM shape, 100 events.

wrk posts each shape over keep-alive loopback connections, every id fresh per request (a Lua
script fills the placeholders), so dedupe never short-cuts the work; ``--latency`` gives
p50 and p99. Prints each round, then a table of medians: requests per second, the ratio to
the bare handler (of the medians, and the paired ratio: the median of the rounds' own
ratios), p50/p99 latency beside the bare handler's, and the server's CPU time per
request beside the bare handler's (its ratio, bare over mockfuse, reads like the rate's; it
moves less between rounds on a noisy machine). Needs wrk.

``serve`` runs on uvloop when it is installed, and the bare handler on asyncio's own loop:
then two more servers show what the loop alone is worth, mockfuse on asyncio's loop
(``MOCKFUSE_NO_UVLOOP=1``) and the bare handler on uvloop. Every ratio is to the bare handler
on asyncio's loop.

    .venv/bin/python bench/ingestion_shapes.py [--rounds 3] [--seconds 10] [--shape "1 event"]
        [--baseline DIR]

``--baseline`` runs another checkout of mockfuse beside this one (default ``serve``), for a
change's before and after in one run: ``git worktree add /tmp/before main`` makes one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from side_by_side import (
    AUTHORIZATION,
    Commands,
    checkout,
    shape_bench,
)

from mockfuse import event_loop

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data"
ID_FIELDS = ("id", "traceId", "parentObservationId", "observationId")

LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "AUTH"
local template = [==[TEMPLATE]==]
local counter = 0
request = function()
  counter = counter + 1
  local prefix = tostring(counter) .. "-" .. tostring(math.random(1, 1000000000))
  local body = template:gsub("(ID%d+)%-ID", "%1-" .. prefix)
  return wrk.format(nil, "/api/public/ingestion", nil, body)
end
"""


def with_placeholders(events: list[dict[str, Any]]) -> str:
    """The batch with every id (envelope and body, and the references between them) a
    placeholder ``ID<n>-ID`` the Lua script makes fresh per request, links kept."""
    names: dict[str, str] = {}

    def placeholder(value: str) -> str:
        return names.setdefault(value, f"ID{len(names)}-ID")

    batch = []
    for event in json.loads(json.dumps(events)):
        event["id"] = placeholder(event["id"])
        for field in ID_FIELDS:
            if isinstance(event["body"].get(field), str):
                event["body"][field] = placeholder(event["body"][field])
        batch.append(event)
    return json.dumps({"batch": batch, "metadata": {"batch_size": len(batch)}})


def litellm_events(count: int) -> list[dict[str, Any]]:
    seed = json.loads((DATA / "seed-litellm-ingestion-batch.json").read_text())["batch"]
    events = []
    for index in range(count):
        event = json.loads(json.dumps(seed[index % 2]))
        event["id"] = f"event-{index}"
        if index % 2 == 0:  # the trace
            event["body"]["id"] = f"trace-{index}"
        else:  # its generation
            event["body"]["id"] = f"generation-{index}"
            event["body"]["traceId"] = f"trace-{index - 1}"
        events.append(event)
    return events


def sdk2_events() -> list[dict[str, Any]]:
    batches = [
        record["decoded_json"]["batch"]
        for record in map(json.loads, (DATA / "captures" / "lf2.jsonl").read_text().splitlines())
        if isinstance(record.get("decoded_json"), dict) and "batch" in record["decoded_json"]
    ]
    return (batches[0] + batches[1])[:15]


SHAPES = {
    "1 event": lambda: litellm_events(1),
    "litellm 15": lambda: litellm_events(15),
    "sdk2 15": sdk2_events,
    "litellm 100": lambda: litellm_events(100),
}


def servers(baseline: str | None = None) -> Commands:
    """The servers compared; ``bare aiohttp`` is the floor."""
    serve = [sys.executable, "-m", "mockfuse", "serve", "--port"]
    bounded = [sys.executable, "-m", "mockfuse", "serve", "--max-requests", "2000", "--port"]
    bare = [sys.executable, str(HERE / "bare_ingestion_server.py")]
    this = checkout(HERE.parent)
    commands = {
        "mockfuse": (serve, this),
        "mockfuse --max-requests": (bounded, this),
        "bare aiohttp": (bare, {}),
    }
    if event_loop.UVLOOP:  # what the loop alone is worth, on either side
        commands["mockfuse, asyncio loop"] = (serve, {**this, "MOCKFUSE_NO_UVLOOP": "1"})
        commands["bare aiohttp, uvloop"] = ([*bare, "--uvloop"], {})
    if baseline:
        commands["baseline"] = (serve, checkout(baseline))
    return commands


def load_script(shape: str, folder: Path) -> Path:
    """The wrk script that posts ``shape``, every id fresh per request, written in ``folder``."""
    script = folder / f"{shape.replace(' ', '-')}.lua"
    template = with_placeholders(SHAPES[shape]())
    script.write_text(LUA.replace("TEMPLATE", template).replace("AUTH", AUTHORIZATION))
    return script


def described_script(shape: str, folder: Path) -> tuple[Path, str]:
    template = with_placeholders(SHAPES[shape]())
    posts = f"{len(json.loads(template)['batch'])} events, {len(template)} bytes"
    return load_script(shape, folder), posts


def main() -> None:
    shape_bench(__doc__, list(SHAPES), servers, described_script)


if __name__ == "__main__":
    main()
