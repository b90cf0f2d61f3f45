"""The floor for ingestion throughput: an aiohttp handler that only parses the batch and
answers the same 207 mockfuse answers, storing nothing. With ``--keep``, it also keeps each
request's body, headers and URL, as any recording server must (and nothing more: no log
entry, no events), its heap frozen as ``mockfuse serve`` freezes its own
(``mockfuse.capture.heap.freeze_survivors`` every ``FREEZE_EVERY`` requests, so that
collections do not walk all it keeps): what keeping alone costs. With ``--uvloop``, it runs
on uvloop's event loop, as ``mockfuse serve`` does when uvloop is installed: what the loop
alone is worth. Usage:
bare_ingestion_server.py [--keep] [--uvloop] PORT"""

import asyncio
import json
import sys

from aiohttp import web

from mockfuse.capture import heap

KEPT: list[tuple[bytes, object, object]] = []


def answer(body: bytes) -> web.Response:
    payload = json.loads(body)
    successes = [{"id": event["id"], "status": 201} for event in payload["batch"]]
    return web.json_response({"successes": successes, "errors": []}, status=207)


async def ingestion(request: web.Request) -> web.Response:
    return answer(await request.read())


async def keeping(request: web.Request) -> web.Response:
    body = await request.read()
    KEPT.append((body, request.headers, request.rel_url))
    if len(KEPT) % heap.FREEZE_EVERY == 0:
        heap.freeze_survivors()
    return answer(body)


def make_app(keep: bool = False) -> web.Application:
    app = web.Application(client_max_size=5_000_000)
    app.router.add_post("/api/public/ingestion", keeping if keep else ingestion)
    return app


def main() -> None:
    app = make_app(keep="--keep" in sys.argv)
    if "--uvloop" in sys.argv:
        import uvloop

        loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    port = int(sys.argv[-1])
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None, loop=loop)


if __name__ == "__main__":  # ``ingestion_in_process`` imports the app
    main()
