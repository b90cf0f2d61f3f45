"""JSON as mockfuse reads and writes it, with msgspec and without."""

from __future__ import annotations

import json
import math

import pytest

from mockfuse import json_text


@pytest.mark.parametrize("text", ["NaN", "[1, Infinity]", '{"a": -Infinity}'])
def test_parse_refuses_what_javascript_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="is not valid JSON"):
        json_text.parse(text)
    assert json.loads(text) is not None  # which json.loads alone would take


@pytest.mark.parametrize(
    "text", ['{"a": [1, 2.5, "x", null, true]}', b'{"a": 1}', b"\xef\xbb\xbf[1]", "\u00e9"]
)
def test_parse_reads_what_json_loads_reads(text: str | bytes) -> None:
    try:
        expected = json.loads(text)
    except ValueError as error:
        with pytest.raises(type(error)):
            json_text.parse(text)
    else:
        assert json_text.parse(text) == expected


def test_a_byte_order_mark_in_text_is_refused_as_json_loads_refuses_it() -> None:
    with pytest.raises(json.JSONDecodeError, match="BOM"):
        json_text.parse("\ufeff[1]")


@pytest.fixture(params=["msgspec", "json"])
def codec(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "json":
        monkeypatch.setattr(json_text, "fast_json", None)
    return str(request.param)


def test_copy_is_deep_and_equal(codec: str) -> None:
    data = {"b": [{"c": 1}], "a": "é", "n": 2**70}
    copied = json_text.copy(data)
    assert copied == data
    copied["b"][0]["c"] = 2
    assert data["b"][0]["c"] == 1


def test_encodings_are_compact_and_sorted_when_asked(codec: str) -> None:
    assert json_text.encode({"b": 1, "a": [1, 2]}) == b'{"b":1,"a":[1,2]}'
    assert json_text.encode_sorted({"b": {"d": 1, "c": 2}, "a": 0}) == (
        b'{"a":0,"b":{"c":2,"d":1}}'
    )


def test_copy_writes_nan_as_a_json_answer_would(codec: str) -> None:
    copied = json_text.copy({"x": math.nan})
    if codec == "msgspec":
        assert copied == {"x": None}
    else:
        assert math.isnan(copied["x"])
