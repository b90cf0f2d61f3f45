"""Model definitions and the costs Langfuse calculates from them.

A generation that sent costs of its own keeps them. Otherwise its ``model`` is matched against
the model definitions — a tenant's own (``POST /api/public/models``) before Langfuse's
built-in models, which mockfuse ships as Langfuse keeps them (``data/model_prices.json``,
copied by ``scripts/refresh_model_prices.py`` with the commit it came from) — and the
model's pricing tier that fits the generation prices each usage count: the same
``costDetails`` Langfuse's worker writes (``IngestionService.calculateUsageCosts``), tiers
chosen as its ``matchPricingTier`` chooses them (conditions on usage, model parameters and
metadata, in priority order, else the default tier).
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

try:  # the parser re compiles with (sre_parse before Python 3.11)
    from re import _parser as _regex_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _regex_parser

MODEL_PRICES = Path(__file__).resolve().parent / "data" / "model_prices.json"
USAGE_UNITS = ("CHARACTERS", "TOKENS", "SECONDS", "MILLISECONDS", "IMAGES", "REQUESTS")
_USAGE_OPERATORS = ("gt", "gte", "lt", "lte", "eq", "neq")
_ATTRIBUTE_SOURCES = ("model_parameters", "metadata")

Record = dict[str, Any]


class ModelError(ValueError):
    """A model definition Langfuse refuses with 400."""


class ModelNotFound(LookupError):
    pass


@dataclass
class PricingTier:
    """Prices that apply when all ``conditions`` hold (the default tier: when no other does)."""

    id: str
    name: str
    is_default: bool
    priority: int
    conditions: list[Record]
    prices: dict[str, float]

    @cached_property
    def decimal_prices(self) -> dict[str, Decimal]:
        """The prices as the decimals costs are reckoned in, made once per tier."""
        return {usage: Decimal(repr(price)) for usage, price in self.prices.items()}

    def holds(self, usage: dict[str, Any], attributes: dict[str, dict[str, str]]) -> bool:
        """All conditions hold (Langfuse's ``evaluateConditions``); a tier without any never
        does."""
        return bool(self.conditions) and all(
            _condition_holds(condition, usage, attributes) for condition in self.conditions
        )

    def to_json(self) -> Record:
        return {
            "id": self.id,
            "name": self.name,
            "isDefault": self.is_default,
            "priority": self.priority,
            "conditions": self.conditions,
            "prices": dict(self.prices),
        }


def _condition_holds(
    condition: Record, usage: dict[str, Any], attributes: dict[str, dict[str, str]]
) -> bool:
    if "source" in condition:
        values = attributes.get(
            "modelParameters" if condition["source"] == "model_parameters" else "metadata", {}
        )
        if condition["key"] not in values:
            return False
        return values[condition["key"]] in condition["values"]
    try:
        pattern = re.compile(
            condition["usageDetailPattern"], 0 if condition.get("caseSensitive") else re.IGNORECASE
        )
    except re.error:
        return False  # as Langfuse's: a condition that cannot be evaluated fails
    total = sum(
        units
        for key, units in usage.items()
        if pattern.search(key) and isinstance(units, (int, float))
    )
    threshold: float = condition["value"]
    comparisons: dict[str, bool] = {
        "gt": total > threshold,
        "gte": total >= threshold,
        "lt": total < threshold,
        "lte": total <= threshold,
        "eq": total == threshold,
        "neq": total != threshold,
    }
    return comparisons.get(condition["operator"], False)


def matching_tier(
    tiers: list[PricingTier], usage: dict[str, Any], attributes: dict[str, dict[str, str]]
) -> PricingTier | None:
    """Langfuse's ``matchPricingTier``: the first tier other than the default, by priority,
    whose conditions all hold, else the default tier (None without one)."""
    for tier in sorted(tiers, key=lambda tier: tier.priority):
        if not tier.is_default and tier.holds(usage, attributes):
            return tier
    return next((tier for tier in tiers if tier.is_default), None)


def has_usage_details(usage: dict[str, Any] | None) -> bool:
    """Whether there is usage to price (Langfuse's ``hasPricingTierUsageDetails``): any
    count, zero included."""
    return bool(usage)


def check_usage_pattern(pattern: Any) -> None:
    """Langfuse's ``validateRegexPattern`` for a tier's usage pattern: not empty, at most
    200 characters, valid, and safe by safe-regex2's rule (no repetition inside a
    repetition, at most 25 repetitions), so that matching cannot backtrack catastrophically."""
    if not isinstance(pattern, str) or not pattern:
        raise ModelError("Pattern cannot be empty")
    if len(pattern) > 200:
        raise ModelError("Pattern exceeds maximum length of 200 characters")
    try:
        parsed = _regex_parser.parse(pattern)
    except re.error as error:
        raise ModelError(f"Invalid regex syntax: {error}") from None
    height, repetitions = _star_height(parsed)
    if height > 1 or repetitions > 25:
        raise ModelError("Pattern may cause catastrophic backtracking. Please simplify your regex.")


def _star_height(tokens: Any) -> tuple[int, int]:
    """How deeply repetitions nest in a parsed pattern, and how many there are."""
    height = repetitions = 0
    for op, argument in tokens:
        name = str(op)
        children: list[Any] = []
        own = 0
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = argument
            if high != low:  # a fixed count {n} does not backtrack
                own, repetitions = 1, repetitions + 1
            children = [sub]
        elif name == "SUBPATTERN":
            children = [argument[-1]]
        elif name == "BRANCH":
            children = list(argument[1])
        elif name in ("ASSERT", "ASSERT_NOT"):
            children = [argument[1]]
        for child in children:
            child_height, child_repetitions = _star_height(child)
            height = max(height, own + child_height)
            repetitions += child_repetitions
        height = max(height, own)
    return height, repetitions


def _attribute_record(value: Any) -> dict[str, str]:
    """Model parameters or metadata as tiers compare them (``toPricingAttributeRecord``):
    top-level strings, numbers and booleans, as text."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return {}
    if not isinstance(value, dict):
        return {}
    return {
        key: _js_text(item)
        for key, item in value.items()
        if isinstance(item, (str, int, float))  # booleans are ints
    }


def _js_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Model:
    """One model definition, as the models API shows it and as pricing reads it."""

    id: str
    name: str
    pattern: re.Pattern[str]
    tiers: list[PricingTier]
    unit: str = "TOKENS"
    start_date: datetime | None = None
    managed: bool = False
    created_at: str = field(default_factory=lambda: format_timestamp(utc_now()))
    tokenizer_id: str | None = None
    tokenizer_config: Any = None

    @property
    def default_tier(self) -> PricingTier:
        return next(tier for tier in self.tiers if tier.is_default)

    @property
    def prices(self) -> dict[str, float]:
        """The default tier's prices: what the models API and observations show as a
        model's prices."""
        return self.default_tier.prices

    def tier_for(
        self, usage: dict[str, Any], model_parameters: Any = None, metadata: Any = None
    ) -> PricingTier:
        """The tier a generation is priced with (Langfuse's ``matchPricingTier``): the first
        other tier, by priority, whose conditions all hold, else the default."""
        attributes = {
            "modelParameters": _attribute_record(model_parameters),
            "metadata": _attribute_record(metadata),
        }
        return matching_tier(self.tiers, usage, attributes) or self.default_tier

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
                tier.to_json() for tier in sorted(self.tiers, key=lambda tier: tier.priority)
            ],
        }


