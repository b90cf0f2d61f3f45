"""The observation type a span becomes, as Langfuse's ``ObservationTypeMapperRegistry``
(``packages/shared/src/server/otel/ObservationTypeMapper.ts``) decides it: its mappers in
priority order, the first that claims the span and names a known type wins, else ``SPAN``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

OBSERVATION_TYPES = frozenset(
    {
        "SPAN",
        "GENERATION",
        "EVENT",
        "AGENT",
        "TOOL",
        "CHAIN",
        "RETRIEVER",
        "EVALUATOR",
        "EMBEDDING",
        "GUARDRAIL",
    }
)

Attributes = Mapping[str, Any]


def meaningful(value: Any) -> bool:
    """Not null, an empty string, or an empty list or object (Langfuse's ``hasMeaningfulValue``)."""
    if value is None or value == "":
        return False
    if isinstance(value, (list, dict)):
        return len(value) > 0
    return True


def _simple(
    key: str, mapping: dict[str, str]
) -> Callable[[Attributes, str, str | None], str | None]:
    def mapper(attributes: Attributes, _scope: str, _version: str | None) -> str | None:
        value = attributes.get(key)
        if not meaningful(value) or not isinstance(value, str):
            return None
        return mapping.get(value)

    return mapper


_LANGFUSE_TYPES = {name.lower(): name for name in OBSERVATION_TYPES}
_OPENINFERENCE = {
    "CHAIN": "CHAIN",
    "RETRIEVER": "RETRIEVER",
    "LLM": "GENERATION",
    "EMBEDDING": "EMBEDDING",
    "AGENT": "AGENT",
    "TOOL": "TOOL",
    "GUARDRAIL": "GUARDRAIL",
    "EVALUATOR": "EVALUATOR",
}
_GEN_AI_OPERATIONS = {
    "chat": "GENERATION",
    "completion": "GENERATION",
    "text_completion": "GENERATION",
    "generate_content": "GENERATION",
    "generate": "GENERATION",
    "embeddings": "EMBEDDING",
    "invoke_agent": "AGENT",
    "create_agent": "AGENT",
    "execute_tool": "TOOL",
}
_GENKIT = {
    "background-model": "GENERATION",
    "model": "GENERATION",
    "embedder": "EMBEDDING",
    "tool": "TOOL",
    "tool.v2": "TOOL",
    "retriever": "RETRIEVER",
    "evaluator": "EVALUATOR",
}
_GENERATION_KEYS = frozenset(
    {
        "langfuse.observation.model.name",
        "langfuse.observation.cost_details",
        "langfuse.observation.usage_details",
        "langfuse.observation.completion_start_time",
        "langfuse.observation.model.parameters",
        "langfuse.observation.prompt.name",
        "langfuse.observation.prompt.version",
    }
)
_AI_SDK_GENERATIONS = (
    "ai.generateText.doGenerate",
    "ai.streamText.doStream",
    "ai.generateObject.doGenerate",
    "ai.streamObject.doStream",
)
_AI_SDK_EMBEDDINGS = ("ai.embedMany.doEmbed", "ai.embed.doEmbed")


def _python_sdk_330(
    attributes: Attributes, resource: Attributes, scope: str, version: str | None
) -> str | None:
    """Python SDK ≤ 3.3.0 typed generations as spans (langfuse/langfuse#8682)."""
    if (
        attributes.get("langfuse.observation.type") != "span"
        or scope != "langfuse-sdk"
        or resource.get("telemetry.sdk.language") != "python"
    ):
        return None
    if version:
        parts = version.split(".")
        try:
            major, minor = int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
        except ValueError:
            major = minor = 0
        if major > 3 or (major == 3 and minor > 3):
            return None
    return "GENERATION" if _GENERATION_KEYS.intersection(attributes) else None


def _ai_sdk_operation(attributes: Attributes, prefixes: tuple[str, ...]) -> bool:
    name = attributes.get("operation.name")
    if meaningful(name) and isinstance(name, str) and name.startswith(prefixes):
        return True
    operation_id = attributes.get("ai.operationId")
    return meaningful(operation_id) and operation_id in prefixes


def _ai_sdk_generation(attributes: Attributes, _scope: str, _version: str | None) -> str | None:
    model_keys = (
        "langfuse.observation.model.name",
        "ai.model.id",
        "gen_ai.request.model",
        "gen_ai.response.model",
    )
    if not any(meaningful(attributes.get(key)) for key in model_keys):
        return None
    if _ai_sdk_operation(attributes, _AI_SDK_GENERATIONS):
        return "GENERATION"
    if _ai_sdk_operation(attributes, _AI_SDK_EMBEDDINGS):
        return "EMBEDDING"
    return None


def _ai_sdk_span(attributes: Attributes, _scope: str, _version: str | None) -> str | None:
    name, operation_id = attributes.get("operation.name"), attributes.get("ai.operationId")
    if not (
        (meaningful(name) and isinstance(name, str) and name.startswith("ai."))
        or (
            meaningful(operation_id)
            and isinstance(operation_id, str)
            and operation_id.startswith("ai.")
        )
    ):
        return None
    if _ai_sdk_operation(attributes, _AI_SDK_GENERATIONS + _AI_SDK_EMBEDDINGS):
        return None
    return "TOOL" if _ai_sdk_operation(attributes, ("ai.toolCall",)) else None


def _gen_ai_tool(attributes: Attributes, _scope: str, _version: str | None) -> str | None:
    if meaningful(attributes.get("gen_ai.tool.name")) or meaningful(
        attributes.get("gen_ai.tool.call.id")
    ):
        return "TOOL"
    return None


def _flue(attributes: Attributes, _scope: str, _version: str | None) -> str | None:
    if meaningful(attributes.get("flue.tool.name")) or meaningful(
        attributes.get("flue.tool.call_id")
    ):
        return "TOOL"
    if meaningful(attributes.get("flue.task.id")) or meaningful(attributes.get("flue.task.agent")):
        return "AGENT"  # a Flue task is a delegated sub-agent run
    return None


def _model_based(attributes: Attributes, _scope: str, _version: str | None) -> str | None:
    model_keys = (
        "langfuse.observation.model.name",
        "gen_ai.request.model",
        "gen_ai.response.model",
        "llm.model_name",
        "model",
    )
    return "GENERATION" if any(meaningful(attributes.get(key)) for key in model_keys) else None


_ATTRIBUTE_MAPPERS: tuple[Callable[[Attributes, str, str | None], str | None], ...] = (
    _simple("langfuse.observation.type", _LANGFUSE_TYPES),
    _simple("openinference.span.kind", _OPENINFERENCE),
    _simple("gen_ai.operation.name", _GEN_AI_OPERATIONS),
    _simple("genkit:metadata:subtype", _GENKIT),
    _ai_sdk_generation,
    _ai_sdk_span,
    _gen_ai_tool,
    _flue,
)
_LIVEKIT_TYPES = {"agent_turn": "AGENT", "start_agent_activity": "AGENT", "function_tool": "TOOL"}


def observation_type(
    attributes: Attributes,
    resource_attributes: Attributes,
    scope_name: str,
    scope_version: str | None,
    span_name: str,
) -> str:
    if _python_sdk_330(attributes, resource_attributes, scope_name, scope_version):
        return "GENERATION"
    for mapper in _ATTRIBUTE_MAPPERS:
        mapped = mapper(attributes, scope_name, scope_version)
        if mapped in OBSERVATION_TYPES:
            return mapped
    if scope_name == "livekit-agents" and span_name in _LIVEKIT_TYPES:
        return _LIVEKIT_TYPES[span_name]
    return _model_based(attributes, scope_name, scope_version) or "SPAN"
