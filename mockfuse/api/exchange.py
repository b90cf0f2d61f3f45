"""What every route does around its own work: read the body within its limit, authenticate,
apply fault rules, and log the request with the answer it got.

Every answer goes through ``Exchange._admit`` so that no request, refused or accepted, is
missing from the request log, and so that a request and its events are in the store before
the client sees the answer.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from typing import Any

from aiohttp import web
from multidict import CIMultiDict, MultiMapping

from mockfuse import json_text
from mockfuse.capture.faults import MALFORMED_BODY, FaultRule
from mockfuse.capture.requests import NOTHING, Arrival, KeptJson, Make, kept_events, made
from mockfuse.capture.services import Services
from mockfuse.capture.windows import Placement
from mockfuse.langfuse.auth import Principal
from mockfuse.langfuse.ingestion.marks import Mark, mark_of
from mockfuse.langfuse.ingestion.schema import INVALID
from mockfuse.langfuse.projection import StoredEvent

SERVICES = web.AppKey("mockfuse_services", Services)
NO_EVENTS = made(())

ONE_MEGABYTE = 1_048_576  # Next.js's default body limit, which Langfuse's other routes keep
# The largest body any route takes: the Python OTLP exporter's own ceiling (max_request_size,
# measured before compression), also used for media uploads.
LARGEST_BODY = 64 * ONE_MEGABYTE


def parse_json(raw: bytes) -> Any:
    """Parse as JavaScript's JSON.parse would: NaN and Infinity are errors. JSON nested deeper
    than Python can decode (about a thousand levels) is refused as invalid, not a crash."""
    try:
        return json_text.parse(raw)
    except RecursionError:
        raise ValueError("nested too deeply to decode") from None


class TooLarge(ValueError):
    pass


def gunzip(body: bytes, limit: int) -> bytes:
    """``body`` inflated, refusing to inflate past ``limit`` bytes (a gzip bomb stops there)."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        inflated = inflater.decompress(body, limit)
    except zlib.error as error:
        raise ValueError(str(error)) from None
    if inflater.unconsumed_tail:
        raise TooLarge(f"inflates beyond {limit} bytes")
    if not inflater.eof:
        raise ValueError("truncated gzip stream")
    return inflated


def encode_json(payload: Any) -> bytes:
    """An answer's body: compact JSON."""
    return json_text.encode(payload)


