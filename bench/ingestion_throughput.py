"""Ingestion throughput: mockfuse (auth, validation, dedupe, storing, projection) against a bare
aiohttp handler that only parses the JSON (json.loads) and answers the same 207, side by side
in one run; mockfuse runs twice, with msgspec's fast path and with MOCKFUSE_NO_MSGSPEC=1.

wrk posts 15-event batches (trace and generation events like the seed's, about 12 KB) over
keep-alive loopback connections; a Lua script gives every event a fresh id, so dedupe never
short-cuts the work. Prints the requests per second of each, per round, then medians and
their ratio. Needs wrk (Debian: apt-get install wrk).

    .venv/bin/python bench/ingestion_throughput.py [--rounds 3] [--seconds 10]
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from pathlib import Path

from ingestion_shapes import LUA, litellm_events, with_placeholders
from side_by_side import AUTHORIZATION, load_arguments, median_rates

HERE = Path(__file__).resolve().parent


def main() -> None:
    args = load_arguments(__doc__)

    if importlib.util.find_spec("msgspec") is None:
        print("msgspec is not installed: both mockfuse runs judge event by event")
    template = with_placeholders(litellm_events(15))
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
