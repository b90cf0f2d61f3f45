"""A fake OpenAI server for the downstream suites of OpenTelemetry instrumentations, loaded as
a pytest plugin (``-p fake_openai`` in a suite's pytest.ini) so that it runs, and points
``OPENAI_BASE_URL`` at itself, before the app module makes its OpenAI client.

Chat completions answer ``echo: <last user message>`` with fixed usage (12 prompt tokens,
5 completion tokens); when the request offers tools and has no tool result yet, they call
the first tool with ``{"city": "Paris"}`` instead. Streams end with a usage chunk when the
request asks for it (``stream_options.include_usage``). Like OpenAI's, every answer has a
fresh id (``chatcmpl-…``, ``call_…``) and the time it was made, and the server's port is new
each run: what an app's snapshots must hold against.
"""

from __future__ import annotations

import json
import os
import secrets
import string
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

USAGE = {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}


def _fresh_id(prefix: str, length: int) -> str:
    """An id drawn as OpenAI draws its own: letters and digits, both cases."""
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def _answer(request: dict[str, Any]) -> dict[str, Any]:
    messages = request.get("messages") or []
    tools = request.get("tools") or []
    if tools and not any(m.get("role") == "tool" for m in messages):
        name = tools[0]["function"]["name"]
        call = {"id": _fresh_id("call_", 24), "type": "function"}
        call["function"] = {"name": name, "arguments": json.dumps({"city": "Paris"})}
        message = {"role": "assistant", "content": None, "tool_calls": [call]}
        finish = "tool_calls"
    else:
        asked = next((m for m in reversed(messages) if m.get("role") == "user"), {})
        content = asked.get("content")
        if isinstance(content, list):  # content parts
            content = " ".join(part.get("text", "") for part in content)
        message = {"role": "assistant", "content": f"echo: {content}"}
        finish = "stop"
    return {
        "id": _fresh_id("chatcmpl-", 29),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "gpt-4o-mini"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": USAGE,
    }


def _chunks(request: dict[str, Any]) -> list[dict[str, Any]]:
    whole = _answer(request)
    choice = whole["choices"][0]
    base = {key: whole[key] for key in ("id", "created", "model")}
    base["object"] = "chat.completion.chunk"
    delta = {**choice["message"]}
    chunks = [
        {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
        {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": choice["finish_reason"]}]},
    ]
    if (request.get("stream_options") or {}).get("include_usage"):
        chunks.append({**base, "choices": [], "usage": USAGE})
    return chunks


class _FakeOpenAI(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        if not self.path.endswith("/chat/completions"):
            self._send(404, b'{"error": {"message": "not faked"}}', "application/json")
        elif request.get("stream"):
            lines = [f"data: {json.dumps(chunk)}\n\n" for chunk in _chunks(request)]
            body = ("".join(lines) + "data: [DONE]\n\n").encode()
            self._send(200, body, "text/event-stream")
        else:
            self._send(200, json.dumps(_answer(request)).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


_server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
threading.Thread(target=_server.serve_forever, daemon=True).start()
os.environ["OPENAI_BASE_URL"] = f"http://127.0.0.1:{_server.server_address[1]}/v1"
os.environ["OPENAI_API_KEY"] = "sk-fake"
