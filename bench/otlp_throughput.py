"""OTLP throughput: ``mockfuse serve`` answering 512-span gzip protobuf exports against a bare
aiohttp handler that only inflates and decodes them and answers the same 200, side by side in
one run. mockfuse answers once an export is decoded and its ids checked, and maps the spans
when the tenant is first read (no one reads here: what an exporter under load sees). Prints
the requests per second of each, per round, then medians and their ratio. Needs wrk.

    .venv/bin/python bench/otlp_throughput.py [--rounds 3] [--seconds 10] [--baseline DIR]

``--baseline`` runs another checkout of mockfuse beside this one, for a change's before and
after in one run.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from otlp_mapping import SPANS, export
from side_by_side import AUTHORIZATION, argument_parser, checkout, median_rates

HERE = Path(__file__).resolve().parent

LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-protobuf"
wrk.headers["Content-Encoding"] = "gzip"
wrk.headers["Authorization"] = "AUTH"
local file = io.open("BODY", "rb")
wrk.body = file:read("*all")
file:close()
request = function()
  return wrk.format(nil, "/api/public/otel/v1/traces")
end
"""


def main() -> None:
    parser = argument_parser(__doc__)
    parser.add_argument("--baseline", help="a checkout of mockfuse to run beside this one")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp())
    body = folder / "export.pb.gz"
    body.write_bytes(export())
    print(f"export: {SPANS} spans, {body.stat().st_size} bytes gzipped")
    script = folder / "post.lua"
    script.write_text(LUA.replace("AUTH", AUTHORIZATION).replace("BODY", str(body)))

    # Bounded retention: a load test must not grow the store without end.
    serve = [sys.executable, "-m", "mockfuse", "serve", "--max-requests", "2000", "--port"]
    commands = {
        "mockfuse": (serve, checkout(HERE.parent)),
        "bare aiohttp": ([sys.executable, str(HERE / "bare_otlp_server.py")], {}),
    }
    if args.baseline:
        commands["baseline"] = (serve, checkout(args.baseline))
    medians = median_rates(commands, script, args.rounds, args.seconds)
    for name in [name for name in commands if name != "bare aiohttp"]:
        print(f"ratio {name} / bare aiohttp: {medians[name] / medians['bare aiohttp']:.2f}")


if __name__ == "__main__":
    main()
