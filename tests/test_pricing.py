"""Usage and cost as Langfuse records them: the client's costs, else the matched model's
prices; model definitions through the models API and the SDKs' own calls."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from mockfuse.langfuse.models import ModelBook, calculated_costs
from tests.support.client_envs import run_client
from tests.support.http import auth_headers, post_json

INGESTION = "/api/public/ingestion"
# Langfuse's own ids of its built-in models (mockfuse/langfuse/data/model_prices.json).
GPT_35_TURBO = "clruwnahl00040al78f1lb0at"
GPT_4O = "b9854a5c92dc496b997d99d20"


def generation(
    observation_id: str, model: str, start: str = "2026-11-27T10:00:00Z", **body: Any
) -> dict[str, Any]:
    return {
        "id": f"event-{observation_id}",
        "type": "generation-create",
        "timestamp": start,
        "body": {"id": observation_id, "traceId": "t", "model": model, "startTime": start, **body},
    }


def ingest(tenant: Any, *events: dict[str, Any]) -> None:
    answer = post_json(tenant, INGESTION, {"batch": list(events)}).json()
    assert answer["errors"] == []


def read_observation(tenant: Any, observation_id: str) -> dict[str, Any]:
    response = httpx.get(
        f"{tenant.url}/api/public/observations/{observation_id}", headers=auth_headers(tenant)
    )
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_a_generation_with_token_counts_only_is_priced_by_the_shipped_table(mockfuse):
    ingest(mockfuse, generation("g", "gpt-3.5-turbo", usage={"input": 1000, "output": 200}))
    [observation] = mockfuse.observations
    assert observation["costDetails"] == {"input": 0.0005, "output": 0.0003, "total": 0.0008}
    read = read_observation(mockfuse, "g")
    assert read["calculatedTotalCost"] == 0.0008
    assert (read["calculatedInputCost"], read["calculatedOutputCost"]) == (0.0005, 0.0003)
    assert (read["inputPrice"], read["outputPrice"], read["totalPrice"]) == (5e-07, 1.5e-06, None)
    assert read["modelId"] == GPT_35_TURBO
    assert read["usage"] == {"input": 1000, "output": 200, "total": 1200, "unit": "TOKENS"}
    assert (read["promptTokens"], read["completionTokens"], read["totalTokens"]) == (
        1000,
        200,
        1200,
    )
    trace = httpx.get(f"{mockfuse.url}/api/public/traces/t", headers=auth_headers(mockfuse))
    assert trace.json()["totalCost"] == 0.0008


def test_the_clients_own_costs_win_and_gain_a_total(mockfuse):
    ingest(
        mockfuse,
        generation(
            "g",
            "gpt-4o",
            usageDetails={"input": 10, "output": 5},
            costDetails={"input": 0.25, "output": 0.5},
        ),
    )
    assert mockfuse.observations[0]["costDetails"] == {"input": 0.25, "output": 0.5, "total": 0.75}


def test_openai_usage_is_flattened_and_cached_tokens_priced_apart(mockfuse):
    usage = {
        "prompt_tokens": 1000,
        "completion_tokens": 100,
        "total_tokens": 1100,
        "prompt_tokens_details": {"cached_tokens": 400},
    }
    ingest(mockfuse, generation("g", "gpt-4o-2024-08-06", usageDetails=usage))
    [observation] = mockfuse.observations
    assert observation["usageDetails"] == {
        "input": 600,
        "input_cached_tokens": 400,
        "output": 100,
        "total": 1100,
    }
    assert observation["costDetails"] == {
        "input": 0.0015,
        "input_cached_tokens": 0.0005,
        "output": 0.001,
        "total": 0.003,
    }


def test_unknown_models_and_models_without_usage_cost_nothing(mockfuse):
    ingest(
        mockfuse,
        generation("unknown", "in-house-llm", usage={"input": 5}),
        generation("no-usage", "gpt-4o"),
    )
    assert [o["costDetails"] for o in mockfuse.observations] == [{}, {}]
    assert read_observation(mockfuse, "unknown")["modelId"] is None


def test_a_tenants_model_prices_its_generations_before_the_shipped_ones(mockfuse):
    ingest(mockfuse, generation("g", "gpt-4o", usage={"input": 100, "output": 0}))
    assert mockfuse.observations[0]["costDetails"]["input"] == 0.00025  # the shipped price
    spec = {
        "modelName": "discounted-4o",
        "matchPattern": "(?i)^gpt-4o$",
        "unit": "TOKENS",
        "inputPrice": 0.001,
        "outputPrice": 0.002,
    }
    created = post_json(mockfuse, "/api/public/models", spec).json()
    assert created["isLangfuseManaged"] is False
    assert created["prices"] == {"input": {"price": 0.001}, "output": {"price": 0.002}}
    # Defined after the generation arrived, and still used: costs are reckoned when read.
    assert mockfuse.observations[0]["costDetails"]["input"] == 0.1
    assert read_observation(mockfuse, "g")["modelId"] == created["id"]


def test_the_latest_start_date_wins_whenever_the_generation_started():
    """As Langfuse's findModelInPostgres picks: a tenant's own models first, then the latest
    start date (none last); the generation's own time does not choose."""
    book = ModelBook()
    for name, start, price in [("m-undated", None, 1.0), ("m-june", "2026-06-01T00:00:00Z", 2.0)]:
        spec = {"modelName": name, "matchPattern": "^m$", "inputPrice": price, "startDate": start}
        book.add("pk", spec)
    assert book.match("pk", "m").prices == {"input": 2.0}
    assert book.match("other", "m") is None