def _compile(pattern: Any) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise ModelError("matchPattern: a regular expression is required")
    try:
        return re.compile(pattern)
    except re.error as error:
        raise ModelError(
            f"matchPattern is not a valid regex pattern (Postgres) ({error})"
        ) from None


def _price(spec: Record, name: str) -> float | None:
    value = spec.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ModelError(f"{name}: a non-negative number is required")
    return float(value)


def _flat_prices(spec: Record) -> dict[str, float]:
    return {
        usage: price
        for usage, name in (
            ("input", "inputPrice"),
            ("output", "outputPrice"),
            ("total", "totalPrice"),
        )
        if (price := _price(spec, name)) is not None
    }


def _condition(raw: Any, tier: str) -> Record:
    if not isinstance(raw, dict):
        raise ModelError(f'pricing tier "{tier}": a condition is an object')
    if "source" in raw:
        values = raw.get("values")
        if (
            raw.get("source") not in _ATTRIBUTE_SOURCES
            or not isinstance(raw.get("key"), str)
            or not 1 <= len(raw["key"]) <= 200
            or raw.get("operator") != "in"
            or not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) and v for v in values)
        ):
            raise ModelError(f'pricing tier "{tier}": invalid attribute condition')
        return {"source": raw["source"], "key": raw["key"], "operator": "in", "values": values}
    pattern, value = raw.get("usageDetailPattern"), raw.get("value")
    try:
        check_usage_pattern(pattern)
    except ModelError as error:
        raise ModelError(f'Invalid regex pattern in tier "{tier}": {error}') from None
    if (
        raw.get("operator") not in _USAGE_OPERATORS
        or isinstance(value, bool)
        or not isinstance(value, (int, float))
        or value < 0
    ):
        raise ModelError(f'pricing tier "{tier}": invalid usage condition')
    case_sensitive = raw.get("caseSensitive", False)
    if not isinstance(case_sensitive, bool):
        raise ModelError(f'pricing tier "{tier}": caseSensitive must be a boolean')
    return {
        "usageDetailPattern": pattern,
        "operator": raw["operator"],
        "value": value,
        "caseSensitive": case_sensitive,
    }


