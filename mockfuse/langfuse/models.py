"""Model definitions and the costs Langfuse calculates from them.

A generation that sent costs of its own keeps them (a total is added as their sum when it sent
none). Otherwise its ``model`` is matched against the model definitions, a tenant's own
(``POST /api/public/models``) before the common models mockfuse ships
(``data/model_prices.json``), and each usage count with a price gives a cost: the same
``costDetails`` Langfuse's worker writes, with ``total`` the sum of the others.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from mockfuse.langfuse.timestamps import format_timestamp, parse_timestamp, utc_now

MODEL_PRICES = Path(__file__).resolve().parent / "data" / "model_prices.json"
USAGE_UNITS = ("CHARACTERS", "TOKENS", "SECONDS", "MILLISECONDS", "IMAGES", "REQUESTS")
# When the shipped models are said to have been created: before any generation priced by them.
_SHIPPED_AT = "2024-01-01T00:00:00.000Z"

Record = dict[str, Any]


class ModelError(ValueError):
    """A model definition Langfuse refuses with 400."""


class ModelNotFound(LookupError):
    pass


@dataclass
class Model:
    """One model definition, as the models API shows it and as pricing reads it."""

    id: str
    name: str
    pattern: re.Pattern[str]
    prices: dict[str, float]
    unit: str = "TOKENS"
    start_date: datetime | None = None
    managed: bool = False
    created_at: str = field(default_factory=lambda: format_timestamp(utc_now()))
    tokenizer_id: str | None = None
    tokenizer_config: Any = None

    @cached_property
    def decimal_prices(self) -> dict[str, Decimal]:
        """The prices as the decimals costs are reckoned in, made once per model."""
        return {usage: Decimal(repr(price)) for usage, price in self.prices.items()}

    def to_json(self) -> Record:
        prices = self.prices
        return {
            "id": self.id,
            "modelName": self.name,
            "matchPattern": self.pattern.pattern,
            "startDate": format_timestamp(self.start_date) if self.start_date else None,
            "unit": self.unit,
            "inputPrice": prices.get("input"),
            "outputPrice": prices.get("output"),
            "totalPrice": prices.get("total"),
            "tokenizerId": self.tokenizer_id,
            "tokenizerConfig": self.tokenizer_config,
            "isLangfuseManaged": self.managed,
            "createdAt": self.created_at,
            "prices": {usage: {"price": price} for usage, price in prices.items()},
            "pricingTiers": [
                {
                    "id": f"{self.id}-standard",
                    "name": "Standard",
                    "isDefault": True,
                    "priority": 0,
                    "conditions": [],
                    "prices": dict(prices),
                }
            ],
        }


def _compile(pattern: Any) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise ModelError("matchPattern: a regular expression is required")
    try:
        return re.compile(pattern)
    except re.error as error:
        raise ModelError(f"matchPattern: not a valid regular expression ({error})") from None


def _price(spec: Record, name: str) -> float | None:
    value = spec.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ModelError(f"{name}: a non-negative number is required")
    return float(value)


def _prices(spec: Record) -> dict[str, float]:
    """Flat prices, or the default pricing tier's (the only tier mockfuse prices with)."""
    flat = {
        usage: price
        for usage, name in (
            ("input", "inputPrice"),
            ("output", "outputPrice"),
            ("total", "totalPrice"),
        )
        if (price := _price(spec, name)) is not None
    }
    tiers = spec.get("pricingTiers")
    if tiers is None:
        if "total" in flat and len(flat) > 1:
            raise ModelError("totalPrice cannot be set together with inputPrice or outputPrice")
        return flat
    if flat:
        raise ModelError("pricingTiers cannot be given together with flat prices")
    if not isinstance(tiers, list):
        raise ModelError("pricingTiers must be a list")
    defaults = [tier for tier in tiers if isinstance(tier, dict) and tier.get("isDefault")]
    if len(defaults) != 1 or not isinstance(defaults[0].get("prices"), dict):
        raise ModelError("pricingTiers must include exactly one default tier with prices")
    tier_prices = defaults[0]["prices"]
    return {
        usage: price for usage in tier_prices if (price := _price(tier_prices, usage)) is not None
    }


def model_from_spec(spec: Any, *, model_id: str | None = None) -> Model:
    if not isinstance(spec, dict):
        raise ModelError("a model is an object with modelName, matchPattern and prices")
    name = spec.get("modelName")
    if not isinstance(name, str) or not name:
        raise ModelError("modelName: a non-empty string is required")
    unit = spec.get("unit") or "TOKENS"
    if unit not in USAGE_UNITS:
        raise ModelError(f"unit: one of {list(USAGE_UNITS)}")
    start = spec.get("startDate")
    start_date = parse_timestamp(start) if start is not None else None
    if start is not None and start_date is None:
        raise ModelError("startDate: an ISO 8601 date-time with an offset")
    return Model(
        id=model_id or str(uuid.uuid4()),
        name=name,
        pattern=_compile(spec.get("matchPattern")),
        prices=_prices(spec),
        unit=unit,
        start_date=start_date,
        tokenizer_id=spec.get("tokenizerId"),
        tokenizer_config=spec.get("tokenizerConfig"),
    )


