"""mockfuse's pricing rules, called by the shim that stands in for Langfuse's under its own
pricing tier tests (``langfuse_shared_shim.ts``): one JSON request in argv, one JSON answer
on stdout."""

from __future__ import annotations

import json
import sys
from typing import Any

from mockfuse.langfuse.models import (
    MODEL_PRICES,
    ModelError,
    check_usage_pattern,
    has_usage_details,
    matching_tier,
    pricing_tier,
    shipped_model,
)


def answer(request: dict[str, Any]) -> Any:
    kind = request["call"]
    if kind == "matchPricingTier":
        tiers = [pricing_tier(tier) for tier in request["tiers"]]
        attributes = request.get("attributes") or {}
        tier = matching_tier(tiers, request["usage"], attributes)
        if tier is None:
            return None
        prices = next(t["prices"] for t in request["tiers"] if t["id"] == tier.id)
        return {"pricingTierId": tier.id, "pricingTierName": tier.name, "prices": prices}
    if kind == "hasPricingTierUsageDetails":
        return has_usage_details(request.get("usage"))
    if kind == "validateRegexPattern":
        try:
            check_usage_pattern(request["pattern"])
        except ModelError as error:
            return str(error)
        return None
    if kind == "shippedModels":
        models = json.loads(MODEL_PRICES.read_text())["models"]
        refused = {}
        for entry in models:
            try:
                shipped_model(entry)
            except (ModelError, KeyError, TypeError) as error:
                refused[entry.get("id")] = str(error)
        return {"models": models, "refused": refused}
    raise ValueError(f"unknown call {kind}")


if __name__ == "__main__":
    print(json.dumps(answer(json.loads(sys.argv[1]))))