def _tiers(spec: Record, model_id: str) -> list[PricingTier]:
    """The model's pricing tiers, held to Langfuse's ``validatePricingTiers``; flat prices
    make one default tier."""
    flat = _flat_prices(spec)
    raw_tiers = spec.get("pricingTiers")
    if raw_tiers is None:
        if "total" in flat and len(flat) > 1:
            raise ModelError("totalPrice cannot be set together with inputPrice or outputPrice")
        return [PricingTier(f"{model_id}_tier_default", "Standard", True, 0, [], flat)]
    if flat:
        raise ModelError("pricingTiers cannot be given together with flat prices")
    if not isinstance(raw_tiers, list) or not raw_tiers:
        raise ModelError("At least one pricing tier is required")
    tiers = []
    for position, raw in enumerate(raw_tiers):
        if not isinstance(raw, dict):
            raise ModelError("a pricing tier is an object")
        name = raw.get("name")
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 100:
            raise ModelError("pricing tier name: 1 to 100 characters")
        name = name.strip()
        priority = raw.get("priority")
        if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 999:
            raise ModelError(f'pricing tier "{name}": priority must be an integer from 0 to 999')
        conditions = raw.get("conditions")
        if not isinstance(conditions, list):
            raise ModelError(f'pricing tier "{name}": conditions must be a list')
        prices = raw.get("prices")
        if not isinstance(prices, dict):
            raise ModelError(f'pricing tier "{name}": prices must be an object')
        tiers.append(
            PricingTier(
                id=str(raw["id"]) if isinstance(raw.get("id"), str) else f"{model_id}_{position}",
                name=name,
                is_default=raw.get("isDefault") is True,
                priority=priority,
                conditions=[_condition(condition, name) for condition in conditions],
                prices={usage: _price(prices, usage) or 0.0 for usage in prices},
            )
        )
    _check_tiers(tiers)
    return tiers


