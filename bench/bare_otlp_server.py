"""The floor for OTLP: an aiohttp handler that only decodes the export (aiohttp inflates a
gzip body itself), into the proto object or, for OTLP/JSON, with ``json.loads``, and answers
200 {}, as mockfuse answers, storing nothing. Usage: bare_otlp_server.py PORT"""

import json
import sys

from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


async def traces(request: web.Request) -> web.Response:
    body = await request.read()
    if "json" in request.headers.get("Content-Type", ""):
        json.loads(body)
    else:
        ExportTraceServiceRequest().ParseFromString(body)
    return web.json_response({})


def make_app() -> web.Application:
    app = web.Application(client_max_size=64_000_000)
    app.router.add_post("/api/public/otel/v1/traces", traces)
    return app


if __name__ == "__main__":
    web.run_app(make_app(), host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