class Exchange:
    """One request on its way through a route."""

    def __init__(
        self,
        request: web.Request,
        services: Services,
        raw_body: bytes,
        principal: Principal | None,
        claimed_key: str | None,
    ) -> None:
        self.request = request
        self.services = services
        self.raw_body = raw_body
        self.principal = principal
        self.public_key = principal.public_key if principal else claimed_key
        # Whose captures, prompts, datasets and fault rules these are: the public key's, or
        # the open test window of a key a pytest session shares (see ``mockfuse.capture.windows``).
        self.tenant = services.windows.arrival(self.public_key)
        # A fault rule that let the route work: a 207 that the route applies to its own
        # answer, or a delay. Its note goes into the request log with the answer.
        self.fault: FaultRule | None = None
        # Set by a route that read its events' placement marks as it judged them (the fast
        # ingestion path): then placing them in test windows needs no decoding.
        self.placement_marks: list[Mark] | None = None
        # The body's JSON text, and what ``parse_text`` decoded from it (None when the route
        # did not decode it): the store keeps the text rather than the decoded objects.
        self.body_text: bytes | None = None
        self.parsed_body: Any = None

    def match(self, name: str) -> str:
        """The path parameter ``name`` (``{name}`` in the route's path)."""
        return self.request.match_info[name]

    @property
    def query(self) -> MultiMapping[str]:
        return self.request.query

    def _admit(
        self,
        status: int,
        response: KeptJson,
        body: KeptJson,
        note: str | None,
        make: Make,
        carries: int,
        placement: Placement | None = None,
    ) -> None:
        """Admit this request to the store with the answer it got (``Store.admit``): its
        events are ``make``'s, and it carries ``carries`` of them as far as is known now."""
        if note is None and self.fault is not None:
            note = self.fault.describe()
        request = self.request
        arrival = Arrival(
            time.time(),
            self.public_key,
            request.method,
            request.path,
            request.rel_url,
            request.headers,
            self.raw_body,
            body,
            status,
            response,
            note,
            carries,
            make,
            faulted=self.fault is not None and self.fault.stores_nothing,
        )
        self.services.store.admit(arrival, self.tenant, placement)

    def answer(
        self,
        status: int,
        payload: Any,
        *,
        body: Any = None,
        events: Sequence[StoredEvent] = (),
        note: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        """Log the exchange, store the events it carried (``body``'s, when it decoded them
        from its JSON text: kept as references into it) and answer ``payload`` as JSON."""
        text = encode_json(payload)
        body_text = self.body_text if body is self.parsed_body else None
        placement = None
        windows = self.services.windows
        if events and windows.is_windowed(self.public_key):
            marks = self.placement_marks
            if marks is None:
                marks = [mark_of(event) for event in events]  # while they are decoded
            placement = windows.placement(self.public_key, marks)
        kept = kept_events(events, body, body_text)
        self._admit(
            status,
            KeptJson(text=text),
            KeptJson.of(body, body_text),
            note,
            made(kept),
            len(kept),
            placement,
        )
        return _json_response(status, text, headers)

    def answer_later(
        self,
        status: int,
        answer: bytes,
        *,
        body: KeptJson,
        make: Make,
        carries: int,
        kept_answer: KeptJson,
        note: str | None = None,
    ) -> web.Response:
        """Answer ``status`` with ``answer`` (JSON text) and leave the request's events to
        ``make`` at the first read (an export's spans are mapped, a batch judged again from
        its text); the request carries ``carries`` events as far as is known now. The log
        keeps ``kept_answer`` as the answer, unless ``make`` gives it again. For a key whose
        tests each have a window, the store makes them at once to place them."""
        placement = self.services.windows.placement(self.public_key)
        self._admit(status, kept_answer, body, note, make, carries, placement)
        return _json_response(status, answer)

    def answer_empty(self, status: int, headers: dict[str, str] | None = None) -> web.Response:
        """Log the exchange and answer ``status`` with no body (204, as a delete answers;
        a redirect, with its ``Location`` in ``headers``)."""
        self._admit(status, NOTHING, NOTHING, None, NO_EVENTS, 0)
        return web.Response(status=status, headers=headers)

    def answer_invalid(self, *errors: str, body: Any = None) -> web.Response:
        """Langfuse's 400 for a request whose data its schema refuses."""
        return self.answer(400, {"message": INVALID, "errors": list(errors)}, body=body)

    def answer_invalid_request(self, message: str, *, body: Any = None) -> web.Response:
        """Langfuse's 400 for a request its own checks refuse past the schema (a filter, a
        metrics query, an update's rules)."""
        return self.answer(400, {"message": message, "error": "InvalidRequestError"}, body=body)

    def json_body(self) -> Any:
        """The body decoded as JSON, or (a ``web.Response``) the 400 a body that is not JSON
        gets."""
        try:
            return self.parse_text(self.raw_body)
        except ValueError as error:
            return self.answer_invalid(str(error))

    def json_body_or_empty(self) -> Any:
        """``json_body``, with an empty body read as ``{}``: what an SDK sends for a request
        whose fields are all optional and unset."""
        return self.json_body() if self.raw_body.strip() else {}

    def parse_text(self, text: bytes) -> Any:
        """``text`` (the body, inflated) decoded as JSON; ValueError as ``parse_json``
        raises it. The request log keeps the text when the answer logs this body."""
        parsed = parse_json(text)
        self.body_text, self.parsed_body = text, parsed
        return parsed

    def body_within(self, limit: int) -> bytes:
        """The body, inflated when it came gzipped; TooLarge when it inflates past ``limit``,
        ValueError when it does not inflate at all."""
        encoding = self.request.headers.get("Content-Encoding", "").lower()
        return gunzip(self.raw_body, limit) if "gzip" in encoding else self.raw_body

    def answer_too_large(self, limit: int) -> web.Response:
        return self.answer(
            413,
            {
                "error": "PayloadTooLargeError",
                "message": f"Body exceeded {_size_label(limit)} limit",
            },
            note=f"body larger than {limit} bytes",
        )

    def answer_fault(self, rule: FaultRule) -> web.Response:
        """Answer as ``rule`` says, storing nothing: a status, a malformed body, or no answer."""
        self.fault = rule
        note = rule.describe()
        try:  # the log still shows what the client sent, so a test can compare its retry
            body = parse_json(self.body_within(LARGEST_BODY))
        except ValueError:
            body = None
        if rule.drop:
            self._admit(0, NOTHING, KeptJson.of(body), note, NO_EVENTS, 0)
            if self.request.transport is not None:
                self.request.transport.abort()
            raise ConnectionResetError(note)
        status = rule.status or 200
        if rule.malformed:
            kept_answer = KeptJson(value=MALFORMED_BODY)
            self._admit(status, kept_answer, KeptJson.of(body), note, NO_EVENTS, 0)
            return web.Response(status=status, text=MALFORMED_BODY, content_type="application/json")
        headers = {"Retry-After": str(rule.retry_after)} if rule.retry_after is not None else None
        payload = {"message": "mockfuse fault rule", "error": f"InjectedFault{status}"}
        return self.answer(status, payload, body=body, note=note, headers=headers)


# Every JSON answer's Content-Type, built once: given as a header, it costs a third less to
# make a response than ``content_type`` and ``charset`` do, which aiohttp parses and joins
# for every response.
_JSON_HEADERS = CIMultiDict({"Content-Type": "application/json; charset=utf-8"})


def _json_response(status: int, text: bytes, headers: dict[str, str] | None = None) -> web.Response:
    answer_headers = _JSON_HEADERS.copy()  # aiohttp keeps the one it is given, and adds to it
    if headers:
        answer_headers.update(headers)
    return web.Response(status=status, body=text, headers=answer_headers)


def _size_label(limit: int) -> str:
    megabytes = limit / ONE_MEGABYTE
    return f"{megabytes:g}mb" if megabytes >= 1 else f"{limit}b"
