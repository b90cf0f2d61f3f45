"""Ingestion throughput: mockfuse (auth, validation, dedupe, storing, projection) against a bare
aiohttp handler that only parses the JSON (json.loads) and answers the same 207, side by side
in one run; mockfuse runs twice, with msgspec's fast path and with MOCKFUSE_NO_MSGSPEC=1.

wrk posts 15-event batches (trace and generation events like the seed's, about 10 KB) over
keep-alive loopback connections; a Lua script gives every event a fresh id, so dedupe never
short-cuts the work. Prints the requests per second of each, per round, then medians and
their ratio. Needs wrk (Debian: apt-get install wrk).

    .venv/bin/python bench/ingestion_throughput.py [--rounds 3] [--seconds 10]
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
from pathlib import Path

from side_by_side import AUTHORIZATION, load_arguments, median_rates

HERE = Path(__file__).resolve().parent
SEED = HERE.parent / "tests" / "data" / "seed-litellm-ingestion-batch.json"


def batch_template() -> str:
    """15 events from the seed's two, every id a placeholder the Lua script fills."""
    seed = json.loads(SEED.read_text())["batch"]
    events = []
    for index in range(15):
        event = json.loads(json.dumps(seed[index % 2]))
        event["id"] = f"EVENT-{index}-ID"
        event["body"]["id"] = f"BODY-{index}-ID"
        if "traceId" in event["body"]:
            event["body"]["traceId"] = "BODY-0-ID"
        events.append(event)
    return json.dumps({"batch": events, "metadata": {"sdk_name": "python", "batch_size": 15}})


LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "AUTH"
local template = [==[TEMPLATE]==]
local counter = 0
request = function()
  counter = counter + 1
  local prefix = tostring(counter) .. "-" .. tostring(math.random(1, 1000000000))
  local body = template:gsub("(%u+)%-(%d+)%-ID", "%1-%2-" .. prefix)
  return wrk.format(nil, "/api/public/ingestion", nil, body)
end
"""


def main() -> None:
    args = load_arguments(__doc__)

    if importlib.util.find_spec("msgspec") is None:
        print("msgspec is not installed: both mockfuse runs judge event by event")
    template = batch_template()
    print(f"batch: 15 events, {len(template)} bytes")
    script = Path(tempfile.mkdtemp()) / "post.lua"
    script.write_text(LUA.replace("TEMPLATE", template).replace("AUTH", AUTHORIZATION))

    # Bounded retention: a load test must not grow the store without end.
    serve = [sys.executable, "-m", "mockfuse", "serve", "--max-requests", "2000", "--port"]
    bare = [sys.executable, str(HERE / "bare_ingestion_server.py")]
    commands = {
        "mockfuse": (serve, {}),
        "mockfuse without msgspec": (serve, {"MOCKFUSE_NO_MSGSPEC": "1"}),
        "bare aiohttp": (bare, {}),
    }
    medians = median_rates(commands, script, args.rounds, args.seconds)
    for name in ("mockfuse", "mockfuse without msgspec"):
        print(f"ratio {name} / bare aiohttp: {medians[name] / medians['bare aiohttp']:.2f}")


if __name__ == "__main__":
    main()
