"""JSON text as mockfuse reads and writes it: bodies and values read as JavaScript's
``JSON.parse`` reads them, answers, copies of captures handed to tests, and the canonical form
snapshots are compared in. msgspec (a regular dependency) writes and copies several times
faster than ``json``, which stands in where msgspec cannot be imported; reading is ``json``'s
(msgspec cannot refuse NaN as ``JSON.parse`` does).

One difference between the two: a float NaN or infinity, which no JSON a client sends can
hold (``json.loads`` as mockfuse calls it refuses them) but a protobuf double attribute of
an export can, is written ``null`` by msgspec, as a JSON answer must write it.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import msgspec.json as fast_json
except ImportError:  # a platform without msgspec's wheels
    fast_json = None  # type: ignore[assignment]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


# One decoder for every read: ``json.loads`` given any option builds a new one each call,
# which cost more than decoding a short value.
_AS_JAVASCRIPT_READS = json.JSONDecoder(parse_constant=_refuse_constant)


def parse(text: str | bytes) -> Any:
    """``text`` decoded as ``json.loads`` decodes it, but as JavaScript's ``JSON.parse``
    reads JSON: NaN and Infinity are errors (ValueError)."""
    if not isinstance(text, str):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    elif text.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return _AS_JAVASCRIPT_READS.decode(text)


def encode(payload: Any) -> bytes:
    """Compact JSON."""
    if fast_json is not None:
        return fast_json.encode(payload)
    return json.dumps(payload, separators=(",", ":")).encode()


def encode_sorted(payload: Any) -> bytes:
    """Compact JSON, keys sorted at every level."""
    if fast_json is not None:
        return fast_json.encode(payload, order="sorted")
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def copy(data: Any) -> Any:
    """A deep copy of JSON data: a round trip through its text is the fastest there is (a
    fourth of ``json``'s with msgspec)."""
    if fast_json is not None:
        return fast_json.decode(fast_json.encode(data))
    return json.loads(json.dumps(data))
