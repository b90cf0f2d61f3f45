"""Usage and cost of a generation, normalized the way Langfuse stores them.

Clients send token counts in several spellings: the deprecated ``usage`` object (Langfuse
style or OpenAI's ``promptTokens``), and ``usageDetails`` as a flat map or as OpenAI's chat
or Responses usage object. Langfuse folds them all into one flat ``usageDetails`` map of
non-negative integers and one ``costDetails`` map of non-negative numbers.
"""

from __future__ import annotations

from typing import Any

_OPENAI_USAGE_KEYS = {"promptTokens": "input", "completionTokens": "output", "totalTokens": "total"}
# OpenAI chat usage and OpenAI Responses usage: (input key, output key, details suffix).
_OPENAI_DETAIL_SHAPES = (
    ("prompt_tokens", "completion_tokens", "_tokens_details"),
    ("input_tokens", "output_tokens", "_tokens_details"),
)


def usage_from_body(usage: Any) -> dict[str, Any] | None:
    """The deprecated ``usage`` object with OpenAI-style keys converted, or None."""
    if not isinstance(usage, dict):
        return None
    if any(key in usage for key in _OPENAI_USAGE_KEYS):
        converted: dict[str, Any] = {
            name: usage[key] for key, name in _OPENAI_USAGE_KEYS.items() if key in usage
        }
        converted["unit"] = "TOKENS"
        return converted
    return {key: value for key, value in usage.items() if value is not None}


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and value >= 0 and float(value).is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            parsed = float(value)
        except ValueError:
            return None
        return int(parsed) if parsed >= 0 and parsed.is_integer() else None
    return None


def _flatten_openai(details: dict[str, Any]) -> dict[str, int] | None:
    """OpenAI's usage object flattened, as Langfuse's strict schemas take it: exactly its
    input, output and total counts and the two breakdowns; anything else is a flat map."""
    for input_key, output_key, suffix in _OPENAI_DETAIL_SHAPES:
        breakdowns = {key.replace("_tokens", "") + suffix for key in (input_key, output_key)}
        required = (input_key, output_key, "total_tokens")
        if any(_count(details.get(key)) is None for key in required):
            continue
        if not set(details) <= {*required, *breakdowns}:
            continue
        flat: dict[str, int] = {}
        for side, key in (("input", input_key), ("output", output_key)):
            total = _count(details.get(key)) or 0
            breakdown = details.get(key.replace("_tokens", "") + suffix)
            if isinstance(breakdown, dict):
                for name, value in breakdown.items():
                    count = _count(value)
                    if count is not None:
                        flat[f"{side}_{name}"] = count
                        total -= count
            flat[side] = max(total, 0)
        total_count = _count(details.get("total_tokens"))
        if total_count is not None:
            flat["total"] = total_count
        return flat
    return None


def usage_details_from_body(details: Any) -> dict[str, int] | None:
    """``usageDetails`` as Langfuse's flat map; values that are not counts are dropped."""
    if not isinstance(details, dict):
        return None
    flat = _flatten_openai(details)
    if flat is not None:
        return flat
    counts = {key: _count(value) for key, value in details.items()}
    return {key: value for key, value in counts.items() if value is not None}


def cost_details_from_body(details: Any) -> dict[str, float] | None:
    if not isinstance(details, dict):
        return None
    return {
        key: value
        for key, value in details.items()
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    }


def merged_usage_details(
    usage: dict[str, Any] | None, details: dict[str, int] | None
) -> dict[str, int]:
    """One flat usage map: explicit details win over the deprecated ``usage`` counts."""
    merged: dict[str, int] = {}
    if usage:
        for key in ("input", "output", "total"):
            count = _count(usage.get(key))
            if count is not None:
                merged[key] = count
    if details:
        merged.update(details)
    if merged and "total" not in merged:
        merged["total"] = sum(merged.values())
    return merged


def merged_cost_details(
    usage: dict[str, Any] | None, details: dict[str, float] | None
) -> dict[str, float]:
    merged: dict[str, float] = {}
    if usage:
        for key in ("input", "output", "total"):
            cost = usage.get(f"{key}Cost")
            if isinstance(cost, (int, float)) and not isinstance(cost, bool):
                merged[key] = cost
    if details:
        merged.update(details)
    return merged
