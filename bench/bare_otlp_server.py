"""The floor for OTLP throughput: an aiohttp handler that only decodes the export into the
proto object (aiohttp inflates the gzip body itself) and answers 200 {}, as mockfuse answers,
storing nothing. Usage: bare_otlp_server.py PORT"""

import sys

from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


async def traces(request: web.Request) -> web.Response:
    ExportTraceServiceRequest().ParseFromString(await request.read())
    return web.json_response({})


app = web.Application(client_max_size=64_000_000)
app.router.add_post("/api/public/otel/v1/traces", traces)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