def _shipped_models() -> list[Model]:
    data = json.loads(MODEL_PRICES.read_text())
    return [
        Model(
            id=f"mockfuse-{entry['modelName']}",
            name=entry["modelName"],
            pattern=re.compile(entry["matchPattern"]),
            prices=entry["prices"],
            unit=entry.get("unit", "TOKENS"),
            managed=True,
            created_at=_SHIPPED_AT,
        )
        for entry in data["models"]
    ]


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))


def _sum(costs: dict[str, float]) -> float:
    return float(sum((_decimal(cost) for cost in costs.values()), Decimal(0)))


def calculated_costs(
    usage: dict[str, int], provided: dict[str, float], model: Model | None
) -> dict[str, float]:
    """The costs Langfuse records for a generation: the client's own, else priced usage.
    Reckoned in decimals, as Langfuse's are, so 12 tokens at 0.0000025 cost 0.00003."""
    if provided:
        costs = dict(provided)
        if "total" not in costs:
            costs["total"] = _sum(costs)
        return costs
    if model is None:
        return {}
    costs = {
        usage_type: float(units * model.decimal_prices[usage_type])
        for usage_type, units in usage.items()
        if usage_type != "total" and usage_type in model.prices
    }
    if costs:
        costs["total"] = _sum(costs)
    elif "total" in model.prices and "total" in usage:
        costs["total"] = float(usage["total"] * model.decimal_prices["total"])
    return costs


class ModelBook:
    """The model definitions each tenant's generations are priced with."""

    def __init__(self) -> None:
        self._own: dict[str | None, list[Model]] = {}
        # The models whose pattern matches a model name, by tenant and name: every read prices
        # every observation, and most share a handful of model names. Forgotten with the
        # tenant's own models whenever they change.
        self._matching: dict[tuple[str | None, str], list[tuple[int, Model]]] = {}
        self._lock = threading.Lock()

    @cached_property
    def _shipped(self) -> list[Model]:
        return _shipped_models()

    def add(self, public_key: str | None, spec: Any, *, model_id: str | None = None) -> Record:
        """Define a model (replacing the tenant's own model ``model_id``, if given)."""
        model = model_from_spec(spec, model_id=model_id)
        if model_id is not None and any(m.id == model_id for m in self._shipped):
            raise ModelError("Built-in models cannot be modified")
        with self._lock:
            own = self._own.setdefault(public_key, [])
            own[:] = [m for m in own if m.id != model.id]
            own.append(model)
            self._forget_matches(public_key)
        return model.to_json()

    def models(self, public_key: str | None) -> list[Record]:
        """The tenant's own models, newest first, then the shipped ones."""
        with self._lock:
            own = list(reversed(self._own.get(public_key, [])))
        return [model.to_json() for model in own + self._shipped]

    def get(self, public_key: str | None, model_id: str) -> Record:
        for model in self._candidates(public_key):
            if model.id == model_id:
                return model.to_json()
        raise ModelNotFound("Model not found")

    def delete(self, public_key: str | None, model_id: str) -> None:
        with self._lock:
            own = self._own.get(public_key, [])
            if not any(m.id == model_id for m in own):
                raise ModelNotFound("Model not found")
            own[:] = [m for m in own if m.id != model_id]
            self._forget_matches(public_key)

    def _forget_matches(self, public_key: str | None) -> None:
        for key in [key for key in self._matching if key[0] == public_key]:
            del self._matching[key]

    def _matches(self, public_key: str | None, model_name: str) -> list[tuple[int, Model]]:
        """The candidates whose pattern matches ``model_name``, with their positions."""
        key = (public_key, model_name)
        shipped = self._shipped
        with self._lock:  # held while matching, so a model defined meanwhile is not missed
            found = self._matching.get(key)
            if found is None:
                candidates = enumerate(self._own.get(public_key, []) + shipped)
                found = [(n, model) for n, model in candidates if model.pattern.search(model_name)]
                self._matching[key] = found
            return found

    def _candidates(self, public_key: str | None) -> list[Model]:
        with self._lock:
            own = list(self._own.get(public_key, []))
        return own + self._shipped

    def match(self, public_key: str | None, model_name: Any, start_time: Any) -> Model | None:
        """The model a generation of ``model_name`` started at ``start_time`` is priced with:
        the tenant's own before shipped ones, then the latest start date not after it."""
        if not isinstance(model_name, str) or not model_name:
            return None
        started = parse_timestamp(start_time)
        best: tuple[int, float, int] | None = None
        chosen = None
        for position, model in self._matches(public_key, model_name):
            if model.start_date and started and model.start_date > started:
                continue
            rank = (
                0 if model.managed else 1,
                model.start_date.timestamp() if model.start_date else float("-inf"),
                position,
            )
            if best is None or rank > best:
                best, chosen = rank, model
        return chosen

    def forget(self, public_key: str) -> None:
        with self._lock:
            self._own.pop(public_key, None)
            self._forget_matches(public_key)
