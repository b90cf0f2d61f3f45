"""OTLP spans mapped to Langfuse ingestion events, as Langfuse's OtelIngestionProcessor maps
them, so that one store, one projection and one snapshot serve every client generation.

Each span becomes a ``<type>-create`` event for its observation; a trace root, or a span
that carries trace attributes (SDK 5.x stamps them on every span), also becomes a
``trace-create``. Envelope ids derive from the span, so an exporter's retry of the same
spans is stored once.

Metadata is Langfuse's: what the client set, the resource's and instrumentation scope's
attributes (``resourceAttributes``, ``scope``), and for spans of other instrumentations than
Langfuse's SDKs their remaining span attributes (``attributes``, values as strings). A root
span's own observation metadata is its trace's too. Snapshots leave the per-process resource
and scope values out unless kept (``mockfuse.snapshot.normalize``).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from mockfuse.langfuse.ingestion.schema import envelope_issues
from mockfuse.langfuse.otel.spans import STATUS_ERROR, Span, spans_from_protobuf
from mockfuse.langfuse.projection import Event
from mockfuse.langfuse.timestamps import format_timestamp, parse_timestamp

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
_OPENINFERENCE_KINDS = {
    "LLM": "GENERATION",
    "CHAIN": "CHAIN",
    "TOOL": "TOOL",
    "AGENT": "AGENT",
    "RETRIEVER": "RETRIEVER",
    "EMBEDDING": "EMBEDDING",
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
_MODEL_KEYS = (
    "langfuse.observation.model.name",
    "gen_ai.response.model",
    "ai.model.id",
    "gen_ai.request.model",
    "llm.response.model",
    "llm.model_name",
    "model",
)
_INPUT_KEYS = (
    "langfuse.observation.input",
    "gen_ai.input.messages",
    "gen_ai.prompt",
    "input.value",
    "traceloop.entity.input",
)
_OUTPUT_KEYS = (
    "langfuse.observation.output",
    "gen_ai.output.messages",
    "gen_ai.completion",
    "output.value",
    "traceloop.entity.output",
)
_USAGE_KEYS = {
    "gen_ai.usage.input_tokens": "input",
    "gen_ai.usage.prompt_tokens": "input",
    "llm.token_count.prompt": "input",
    "gen_ai.usage.output_tokens": "output",
    "gen_ai.usage.completion_tokens": "output",
    "llm.token_count.completion": "output",
    "llm.token_count.total": "total",
}
_REQUEST_PARAMETER_PREFIX = "gen_ai.request."
_TRACE_ATTRIBUTE_PREFIXES = (
    "langfuse.trace.",
    "langfuse.user.id",
    "langfuse.session.id",
    "user.id",
    "session.id",
)


def _first(attributes: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = attributes.get(key)
        if value not in (None, ""):
            return value
    return None


def decoded_attribute(value: Any) -> Any:
    """An attribute value as the client meant it: SDKs send JSON-encoded strings."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python decodes
            return value
    return value


def object_attribute(value: Any) -> dict[str, Any] | None:
    decoded = decoded_attribute(value)
    return decoded if isinstance(decoded, dict) else None


