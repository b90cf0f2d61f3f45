"""Where ingestion's time goes: ``mockfuse serve`` with parts of its work switched off, side by
side with the full server and the bare handler, under the same load. What a part costs is the
difference its absence makes:

- ``no store``: the request is answered but not captured (neither logged nor kept as it
  arrived: no memory kept);
- ``no fast path``: the batch is read with ``json.loads`` (into its ids for the answer, into
  the same event references when stored) instead of msgspec's checked decode;
- ``neither``: both;
- ``bare, keeping``: the bare handler keeping each request's body, headers and URL, as any
  recording server must: what keeping alone costs a server that does nothing else.

Both bare handlers run on the event loop mockfuse runs on (uvloop when installed).

A diagnostic, not a mode: the switched-off servers answer as mockfuse does but keep nothing.

    .venv/bin/python bench/ingestion_parts.py [--rounds 5] [--seconds 4] [--shape "sdk2 15"]
"""

from __future__ import annotations

import json
import runpy
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ingestion_shapes import SHAPES, load_script
from side_by_side import argument_parser, median_loads

from mockfuse import event_loop

HERE = Path(__file__).resolve().parent
PARTS = {"no store": "store", "no fast path": "fast", "neither": "store,fast"}


def serve_without(parts: list[str], port: str) -> None:
    """``mockfuse serve`` on ``port`` with ``parts`` (``store``, ``fast``) switched off."""
    if "store" in parts:
        from mockfuse.capture.store import Store

        def admit(self: Store, *_: Any, **__: Any) -> None:
            return None

        Store.admit = admit  # type: ignore[method-assign]
    if "fast" in parts:
        from mockfuse.api import ingestion
        from mockfuse.langfuse.projection import EventRef

        def accept(text: bytes, most: int, marks: Any = None) -> list[EventRef]:
            batch = json.loads(text)["batch"]
            return [
                EventRef(text, i, e["id"], e["type"], e["body"].get("id"))
                for i, e in enumerate(batch)
            ]

        def structs(text: bytes, most: int) -> list[SimpleNamespace]:
            return [SimpleNamespace(id=e["id"]) for e in json.loads(text)["batch"]]

        ingestion.accept_batch = accept  # type: ignore[assignment]
        ingestion.accepted_structs = structs  # type: ignore[assignment]
    sys.argv = ["mockfuse", "serve", "--port", port]
    runpy.run_module("mockfuse", run_name="__main__")


def main() -> None:
    if sys.argv[1:2] == ["--serve-without"]:
        serve_without(sys.argv[2].split(","), sys.argv[3])
        return
    parser = argument_parser(__doc__)
    parser.add_argument("--shape", action="append", choices=list(SHAPES))
    args = parser.parse_args()
    commands = {"mockfuse": ([sys.executable, "-m", "mockfuse", "serve", "--port"], {})}
    for name, parts in PARTS.items():
        commands[name] = ([sys.executable, __file__, "--serve-without", parts], {})
    # The bare handler on the loop mockfuse runs on: the parts compare like with like.
    bare = [sys.executable, str(HERE / "bare_ingestion_server.py")]
    if event_loop.UVLOOP:
        bare.append("--uvloop")
    commands["bare aiohttp"] = (bare, {})
    commands["bare, keeping"] = ([*bare, "--keep"], {})
    folder = Path(tempfile.mkdtemp())
    for shape in args.shape or ["1 event", "sdk2 15"]:
        script = load_script(shape, folder)
        loads = median_loads(commands, script, args.rounds, args.seconds)
        print(f"-- {shape}: microseconds a request (1 / median rate), and CPU time a request")
        for name, load in loads.items():
            print(
                f"{name:>14}: {1e6 / load.rate:6.0f} µs ({load.rate:.0f} req/s), "
                f"{load.cpu_us:.0f} µs CPU"
            )


if __name__ == "__main__":
    main()
