"""The floor for ingestion throughput: an aiohttp handler that only parses the batch and
answers the same 207 mockfuse answers, storing nothing. Usage: bare_ingestion_server.py PORT"""

import json
import sys

from aiohttp import web


async def ingestion(request: web.Request) -> web.Response:
    payload = json.loads(await request.read())
    successes = [{"id": event["id"], "status": 201} for event in payload["batch"]]
    return web.json_response({"successes": successes, "errors": []}, status=207)


app = web.Application(client_max_size=5_000_000)
app.router.add_post("/api/public/ingestion", ingestion)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