def _prefixed(attributes: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    """``prefix`` as a JSON object, merged with its flattened ``prefix.<key>`` attributes."""
    merged = object_attribute(attributes.get(prefix)) or {}
    dotted = prefix + "."
    for key, value in attributes.items():
        if key.startswith(dotted):
            merged[key[len(dotted) :]] = decoded_attribute(value)
    return merged or None


def _iso(unix_nano: int) -> str:
    seconds, nanos = divmod(unix_nano, 1_000_000_000)
    moment = datetime.fromtimestamp(seconds, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{nanos // 1000:06d}Z"


def observation_type(attributes: dict[str, Any]) -> str:
    """Langfuse's ObservationTypeMapper: its own attribute, then OpenInference, then GenAI."""
    explicit = attributes.get("langfuse.observation.type")
    if isinstance(explicit, str) and explicit.upper() in OBSERVATION_TYPES:
        return explicit.upper()
    kind = attributes.get("openinference.span.kind")
    if isinstance(kind, str) and kind.upper() in _OPENINFERENCE_KINDS:
        return _OPENINFERENCE_KINDS[kind.upper()]
    operation = attributes.get("gen_ai.operation.name")
    if isinstance(operation, str) and operation in _GEN_AI_OPERATIONS:
        return _GEN_AI_OPERATIONS[operation]
    if _first(attributes, "gen_ai.tool.name", "gen_ai.tool.call.id") is not None:
        return "TOOL"
    if _first(attributes, "gen_ai.request.model", "gen_ai.response.model") is not None:
        return "GENERATION"
    return "SPAN"


def _usage(attributes: dict[str, Any]) -> dict[str, Any] | None:
    explicit = object_attribute(attributes.get("langfuse.observation.usage_details"))
    if explicit is not None:
        return explicit
    usage: dict[str, Any] = {}
    for key, name in _USAGE_KEYS.items():
        if key in attributes and name not in usage:
            usage[name] = attributes[key]
    return usage or None


def _costs(attributes: dict[str, Any]) -> dict[str, Any] | None:
    explicit = object_attribute(attributes.get("langfuse.observation.cost_details"))
    if explicit is not None:
        return explicit
    cost = attributes.get("gen_ai.usage.cost")
    return {"total": cost} if isinstance(cost, (int, float)) else None


def _model_parameters(attributes: dict[str, Any]) -> dict[str, Any] | None:
    parameters = object_attribute(attributes.get("langfuse.observation.model.parameters"))
    if parameters is None:
        parameters = {
            key[len(_REQUEST_PARAMETER_PREFIX) :]: value
            for key, value in attributes.items()
            if key.startswith(_REQUEST_PARAMETER_PREFIX) and key != "gen_ai.request.model"
        }
    # Langfuse keeps model parameters as strings and numbers: anything else as compact JSON.
    return {
        key: value
        if isinstance(value, (str, int, float)) and not isinstance(value, bool)
        else json.dumps(value, separators=(",", ":"))
        for key, value in parameters.items()
    } or None


def _completion_start(attributes: dict[str, Any]) -> str | None:
    moment = parse_timestamp(
        decoded_attribute(attributes.get("langfuse.observation.completion_start_time"))
    )
    return format_timestamp(moment) if moment else None


def _tags(value: Any) -> list[str] | None:
    decoded = decoded_attribute(value)
    if isinstance(decoded, list):
        return [str(tag) for tag in decoded]
    if isinstance(decoded, str):
        return [tag.strip() for tag in decoded.split(",") if tag.strip()]
    return None


def _setting(span: Span, key: str) -> Any:
    return _first(span.attributes, key) or span.resource_attributes.get(key)


def _is_root(span: Span) -> bool:
    return span.parent_span_id is None or span.attributes.get("langfuse.internal.as_root") in (
        True,
        "true",
    )


# Attributes Langfuse reads as input or output, left out of ``metadata.attributes``.
_IO_KEYS = frozenset(
    {
        "langfuse.trace.input", "langfuse.trace.output", "langfuse.observation.input",
        "langfuse.observation.output", "ai.prompt.messages", "ai.prompt", "ai.toolCall.args",
        "ai.response.text", "ai.result.text", "ai.toolCall.result", "ai.response.object",
        "ai.result.object", "ai.response.toolCalls", "ai.result.toolCalls",
        "gcp.vertex.agent.llm_request", "gcp.vertex.agent.llm_response",
        "gcp.vertex.agent.tool_call_args", "gcp.vertex.agent.tool_response", "prompt",
        "all_messages_events", "events", "lk.input_text", "lk.user_transcript", "lk.chat_ctx",
        "lk.user_input", "lk.function_tool.output", "lk.response.text", "mlflow.spanInputs",
        "mlflow.spanOutputs", "traceloop.entity.input", "traceloop.entity.output",
        "input.value", "output.value", "final_result", "pydantic_ai.all_messages", "input",
        "output", "gen_ai.input.messages", "gen_ai.output.messages",
        "gen_ai.tool.call.arguments", "gen_ai.tool.call.result",
    }
)  # fmt: skip
_IO_PREFIXES = ("gen_ai.prompt", "gen_ai.completion", "llm.input_messages", "llm.output_messages")


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _metadata(span: Span, *own: dict[str, Any] | None) -> dict[str, Any]:
    """Langfuse's metadata of an event from ``span``: the resource's trace metadata, ``own``
    metadata in order, the span's other attributes (not for Langfuse's SDKs), and the
    resource and scope attributes."""
    metadata = dict(_prefixed(span.resource_attributes, "langfuse.trace.metadata") or {})
    for part in own:
        metadata.update(part or {})
    if not span.scope_name.startswith("langfuse-sdk"):
        metadata["attributes"] = {
            key: _as_text(value)
            for key, value in span.attributes.items()
            if key not in _IO_KEYS and not key.startswith(_IO_PREFIXES)
        }
    metadata["resourceAttributes"] = span.resource_attributes
    metadata["scope"] = {
        "name": span.scope_name,
        "version": span.scope_version,
        "attributes": span.scope_attributes,
    }
    return metadata


def _observation_body(span: Span, kind: str, root: bool) -> dict[str, Any]:
    attributes = span.attributes
    level = attributes.get("langfuse.observation.level")
    if level is None:
        level = "ERROR" if span.status_code == STATUS_ERROR else "DEFAULT"
    prompt_version = attributes.get("langfuse.observation.prompt.version")
    body = {
        "id": span.span_id,
        "traceId": span.trace_id,
        "parentObservationId": None if root else span.parent_span_id,
        "name": span.name,
        "startTime": _iso(span.start_unix_nano),
        "endTime": _iso(span.end_unix_nano) if span.end_unix_nano else None,
        "input": decoded_attribute(_first(attributes, *_INPUT_KEYS)),
        "output": decoded_attribute(_first(attributes, *_OUTPUT_KEYS)),
        "metadata": _metadata(span, _prefixed(attributes, "langfuse.observation.metadata")),
        "level": level,
        "statusMessage": attributes.get("langfuse.observation.status_message")
        or span.status_message
        or None,
        "version": _setting(span, "langfuse.version"),
        "environment": _setting(span, "langfuse.environment"),
    }
    if kind not in ("SPAN", "EVENT"):
        body.update(
            {
                "model": _first(attributes, *_MODEL_KEYS),
                "modelParameters": _model_parameters(attributes),
                "usageDetails": _usage(attributes),
                "costDetails": _costs(attributes),
                "completionStartTime": _completion_start(attributes),
                "promptName": attributes.get("langfuse.observation.prompt.name"),
                "promptVersion": int(prompt_version) if prompt_version is not None else None,
            }
        )
    return {key: value for key, value in body.items() if value is not None}


def _trace_body(span: Span, observation: dict[str, Any], root: bool) -> dict[str, Any] | None:
    attributes = span.attributes
    if not root and not any(key.startswith(_TRACE_ATTRIBUTE_PREFIXES) for key in attributes):
        return None
    public = attributes.get("langfuse.trace.public")
    body = {
        "id": span.trace_id,
        "timestamp": observation["startTime"] if root else None,
        "name": attributes.get("langfuse.trace.name") or (span.name if root else None),
        "userId": _first(attributes, "langfuse.user.id", "user.id"),
        "sessionId": _first(
            attributes, "langfuse.session.id", "session.id", "gen_ai.conversation.id"
        ),
        "tags": _tags(_first(attributes, "langfuse.trace.tags", "langfuse.tags")),
        "public": public in (True, "true") if public is not None else None,
        "metadata": _trace_metadata(span, root),
        "release": _setting(span, "langfuse.release"),
        "version": _setting(span, "langfuse.version"),
        "environment": _setting(span, "langfuse.environment"),
        "input": decoded_attribute(attributes.get("langfuse.trace.input"))
        or (observation.get("input") if root else None),
        "output": decoded_attribute(attributes.get("langfuse.trace.output"))
        or (observation.get("output") if root else None),
    }
    return {key: value for key, value in body.items() if value is not None}


def _trace_metadata(span: Span, root: bool) -> dict[str, Any]:
    trace = _prefixed(span.attributes, "langfuse.trace.metadata")
    if not root:  # a span that updates its trace: the trace's metadata only
        metadata = _metadata(span, trace)
        metadata.pop("attributes", None)
        return metadata
    return _metadata(span, trace, _prefixed(span.attributes, "langfuse.observation.metadata"))


def observation_of(span: Span) -> dict[str, Any]:
    """The body of the observation event ``span`` becomes."""
    return _observation_body(span, observation_type(span.attributes), _is_root(span))


def events_from_spans(spans: list[Span]) -> list[Event]:
    events: list[Event] = []
    for span in spans:
        kind = observation_type(span.attributes)
        root = _is_root(span)
        observation = _observation_body(span, kind, root)
        timestamp = observation["startTime"]
        trace = _trace_body(span, observation, root)
        if trace is not None:
            events.append(
                {
                    "id": f"otel:{span.trace_id}:{span.span_id}:trace",
                    "type": "trace-create",
                    "timestamp": timestamp,
                    "body": trace,
                }
            )
        event_type = f"{kind.lower()}-create"
        events.append(
            {
                "id": f"otel:{span.trace_id}:{span.span_id}:{event_type}",
                "type": event_type,
                "timestamp": timestamp,
                "body": observation,
            }
        )
    return events


def export_events(body: bytes, spans: list[Span] | None) -> tuple[list[Event], str | None]:
    """The events an export's spans become, and the request log's note on those refused."""
    accepted: list[Event] = []
    rejected: list[Event] = []
    for event in events_from_spans(spans if spans is not None else spans_from_protobuf(body)):
        (rejected if envelope_issues(event) else accepted).append(event)
    note = f"{len(rejected)} span event(s) failed validation" if rejected else None
    return accepted, note
