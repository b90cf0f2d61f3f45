"""Model, model parameters, usage and cost of a span, as Langfuse's ``OtelIngestionProcessor``
reads them (``extractModelName``, ``extractModelParameters``, ``extractUsageDetails``,
``extractCostDetails``) — on every observation type, not only generations.

Usage keys are normalized as Langfuse normalizes them: cached and cache-creation tokens are
split out of the input count, reasoning and audio tokens out of the output count.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from mockfuse.langfuse.otel.input_output import (
    first_text,
    json_text,
    parse_json_payload,
    truthy,
)

Attributes = Mapping[str, Any]


def is_ai_sdk_agent(attributes: Attributes) -> bool:
    """The AI SDK's agent spans repeat their model calls' usage: Langfuse reads no model,
    usage or cost from them, lest every trace's cost count twice."""
    return attributes.get("gen_ai.operation.name") in ("invoke_agent", "agent_step")


def model_name(attributes: Attributes) -> str | None:
    keys = [
        "langfuse.observation.model.name",
        "gen_ai.response.model",
        "ai.model.id",
        "gen_ai.request.model",
        "llm.response.model",
        "llm.model_name",
        "model",
    ]
    if attributes.get("genkit:metadata:subtype") == "model":
        keys.append("genkit:name")
    return first_text(attributes, keys)


def _sanitized(parameters: Any) -> Any:
    """Langfuse keeps model parameters as strings and numbers: anything else as JSON text."""
    if isinstance(parameters, dict):
        return {
            key: value
            if isinstance(value, (str, int, float)) and not isinstance(value, bool)
            else json_text(value)
            for key, value in parameters.items()
        }
    return parameters


def _json_object(text: Any) -> Any:
    if not isinstance(text, str):
        raise ValueError("not JSON text")
    return json.loads(text)