def _check_tiers(tiers: list[PricingTier]) -> None:
    defaults = [tier for tier in tiers if tier.is_default]
    if not defaults:
        raise ModelError("Exactly one pricing tier must have isDefault: true")
    if len(defaults) > 1:
        raise ModelError(f"Only one pricing tier can have isDefault: true, found {len(defaults)}")
    default = defaults[0]
    if default.priority != 0:
        raise ModelError("Default pricing tier must have priority: 0")
    if default.conditions:
        raise ModelError("Default pricing tier must have empty conditions array")
    for tier in tiers:
        if not tier.is_default and not tier.conditions:
            raise ModelError(
                f'Non-default pricing tier "{tier.name}" must have at least one condition'
            )
    if len({tier.priority for tier in tiers}) != len(tiers):
        raise ModelError("Pricing tier priorities must be unique within a model")
    if len({tier.name for tier in tiers}) != len(tiers):
        raise ModelError("Pricing tier names must be unique")
    for tier in tiers:
        if not tier.prices:
            raise ModelError(f'Pricing tier "{tier.name}" must have at least one price defined')
        if sorted(tier.prices) != sorted(default.prices):
            raise ModelError(
                f'Pricing tier "{tier.name}" must have the same usage keys as the default tier'
            )


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
    made_id = model_id or str(uuid.uuid4())
    return Model(
        id=made_id,
        name=name,
        pattern=_compile(spec.get("matchPattern")),
        tiers=_tiers(spec, made_id),
        unit=unit,
        start_date=start_date,
        tokenizer_id=spec.get("tokenizerId"),
        tokenizer_config=spec.get("tokenizerConfig"),
    )


def pricing_tier(tier: Record) -> PricingTier:
    """A tier as Langfuse's model list and API write it (``pricingTiers`` entries), as it
    is: a condition that cannot be evaluated fails when matched, as in Langfuse."""
    return PricingTier(
        id=tier["id"],
        name=tier["name"],
        is_default=tier["isDefault"],
        priority=tier["priority"],
        conditions=tier["conditions"],
        prices={usage: float(price) for usage, price in tier["prices"].items()},
    )


def shipped_model(entry: Record) -> Model:
    """One of Langfuse's built-in models, as its database holds it (unit TOKENS, no start
    date), its tiers held to the rules user-defined ones are held to."""
    tiers = [pricing_tier(tier) for tier in entry["pricingTiers"]]
    for tier in tiers:
        tier.conditions = [_condition(condition, tier.name) for condition in tier.conditions]
    _check_tiers(tiers)
    return Model(
        id=entry["id"],
        name=entry["modelName"],
        pattern=_compile(entry["matchPattern"]),
        tiers=tiers,
        managed=True,
        created_at=format_timestamp(parse_timestamp(entry["createdAt"]) or utc_now()),
        tokenizer_id=entry.get("tokenizerId"),
        tokenizer_config=entry.get("tokenizerConfig"),
    )


def _shipped_models() -> list[Model]:
    return [shipped_model(entry) for entry in json.loads(MODEL_PRICES.read_text())["models"]]


def _listing_order(model: Model) -> tuple[str, str, int, float]:
    started = model.start_date
    return (model.name, model.unit, started is None, -started.timestamp() if started else 0.0)


def _match_order(found: tuple[int, Model]) -> tuple[bool, bool, float, int]:
    position, model = found
    started = model.start_date
    return (model.managed, started is None, -started.timestamp() if started else 0.0, position)


# Langfuse keeps costs as ClickHouse Decimal64(12): twelve decimal places.
_COST_PLACES = Decimal("1e-12")


def _stored(cost: Any) -> Any:
    """A cost as Langfuse stores it, to twelve decimal places."""
    if isinstance(cost, bool) or not isinstance(cost, (int, float)):
        return cost
    return float(Decimal(repr(cost)).quantize(_COST_PLACES))