def test_a_total_price_prices_the_total():
    book = ModelBook()
    model = book.match(None, "text-embedding-3-small")
    assert calculated_costs({"input": 1000, "total": 1000}, {}, model) == {"total": 2e-05}


def test_costs_keep_langfuses_twelve_decimal_places():
    model = ModelBook().match(None, "gpt-3.5-turbo")
    # 0.0005 + 0.0003 is 0.0007999999999999999 as a float sum; Langfuse stores 0.0008.
    assert calculated_costs({"input": 1000, "output": 200}, {}, model)["total"] == 0.0008
    assert calculated_costs({}, {"input": 0.1234567890123456}, None) == {
        "input": 0.123456789012,
        "total": 0.123456789012,
    }
    # Only input and output provided gain a total; any other cost point, none.
    assert calculated_costs({}, {"input_cached": 0.5}, None) == {"input_cached": 0.5}


@pytest.mark.mockfuse_expect_rejections()
def test_the_models_api_lists_gets_replaces_and_deletes(mockfuse):
    headers = auth_headers(mockfuse)
    base = f"{mockfuse.url}/api/public/models"
    spec = {"modelName": "mine", "matchPattern": "^mine$", "totalPrice": 0.5}
    created = post_json(mockfuse, "/api/public/models", spec).json()
    listed = httpx.get(base, params={"limit": 200}, headers=headers).json()
    names = [(m["modelName"], m["isLangfuseManaged"]) for m in listed["data"]]
    assert ("mine", False) in names  # listed by name among Langfuse's, as Langfuse lists
    assert ("gpt-3.5-turbo", True) in names
    assert listed["meta"]["totalItems"] == len(names)
    assert httpx.get(f"{base}/{created['id']}", headers=headers).json() == created
    replaced = httpx.put(
        f"{base}/{created['id']}", json={**spec, "totalPrice": 0.25}, headers=headers
    ).json()
    assert (replaced["id"], replaced["totalPrice"]) == (created["id"], 0.25)
    gone = httpx.delete(f"{base}/{created['id']}", headers=headers)
    assert gone.json() == {"message": "Model successfully deleted"}
    missing = httpx.get(f"{base}/{created['id']}", headers=headers)
    assert (missing.status_code, missing.json()["error"]) == (404, "LangfuseNotFoundError")
    built_in = httpx.put(f"{base}/{GPT_4O}", json=spec, headers=headers)
    assert built_in.status_code == 400


def test_a_model_with_pricing_tiers_prices_each_generation_by_the_tier_that_fits(mockfuse):
    """Langfuse's matchPricingTier: other tiers by priority, each when all its conditions
    hold (usage summed over the keys a pattern matches), else the default tier."""
    tiers = [
        {"name": "Standard", "isDefault": True, "priority": 0, "conditions": [],
         "prices": {"input": 0.5, "output": 1.0}},
        {"name": "Long context", "isDefault": False, "priority": 1,
         "conditions": [{"usageDetailPattern": "input", "operator": "gt", "value": 1000}],
         "prices": {"input": 1.0, "output": 2.0}},
    ]  # fmt: skip
    spec = {"modelName": "tiered", "matchPattern": "^tiered$", "pricingTiers": tiers}
    created = post_json(mockfuse, "/api/public/models", spec).json()
    assert (created["inputPrice"], created["outputPrice"]) == (0.5, 1.0)
    assert [tier["name"] for tier in created["pricingTiers"]] == ["Standard", "Long context"]
    ingest(
        mockfuse,
        generation("short", "tiered", usage={"input": 2, "output": 1}),
        generation("long", "tiered", usageDetails={"input": 600, "input_cached": 600, "output": 1}),
    )
    costs = {o["id"]: o["costDetails"] for o in mockfuse.observations}
    assert costs["short"] == {"input": 1.0, "output": 1.0, "total": 2.0}
    # 600 input and 600 cached input make more than 1000 "input" tokens: the long tier.
    assert costs["long"] == {"input": 600.0, "output": 2.0, "total": 602.0}