def _text_or_none(attributes: Attributes, key: str) -> str | None:
    value = attributes.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join("" if item is None else str(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def model_parameters(attributes: Attributes, scope_name: str) -> Any:
    explicit = None
    if truthy(attributes.get("langfuse.observation.model.parameters")):
        try:
            explicit = _sanitized(_json_object(attributes["langfuse.observation.model.parameters"]))
        except (ValueError, RecursionError):
            explicit = None
    if explicit is not None and scope_name != "ai":
        return explicit

    if scope_name == "genkit-tracer":
        genkit_input = parse_json_payload(attributes.get("genkit:input"))
        genkit_output = parse_json_payload(attributes.get("genkit:output"))
        config = genkit_input.get("config") if isinstance(genkit_input, dict) else None
        if config is None and isinstance(genkit_output, dict):
            request = genkit_output.get("request")
            config = request.get("config") if isinstance(request, dict) else None
        if truthy(config):
            return _sanitized(config)

    if scope_name == "ai":
        provider = parse_json_payload(attributes.get("ai.response.providerMetadata"))
        openai = provider.get("openai") if isinstance(provider, dict) else None
        service_tier = openai.get("serviceTier") if isinstance(openai, dict) else None

        def text(key: str) -> str | None:
            return _text_or_none(attributes, key) if key in attributes else None

        return {
            "maxSteps": text("ai.settings.maxSteps"),
            "toolChoice": text("ai.prompt.toolChoice"),
            "maxTokens": text("gen_ai.request.max_tokens"),
            "finishReason": text("gen_ai.response.finish_reasons")
            if "gen_ai.response.finish_reasons" in attributes
            else text("gen_ai.finishReason"),
            "system": text("gen_ai.system")
            if "gen_ai.system" in attributes
            else text("ai.model.provider"),
            "maxRetries": text("ai.settings.maxRetries"),
            "mode": text("ai.settings.mode"),
            "temperature": text("gen_ai.request.temperature"),
            "service_tier": service_tier
            if isinstance(service_tier, str)
            else text("gen_ai.request.service_tier"),
            **(explicit or {}),
        }

    if explicit is not None:
        return explicit
    for key in ("llm.invocation_parameters", "model_config"):
        if truthy(attributes.get(key)):
            try:
                return _sanitized(_json_object(attributes[key]))
            except (ValueError, RecursionError):
                pass
    parameters: dict[str, Any] = {}
    for prefix in ("gen_ai.request.", "llm.invocation_parameters."):
        for key, value in attributes.items():
            if key.startswith(prefix):
                name = key.replace(prefix, "", 1)
                if name != "model":
                    parameters[name] = value
    return _sanitized(parameters)


def _json_object_attribute(attributes: Attributes, key: str) -> dict[str, Any] | None:
    """A JSON object attribute: the object; {} when present but not an object; None when
    absent or not JSON (so that other sources are tried)."""
    raw = attributes.get(key)
    if not truthy(raw):
        return None
    if not isinstance(raw, str):
        return {}
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else {}


def _js_number(value: Any) -> float | int | None:
    """JavaScript's ``Number(value)``, None where it is NaN."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else value
    if value is None:
        return 0
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if number.is_integer() and math.isfinite(number) else number
    if isinstance(value, list) and len(value) <= 1:
        return _js_number(value[0]) if value else 0
    return None


def _parse_int(value: Any) -> int | None:
    """JavaScript's ``parseInt(String(value))``: the leading digits, None for NaN."""
    text = str(value).strip() if not isinstance(value, bool) else ("true" if value else "false")
    sign = -1 if text.startswith("-") else 1
    digits = ""
    for char in text.lstrip("+-"):
        if not char.isdigit():
            break
        digits += char
    return sign * int(digits) if digits else None


def _ai_sdk_usage(attributes: Attributes) -> dict[str, Any]:
    def tokens(*keys: str) -> int | None:
        for key in keys:
            if key in attributes:
                value = attributes[key]
                return _parse_int("0" if value is None else value)
        return None

    usage: dict[str, Any] = {
        "input": tokens("gen_ai.usage.prompt_tokens", "gen_ai.usage.input_tokens"),
        "output": tokens("gen_ai.usage.completion_tokens", "gen_ai.usage.output_tokens"),
        "total": tokens("ai.usage.tokens"),
    }
    for key, name in (
        ("ai.usage.cachedInputTokens", "input_cached_tokens"),
        ("ai.usage.reasoningTokens", "output_reasoning_tokens"),
    ):
        if key in attributes:
            parsed = (
                json.loads(attributes[key]) if isinstance(attributes[key], str) else attributes[key]
            )
            usage[name] = parsed if isinstance(parsed, (int, float)) else parsed.get("intValue")

    def default(name: str, value: Any) -> None:
        if usage.get(name) is None:
            usage[name] = value

    raw_provider = attributes.get("ai.response.providerMetadata")
    if truthy(raw_provider):
        if not isinstance(raw_provider, str):
            raise TypeError("provider metadata is not JSON text")  # Langfuse's parse throws
        provider = json.loads(raw_provider)
        openai = provider.get("openai")
        if isinstance(openai, dict):
            default("input_cached_tokens", openai.get("cachedPromptTokens"))
            default("accepted_prediction_tokens", openai.get("acceptedPredictionTokens"))
            default("rejected_prediction_tokens", openai.get("rejectedPredictionTokens"))
            default("output_reasoning_tokens", openai.get("reasoningTokens"))
        anthropic = provider.get("anthropic")
        if isinstance(anthropic, dict) and "usage" in anthropic:
            anthropic_usage = anthropic["usage"] or {}
            default("input_cache_creation", anthropic_usage.get("cache_creation_input_tokens"))
            default("input_cached_tokens", anthropic_usage.get("cache_read_input_tokens"))
            creation = anthropic_usage.get("cache_creation")
            if isinstance(creation, dict):
                for source, name in (
                    ("ephemeral_5m_input_tokens", "input_cache_creation_5m"),
                    ("ephemeral_1h_input_tokens", "input_cache_creation_1h"),
                ):
                    if isinstance(creation.get(source), (int, float)):
                        default(name, creation[source])
                # the 5-minute and 1-hour counts are part of the whole: not counted twice
                usage["input_cache_creation"] = max(
                    (usage.get("input_cache_creation") or 0)
                    - (usage.get("input_cache_creation_5m") or 0)
                    - (usage.get("input_cache_creation_1h") or 0),
                    0,
                )
        bedrock = provider.get("bedrock")
        if isinstance(bedrock, dict) and isinstance(bedrock.get("usage"), dict):
            for source, name in (
                ("cacheReadInputTokens", "input_cache_read"),
                ("cacheWriteInputTokens", "input_cache_write"),
                ("cacheCreationInputTokens", "input_cache_creation"),
            ):
                if bedrock["usage"].get(source) is not None:
                    default(name, bedrock["usage"][source])
    usage["input"] = max(
        (usage.get("input") or 0)
        - sum(
            usage.get(name) or 0
            for name in (
                "input_cached_tokens",
                "input_cache_creation",
                "input_cache_creation_5m",
                "input_cache_creation_1h",
                "input_cache_read",
            )
        ),
        0,
    )
    usage["output"] = max(
        (usage.get("output") or 0) - (usage.get("output_reasoning_tokens") or 0), 0
    )
    return {key: value for key, value in usage.items() if value is not None}


_INPUT_KEYS = ("prompt_tokens", "input_tokens", "prompt")
_OUTPUT_KEYS = ("completion_tokens", "output_tokens", "completion")
_TOTAL_KEYS = ("total_tokens", "total")
_CACHE_READ_KEYS = (
    "cache_read.input_tokens",
    "cache_read_input_tokens",
    "cache_read_tokens",
    "details.cache_read_tokens",
    "details.cache_read_input_tokens",
    "prompt_details.cache_read",
    "input_cached_tokens",
)
_CACHE_CREATION_KEYS = (
    "cache_creation.input_tokens",
    "cache_creation_input_tokens",
    "cache_write_tokens",
    "details.cache_write_tokens",
    "details.cache_creation_input_tokens",
    "prompt_details.cache_write",
    "input_cache_creation",
)
_REASONING_KEYS = ("reasoning.output_tokens", "completion_details.reasoning")
_AUDIO_KEYS = ("completion_details.audio",)
_NORMALIZED_AWAY = frozenset(
    _INPUT_KEYS
    + _OUTPUT_KEYS
    + _TOTAL_KEYS
    + _CACHE_READ_KEYS
    + _CACHE_CREATION_KEYS
    + _REASONING_KEYS
    + _AUDIO_KEYS
)


def generic_usage(attributes: Attributes) -> dict[str, Any]:
    """``gen_ai.usage.*`` and OpenInference's ``llm.token_count.*``, normalized."""
    raw: dict[str, Any] = {}
    for key, value in attributes.items():
        if (key.startswith("gen_ai.usage.") and key != "gen_ai.usage.cost") or key.startswith(
            "llm.token_count."
        ):
            name = key.replace("gen_ai.usage.", "", 1).replace("llm.token_count.", "", 1)
            number = _js_number(value)
            if number is not None:
                raw[name] = number
    if not raw:
        return {}

    def first(keys: tuple[str, ...]) -> Any:
        return next((raw[key] for key in keys if raw.get(key) is not None), None)

    input_tokens, output_tokens, total = first(_INPUT_KEYS), first(_OUTPUT_KEYS), first(_TOTAL_KEYS)
    cache_read, cache_creation = first(_CACHE_READ_KEYS), first(_CACHE_CREATION_KEYS)
    reasoning, audio = first(_REASONING_KEYS), first(_AUDIO_KEYS)
    usage = {
        key.replace("details.", "", 1) if key.startswith("details.") else key: value
        for key, value in raw.items()
        if key not in _NORMALIZED_AWAY
    }
    if input_tokens is not None:
        usage["input"] = max(input_tokens - (cache_read or 0) - (cache_creation or 0), 0)
    if output_tokens is not None:
        usage["output"] = max(output_tokens - (reasoning or 0) - (audio or 0), 0)
    if total is not None:
        usage["total"] = total
    if cache_read is not None:
        usage["input_cached_tokens"] = cache_read
    if cache_creation is not None:
        usage["input_cache_creation"] = cache_creation
    if reasoning is not None:
        usage["output_reasoning_tokens"] = reasoning
    if audio is not None:
        usage["output_audio_tokens"] = audio
    return usage


def usage_details(attributes: Attributes, scope_name: str) -> dict[str, Any]:
    explicit = _json_object_attribute(attributes, "langfuse.observation.usage_details")
    if explicit is not None:
        return explicit
    if scope_name == "genkit-tracer":
        output = parse_json_payload(attributes.get("genkit:output"))
        usage = output.get("usage") if isinstance(output, dict) else None
        if truthy(usage) and isinstance(usage, dict):
            details: dict[str, Any] = {}
            thoughts = usage.get("thoughtsTokens")
            if truthy(usage.get("inputTokens")):
                details["input"] = usage["inputTokens"]
            if truthy(usage.get("outputTokens")):
                details["output"] = max(usage["outputTokens"] - (thoughts or 0), 0)
            if truthy(usage.get("totalTokens")):
                details["total"] = usage["totalTokens"]
            if truthy(thoughts):
                details["output_reasoning"] = thoughts
            return details
    if scope_name == "ai":
        try:
            return _ai_sdk_usage(attributes)
        except (ValueError, TypeError, AttributeError, RecursionError):
            pass  # Langfuse falls through to the generic keys
    if scope_name == "pydantic-ai":
        details = generic_usage(attributes)
        if details:
            return details
    if scope_name == "gcp.vertex.agent" and "gcp.vertex.agent.llm_response" in attributes:
        details = generic_usage(attributes)
        if details.get("input_cached_tokens") is None:
            response = parse_json_payload(attributes["gcp.vertex.agent.llm_response"])
            metadata = response.get("usage_metadata") if isinstance(response, dict) else None
            cached = (
                metadata.get("cached_content_token_count") if isinstance(metadata, dict) else None
            )
            if isinstance(cached, (int, float)) and not isinstance(cached, bool) and cached > 0:
                # prompt tokens include the cached ones
                details["input_cached_tokens"] = cached
                if details.get("input") is not None:
                    details["input"] = max(details["input"] - cached, 0)
        return details
    return generic_usage(attributes)


def cost_details(attributes: Attributes) -> dict[str, Any]:
    explicit = _json_object_attribute(attributes, "langfuse.observation.cost_details")
    if explicit is not None:
        return explicit
    for key in ("gen_ai.usage.cost", "llm.cost.total"):
        value = attributes.get(key)
        if value is not None and value != "":
            return {"total": value}
    return {}
