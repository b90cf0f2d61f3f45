"""Costs of Langfuse's built-in models, row by row: for each usage (and model parameters)
below, the pricing tier Langfuse's rules choose and the costs its table gives. The expected
numbers are read from Langfuse's default-model-prices.json at the commit
``mockfuse/langfuse/data/model_prices.json`` records (tier picked by hand from its
conditions, each count times that tier's price, the total their float sum, twelve decimal
places); the test checks that mockfuse, sent those generations, shows the same."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.http import post_json

# (model as sent, usageDetails, modelParameters, tier, costDetails)
ROWS: list[tuple[str, dict[str, int], dict[str, str], str, dict[str, float]]] = [
    (
        "gpt-4o",
        {"input": 1000, "output": 100},
        {},
        "Standard",
        {"input": 0.0025, "output": 0.001, "total": 0.0035},
    ),
    (
        "openai/gpt-4o",
        {"input": 1000, "output": 100},
        {"service_tier": "priority"},
        "Fast mode",
        {"input": 0.00425, "output": 0.0017, "total": 0.00595},
    ),
    (
        "gpt-4o-mini",
        {"input": 1000, "output": 100},
        {"service_tier": "fast"},
        "Fast mode",
        {"input": 0.00025, "output": 0.0001, "total": 0.00035},
    ),
    (
        "gpt-4.1",
        {"input": 2000, "output": 500},
        {},
        "Standard",
        {"input": 0.004, "output": 0.004, "total": 0.008},
    ),
    (
        "o3",
        {"input": 1000, "output": 1000},
        {"service_tier": "flex"},
        "Flex",
        {"input": 0.001, "output": 0.004, "total": 0.005},
    ),
    (
        "o4-mini",
        {"input": 1000, "output": 1000},
        {"service_tier": "default"},
        "Standard",
        {"input": 0.0011, "output": 0.0044, "total": 0.0055},
    ),
    (
        "gpt-5",
        {"input": 1000, "output": 1000, "input_cached_tokens": 500},
        {},
        "Standard",
        {"input": 0.00125, "output": 0.01, "input_cached_tokens": 6.25e-05, "total": 0.0113125},
    ),
    (
        "gpt-5-nano",
        {"input": 1000, "output": 1000},
        {"service_tier": "flex"},
        "Flex",
        {"input": 2.5e-05, "output": 0.0002, "total": 0.000225},
    ),
    (
        "gpt-5.4",
        {"input": 300000, "output": 1000},
        {"service_tier": "flex"},
        "Flex · Large context (>272K)",
        {"input": 0.75, "output": 0.01125, "total": 0.76125},
    ),
    (
        "gpt-5.4",
        {"input": 100000, "output": 1000},
        {"service_tier": "flex"},
        "Flex",
        {"input": 0.125, "output": 0.0075, "total": 0.1325},
    ),
    (
        "gpt-5.6-sol",
        {"input": 200000, "cache_write": 100000, "output": 1000},
        {"service_tier": "priority"},
        "Fast mode · Large context (>272K)",
        {"input": 4.0, "output": 0.09, "total": 4.09},
    ),
    (
        "gpt-3.5-turbo",
        {"input": 1000, "output": 200},
        {},
        "Standard",
        {"input": 0.0005, "output": 0.0003, "total": 0.0008},
    ),
    ("text-embedding-3-small", {"total": 1000}, {}, "Standard", {"total": 2e-05}),
    (
        "claude-3-haiku-20240307",
        {"input": 1000, "output": 100},
        {},
        "Standard",
        {"input": 0.00025, "output": 0.000125, "total": 0.000375},
    ),
    (
        "claude-3-5-sonnet-20240620",
        {"input": 1000, "output": 100},
        {},
        "Standard",
        {"input": 0.003, "output": 0.0015, "total": 0.0045},
    ),
    (
        "claude-sonnet-4-5-20250929",
        {"input": 150000, "output": 5000},
        {},
        "Standard",
        {"input": 0.45, "output": 0.075, "total": 0.525},
    ),
    (
        "claude-haiku-4-5-20251001",
        {"input": 1000, "output": 100},
        {},
        "Standard",
        {"input": 0.001, "output": 0.0005, "total": 0.0015},
    ),
    (
        "claude-opus-4-8",
        {"input": 1000, "output": 100},
        {"speed": "fast"},
        "Fast mode",
        {"input": 0.01, "output": 0.005, "total": 0.015},
    ),
    (
        "claude-opus-5",
        {"input": 1000, "output": 100},
        {},
        "Standard",
        {"input": 0.005, "output": 0.0025, "total": 0.0075},
    ),
    (
        "gemini-2.0-flash",
        {"input": 1000, "output": 100},
        {},
        "Standard",
        {"input": 0.0001, "output": 4e-05, "total": 0.00014},
    ),
    (
        "gemini-2.5-flash",
        {"input": 1000, "output": 100},
        {},
        "Standard",
        {"input": 0.0003, "output": 0.00025, "total": 0.00055},
    ),
    (
        "gemini-2.5-pro",
        {"input": 250000, "output": 1000},
        {},
        "Large Context",
        {"input": 0.625, "output": 0.015, "total": 0.64},
    ),
    (
        "gemini-2.5-pro",
        {"input": 150000, "output": 1000},
        {},
        "Standard",
        {"input": 0.1875, "output": 0.01, "total": 0.1975},
    ),
    (
        "gemini-3-pro-preview",
        {"input": 100000, "input_cached": 150000, "output": 10},
        {},
        "Large Context",
        {"input": 0.4, "output": 0.00018, "total": 0.40018},
    ),
]
CONDITION_KINDS = {
    "service_tier in [fast, priority]": "Fast mode",
    "service_tier in [flex]": "Flex",
    "speed in [fast] (Anthropic)": "Fast mode",
    "(input|prompt|cached) gt 200000 (Gemini)": "Large Context",
    "service_tier flex and (input) gt 272000": "Flex · Large context (>272K)",
    "service_tier priority and (input|cache_write) gt 272000": "Fast mode · Large context (>272K)",
}


def test_the_table_spans_providers_models_and_every_kind_of_tier_condition():
    models = {model.removeprefix("openai/") for model, *_ in ROWS}
    assert len(models) >= 20
    assert any(m.startswith("claude") for m in models) and any(
        m.startswith("gemini") for m in models
    )
    assert set(CONDITION_KINDS.values()) <= {tier for *_, tier, _ in ROWS}


@pytest.mark.parametrize(("model", "usage", "parameters", "tier", "costs"), ROWS)
def test_a_generation_costs_what_langfuses_table_and_tier_rules_give(
    mockfuse: Any,
    model: str,
    usage: dict[str, int],
    parameters: dict[str, str],
    tier: str,
    costs: dict[str, float],
) -> None:
    body = {
        "id": "g",
        "traceId": "t",
        "model": model,
        "startTime": "2026-11-27T10:00:00Z",
        "usageDetails": usage,
        "modelParameters": parameters,
    }
    event = {"id": "e", "type": "generation-create", "timestamp": body["startTime"], "body": body}
    answer = post_json(mockfuse, "/api/public/ingestion", {"batch": [event]}).json()
    assert answer["errors"] == []
    [observation] = mockfuse.observations
    assert observation["usagePricingTierName"] == tier
    assert observation["costDetails"] == costs