def calculated_costs(
    usage: dict[str, Any],
    provided: dict[str, Any],
    model: Model | None,
    *,
    model_parameters: Any = None,
    metadata: Any = None,
) -> dict[str, float]:
    """The costs Langfuse records for an observation (``calculateUsageCosts``): the client's
    own, with a total only where Langfuse adds one; else its usage priced by the model's
    tier for it, each count at its price (in decimals, as Langfuse's are), the total the
    priced total or the sum of the others; each kept to twelve decimal places."""
    given = {key: cost for key, cost in provided.items() if cost is not None}
    if given:
        costs = dict(provided)
        if "total" not in given and all(key in ("input", "output") for key in given):
            costs["total"] = given.get("input", 0) + given.get("output", 0)
        return {key: _stored(cost) for key, cost in costs.items()}
    if model is None or not has_usage_details(usage):
        return {}
    tier = model.tier_for(usage, model_parameters, metadata)
    costs = {
        usage_type: float(Decimal(units) * tier.decimal_prices[usage_type])
        for usage_type, units in usage.items()
        if usage_type in tier.prices
        and isinstance(units, (int, float))
        and not isinstance(units, bool)
    }
    if "total" not in costs and costs:
        total = 0.0
        for cost in costs.values():  # a float sum, as Langfuse's
            total += cost
        costs["total"] = total
    return {key: _stored(cost) for key, cost in costs.items()}


class ModelBook:
    """The model definitions each tenant's generations are priced with."""

    def __init__(self) -> None:
        self._own: dict[str | None, list[Model]] = {}
        # The models whose pattern matches a model name: every read prices every observation,
        # and most share a handful of model names. The built-in ones' by name alone, for every
        # tenant (a pytest session has a tenant a test: each would match the same name against
        # every built-in pattern again); a tenant with models of its own, by tenant and name,
        # forgotten whenever they change.
        self._shipped_matching: dict[str, list[tuple[int, Model]]] = {}
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
            if any(m.name == model.name and m.id != model.id for m in own):
                raise ModelError(f"Model name '{model.name}' already exists in project")
            own[:] = [m for m in own if m.id != model.id]
            own.append(model)
            self._forget_matches(public_key)
        return model.to_json()

    def models(self, public_key: str | None) -> list[Record]:
        """The tenant's own models and the built-in ones, in the order Langfuse lists them:
        by name, unit, then latest start date (none last)."""
        with self._lock:
            own = list(self._own.get(public_key, []))
        listed = sorted(own + self._shipped, key=_listing_order)
        return [model.to_json() for model in listed]

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
        shipped_models = self._shipped
        with self._lock:  # held while matching, so a model defined meanwhile is not missed
            shipped = self._shipped_matching.get(model_name)
            if shipped is None:
                shipped = [
                    (n, model)
                    for n, model in enumerate(shipped_models)
                    if model.pattern.search(model_name)
                ]
                self._shipped_matching[model_name] = shipped
            own = self._own.get(public_key)
            if not own:
                return shipped
            key = (public_key, model_name)
            found = self._matching.get(key)
            if found is None:  # positions as in own + shipped: the tenant's own come first
                found = [(n, m) for n, m in enumerate(own) if m.pattern.search(model_name)]
                found += [(len(own) + n, model) for n, model in shipped]
                self._matching[key] = found
            return found

    def _candidates(self, public_key: str | None) -> list[Model]:
        with self._lock:
            own = list(self._own.get(public_key, []))
        return own + self._shipped

    def match(self, public_key: str | None, model_name: Any) -> Model | None:
        """The model an observation of ``model_name`` is priced with (Langfuse's
        ``findModelInPostgres``): the tenant's own before built-in ones, then the latest
        start date (none last), whenever the observation started."""
        if not isinstance(model_name, str) or not model_name:
            return None
        found = self._matches(public_key, model_name)
        if not found:
            return None
        return min(found, key=_match_order)[1]

    def forget(self, public_key: str) -> None:
        with self._lock:
            self._own.pop(public_key, None)
            self._forget_matches(public_key)