def test_a_built_in_tier_on_a_model_parameter_prices_openais_priority_tier(mockfuse):
    """Langfuse's gpt-4o has a tier for service_tier priority or fast (its model list)."""
    usage = {"input": 1000, "output": 100}
    ingest(
        mockfuse,
        generation("standard", "gpt-4o", usage=usage),
        generation("priority", "gpt-4o", usage=usage, modelParameters={"service_tier": "priority"}),
    )
    costs = {o["id"]: o["costDetails"] for o in mockfuse.observations}
    assert costs["standard"] == {"input": 0.0025, "output": 0.001, "total": 0.0035}
    assert costs["priority"] == {"input": 0.00425, "output": 0.0017, "total": 0.00595}
    tiers = {o: read_observation(mockfuse, o)["usagePricingTierName"] for o in costs}
    assert tiers == {"standard": "Standard", "priority": "Fast mode"}


@pytest.mark.mockfuse_expect_rejections()
def test_a_non_default_tier_without_conditions_is_refused_as_langfuse_refuses_it(mockfuse):
    tiers = [
        {"name": "Standard", "isDefault": True, "priority": 0, "conditions": [],
         "prices": {"input": 1.0}},
        {"name": "Never", "isDefault": False, "priority": 1, "conditions": [],
         "prices": {"input": 2.0}},
    ]  # fmt: skip
    spec = {"modelName": "t", "matchPattern": "^t$", "pricingTiers": tiers}
    response = post_json(mockfuse, "/api/public/models", spec)
    assert response.status_code == 400
    assert 'Non-default pricing tier \\"Never\\" must have at least one condition' in response.text


@pytest.mark.parametrize(
    "spec",
    [
        {"matchPattern": "^x$", "inputPrice": 1},
        {"modelName": "x", "matchPattern": "^x$", "pricingTiers": [{"prices": {"input": 1}}]},
        {"modelName": "x", "matchPattern": "^x$", "pricingTiers": "cheap"},
        {"modelName": "x", "matchPattern": "(unclosed", "inputPrice": 1},
        {"modelName": "x", "matchPattern": "^x$", "inputPrice": -1},
        {"modelName": "x", "matchPattern": "^x$", "inputPrice": 1, "totalPrice": 2},
        {"modelName": "x", "matchPattern": "^x$", "unit": "WORDS"},
        {"modelName": "x", "matchPattern": "^x$", "startDate": "yesterday"},
        ["not", "an", "object"],
    ],
)
@pytest.mark.mockfuse_expect_rejections()
def test_a_model_langfuse_would_refuse_gets_400(mockfuse, spec):
    response = post_json(mockfuse, "/api/public/models", spec)
    assert response.status_code == 400
    assert response.json()["message"] == "Invalid request data"


@pytest.mark.clients
@pytest.mark.parametrize("client", ["lf2", "lf5"])
def test_sdks_define_models_and_read_calculated_costs(mockfuse, client):
    seen = json.loads(run_client(client, "models_workload.py", mockfuse.env).stdout)
    assert_model_costs_read_back(seen)


def assert_model_costs_read_back(seen: dict[str, Any]) -> None:
    """What models_workload.py read back through the SDK's own calls."""
    assert ("acme-llm", False) in [tuple(m) for m in seen["listed"]]
    acme, gpt = seen["costs"]["acme-llm-v2"], seen["costs"]["gpt-3.5-turbo"]
    assert acme["model_id"] == seen["defined_id"]
    assert acme["cost_details"] == {"input": 0.002, "output": 0.002, "total": 0.004}
    assert acme["total_cost"] == 0.004
    assert gpt["model_id"] == GPT_35_TURBO
    assert gpt["total_cost"] == pytest.approx(0.00125)
    # v1 views write prices as numbers, v2 (SDK 5.x) as decimal strings.
    assert acme["input_price"] in (2e-06, "0.000002")
