"""OTLP spans mapped to Langfuse ingestion events, rule for rule as Langfuse's
``OtelIngestionProcessor`` (``packages/shared/src/server/otel/OtelIngestionProcessor.ts``)
maps them, so that one store, one projection and one snapshot serve every client generation.

Each span becomes a ``<type>-create`` event for its observation (type: ``observation_types``;
input and output: ``input_output``; model, usage and cost: ``model_usage``). A root span
becomes a full ``trace-create``, a span with trace attributes (SDK 5.x stamps them on every
span) a trace update, and the first span of a trace the tenant has not seen a shallow
``trace-create`` (id, time, environment), as Langfuse makes one. Values stay as the span
carried them, JSON text included; the read side parses it as Langfuse's read API does.

Envelope ids derive from the span, so an exporter's retry of the same spans is stored once.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

from mockfuse.langfuse.ingestion.marks import Mark
from mockfuse.langfuse.ingestion.schema import envelope_issues
from mockfuse.langfuse.otel.input_output import (
    as_text,
    first_defined,
    first_text,
    input_and_output,
    js_string,
    metadata_attributes,
    parse_json_payload,
    truthy,
)
from mockfuse.langfuse.otel.model_usage import (
    cost_details,
    is_ai_sdk_agent,
    model_name,
    model_parameters,
    usage_details,
)
from mockfuse.langfuse.otel.observation_types import (
    OBSERVATION_TYPES,
    meaningful,
    observation_type,
)
from mockfuse.langfuse.otel.spans import STATUS_ERROR, Span
from mockfuse.langfuse.otel.tools import tools_into_input
from mockfuse.langfuse.projection import Event, clean_environment
from mockfuse.langfuse.timestamps import format_timestamp, parse_timestamp

__all__ = [
    "OBSERVATION_TYPES",
    "ExportEvents",
    "events_from_spans",
    "export_events",
    "observation_of",
]

Attributes = Mapping[str, Any]

# Foreign level vocabularies (OpenTelemetry severities, Python logging, loguru, console) as
# Langfuse's levels; an unknown one leaves the level to the span's status.
_LEVELS = {
    "DEBUG": "DEBUG", "TRACE": "DEBUG", "VERBOSE": "DEBUG",
    "DEFAULT": "DEFAULT", "INFO": "DEFAULT", "LOG": "DEFAULT", "NOTICE": "DEFAULT",
    "OK": "DEFAULT", "SUCCESS": "DEFAULT",
    "WARNING": "WARNING", "WARN": "WARNING",
    "ERROR": "ERROR", "FATAL": "ERROR", "CRITICAL": "ERROR",
}  # fmt: skip
# LiveKit's internal spans, shown at DEBUG level.
_LIVEKIT_DEBUG_SPANS = frozenset(
    {
        "user_speaking", "eou_detection", "llm_request_run", "tts_node", "tts_request",
        "tts_request_run", "tts_stream_adapter", "agent_speaking", "drain_agent_activity",
        "on_exit", "on_enter", "llm_fallback_adapter", "tts_fallback_adapter",
        "start_agent_activity",
    }
)  # fmt: skip
# A span that carries any of these (or a ``langfuse.trace.metadata`` key) updates its trace.
_TRACE_UPDATE_KEYS = (
    "langfuse.trace.name", "langfuse.trace.input", "langfuse.trace.output",
    "langfuse.trace.metadata", "user.id", "session.id", "langfuse.trace.public",
    "langfuse.trace.tags", "langfuse.user.id", "langfuse.session.id",
    "langfuse.observation.metadata.langfuse_user_id",
    "langfuse.observation.metadata.langfuse_session_id",
    "langfuse.observation.metadata.langfuse_tags",
    "langfuse.trace.metadata.langfuse_session_id", "langfuse.trace.metadata.langfuse_user_id",
    "langfuse.trace.metadata.langfuse_tags",
    "ai.telemetry.metadata.sessionId", "ai.telemetry.metadata.userId",
    "ai.telemetry.metadata.tags", "tag.tags",
)  # fmt: skip
_ENVIRONMENT_KEYS = (
    "langfuse.environment",
    "deployment.environment.name",
    "deployment.environment",
)
_AI_SDK_METADATA_IDENTITY = frozenset(
    {
        "ai.telemetry.metadata.userId",
        "ai.telemetry.metadata.sessionId",
        "ai.telemetry.metadata.tags",
        "ai.telemetry.metadata.langfusePrompt",
    }
)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _iso(unix_nano: int) -> str | None:
    try:
        moment = _EPOCH + timedelta(milliseconds=unix_nano // 1_000_000)
    except OverflowError:
        return None
    return format_timestamp(moment)


def _times(span: Span) -> tuple[str, str]:
    """Start and end; a missing edge is the other one, both missing is now (as Langfuse)."""
    start = _iso(span.start_unix_nano) if span.start_unix_nano is not None else None
    end = _iso(span.end_unix_nano) if span.end_unix_nano is not None else None
    if start is None or end is None:
        now = format_timestamp(datetime.now(timezone.utc))
        return start or end or now, end or start or now
    return start, end


def environment(attributes: Attributes, resource: Attributes) -> str:
    for key in _ENVIRONMENT_KEYS:
        for source in (attributes, resource):
            if truthy(source.get(key)):
                return clean_environment(source[key])
    if _openrouter_judge(attributes, resource):
        return "llm-as-a-judge"  # Langfuse's own evaluator, its "langfuse-" prefix stripped
    return "default"


def _openrouter_judge(attributes: Attributes, resource: Attributes) -> bool:
    """OpenRouter Broadcast drops trace metadata on a failed request but echoes it: Langfuse
    recovers its evaluator's environment from there."""
    if (
        resource.get("service.name") != "openrouter"
        or attributes.get("openrouter.source") != "openrouter"
    ):
        return False
    completion = parse_json_payload(attributes.get("gen_ai.completion"))
    if not isinstance(completion, dict) or completion.get("completion", 0) is not None:
        return False
    raw_request = completion.get("rawRequest")
    trace = raw_request.get("trace") if isinstance(raw_request, dict) else None
    return isinstance(trace, dict) and trace.get("environment") == "langfuse-llm-as-a-judge"


def span_name(name: str, attributes: Attributes) -> str:
    if truthy(attributes.get("gen_ai.tool.name")):
        return as_text(attributes["gen_ai.tool.name"])
    if "genkit:name" in attributes:
        return attributes["genkit:name"]  # type: ignore[no-any-return]
    if truthy(attributes.get("logfire.msg")):
        return as_text(attributes["logfire.msg"])
    if "ai.toolCall.name" in attributes:
        return attributes["ai.toolCall.name"]  # type: ignore[no-any-return]
    if "ai.operationId" in attributes:
        function_id = attributes.get("ai.telemetry.functionId")
        prefix = f"{as_text(function_id)}:" if truthy(function_id) else ""
        return prefix + as_text(attributes["ai.operationId"])
    return name


def _parsed_metadata(value: Any) -> dict[str, Any]:
    """A metadata attribute as an object; what is no object is dropped, as Langfuse drops it."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):
            return {}
        if isinstance(parsed, dict):
            return parsed
        if isinstance(parsed, list):  # an array is an object to JavaScript: its indexes are keys
            return {str(index): item for index, item in enumerate(parsed)}
        return {}
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return {str(index): item for index, item in enumerate(value)}
    return {}


def _prefixed(
    attributes: Attributes, prefixes: tuple[str, ...], excluded: frozenset[str]
) -> dict[str, Any]:
    """Every attribute under one of ``prefixes`` (a dot after it) but ``excluded``, by the
    rest of its key."""
    dotted = tuple(prefix + "." for prefix in prefixes)
    metadata: dict[str, Any] = {}
    for key, value in attributes.items():
        if not key.startswith(dotted) or key in excluded:  # most keys: one test in C
            continue
        for prefix in dotted:
            if key.startswith(prefix) and len(key) > len(prefix):
                metadata[key[len(prefix) :]] = value
    return metadata


def metadata_of(attributes: Attributes, domain: str) -> dict[str, Any]:
    """Langfuse's ``extractMetadata``: the domain's metadata attribute (or
    ``langfuse.metadata``) as an object, then its flattened keys."""
    key = "langfuse.observation.metadata" if domain == "observation" else "langfuse.trace.metadata"
    primary = attributes.get(key)
    top = _parsed_metadata(primary if truthy(primary) else attributes.get("langfuse.metadata"))
    flattened = _prefixed(
        attributes, (key, "langfuse.metadata", "ai.telemetry.metadata"), _AI_SDK_METADATA_IDENTITY
    )
    return {**top, **flattened}


# metadata_of's results by attributes (their identity) and domain, within one export's
# mapping: a resource's attributes are every span's, and a span's own are read for its
# observation and again for its trace. Nothing changes them meanwhile, and no caller changes
# what it is given.
MetadataMemo = dict[tuple[int, str], dict[str, Any]]


def _metadata(attributes: Attributes, domain: str, memo: MetadataMemo) -> dict[str, Any]:
    key = (id(attributes), domain)
    found = memo.get(key)
    if found is None:
        found = memo[key] = metadata_of(attributes, domain)
    return found


def _scope(span: Span) -> dict[str, Any]:
    scope: dict[str, Any] = {"name": span.scope_name}
    if span.scope_version is not None:
        scope["version"] = span.scope_version
    scope["attributes"] = span.scope_attributes
    return scope


def _level(span: Span) -> str:
    raw = span.attributes.get("langfuse.observation.level")
    if isinstance(raw, str) and raw.strip().upper() in _LEVELS:
        return _LEVELS[raw.strip().upper()]
    if span.status_code == STATUS_ERROR:
        return "ERROR"
    if span.scope_name == "livekit-agents" and span.name in _LIVEKIT_DEBUG_SPANS:
        return "DEBUG"
    return "DEFAULT"


def _user_id(attributes: Attributes) -> str | None:
    return first_text(
        attributes,
        (
            "langfuse.user.id",
            "user.id",
            "langfuse.observation.metadata.langfuse_user_id",
            "langfuse.trace.metadata.langfuse_user_id",
            "ai.telemetry.metadata.userId",
        ),
    )


def _session_id(attributes: Attributes) -> str | None:
    return first_text(
        attributes,
        (
            "langfuse.session.id",
            "session.id",
            "gen_ai.conversation.id",
            "langfuse.observation.metadata.langfuse_session_id",
            "langfuse.trace.metadata.langfuse_session_id",
            "ai.telemetry.metadata.sessionId",
        ),
    )


def _public(attributes: Attributes) -> bool | None:
    value = attributes.get("langfuse.trace.public")
    if value is None:
        value = attributes.get("langfuse.public")
    return None if value is None else value in (True, "true")


def _tags(attributes: Attributes) -> list[str]:
    value = next(
        (
            attributes[key]
            for key in (
                "langfuse.trace.tags",
                "langfuse.tags",
                "langfuse.observation.metadata.langfuse_tags",
                "langfuse.trace.metadata.langfuse_tags",
                "ai.telemetry.metadata.tags",
                "tag.tags",
            )
            if truthy(attributes.get(key))
        ),
        None,
    )
    if value is None:
        return []
    if isinstance(value, list):
        return [js_string(tag) for tag in value]
    if isinstance(value, str):
        if value.strip().startswith("["):
            try:
                parsed = json.loads(value)
            except (ValueError, RecursionError):
                parsed = None
            if isinstance(parsed, list):
                return [js_string(tag) for tag in parsed]
        if "," in value:
            return [tag.strip() for tag in value.split(",")]
        return [value]
    return []


def _completion_start(attributes: Attributes, start: str) -> Any:
    value = attributes.get("langfuse.observation.completion_start_time")
    if _valid_date(value):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)  # older SDKs sent the time as JSON text
        except (ValueError, RecursionError):
            parsed = None
        if _valid_date(parsed):
            return parsed
    first_chunk: Any = attributes.get("ai.response.msToFirstChunk")
    if first_chunk is None:
        first_chunk = attributes.get("ai.stream.msToFirstChunk")
    if truthy(first_chunk):
        try:
            milliseconds = math.ceil(float(first_chunk))
        except (TypeError, ValueError):
            return None
        begun = parse_timestamp(start)
        if begun is not None:
            return format_timestamp(begun + timedelta(milliseconds=milliseconds))
    return None


def _valid_date(value: Any) -> bool:
    return isinstance(value, str) and parse_timestamp(value) is not None


def _ai_sdk_prompt(attributes: Attributes) -> dict[str, Any] | None:
    raw = attributes.get("ai.telemetry.metadata.langfusePrompt")
    if not truthy(raw) or not isinstance(raw, str):
        return None
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None


def _prompt_link(attributes: Attributes) -> tuple[Any, Any]:
    prompt = _ai_sdk_prompt(attributes) or {}
    return (
        first_defined(
            attributes.get("langfuse.observation.prompt.name"),
            attributes.get("langfuse.prompt.name"),
            prompt.get("name"),
        ),
        first_defined(
            attributes.get("langfuse.observation.prompt.version"),
            attributes.get("langfuse.prompt.version"),
            prompt.get("version"),
        ),
    )


def _is_root(span: Span) -> bool:
    return (
        span.parent_span_id is None
        or str(js_string(span.attributes.get("langfuse.internal.as_root"))) == "true"
    )


def _has_trace_updates(attributes: Attributes) -> bool:
    return any(truthy(attributes.get(key)) for key in _TRACE_UPDATE_KEYS) or any(
        key.startswith("langfuse.trace.metadata") for key in attributes
    )


def _is_langfuse_sdk(span: Span) -> bool:
    return span.scope_name.startswith("langfuse-sdk")


def _version(span: Span) -> Any:
    value = span.attributes.get("langfuse.version")
    return value if value is not None else span.resource_attributes.get("service.version")


def _release(span: Span) -> Any:
    value = span.attributes.get("langfuse.release")
    return value if value is not None else span.resource_attributes.get("langfuse.release")


def _kind(span: Span) -> str:
    return observation_type(
        span.attributes, span.resource_attributes, span.scope_name, span.scope_version, span.name
    )


def observation_of(span: Span) -> dict[str, Any]:
    """The body of the observation event ``span`` becomes."""
    return _observation(span, _kind(span), {})


def _observation(span: Span, kind: str, memo: MetadataMemo) -> dict[str, Any]:
    attributes = span.attributes
    start, end = _times(span)
    found_input, found_output = input_and_output(attributes, span.events, span.scope_name)
    metadata: dict[str, Any] = {
        **_metadata(span.resource_attributes, "trace", memo),
        **_metadata(attributes, "observation", memo),
    }
    if not _is_langfuse_sdk(span):
        metadata["attributes"] = metadata_attributes(attributes)
    metadata["resourceAttributes"] = span.resource_attributes
    metadata["scope"] = _scope(span)
    found_input, metadata = tools_into_input(found_input, metadata)
    agent = is_ai_sdk_agent(attributes)
    prompt_name, prompt_version = _prompt_link(attributes) if kind == "GENERATION" else (None, None)
    status_message = attributes.get("langfuse.observation.status_message")
    return {
        "id": span.span_id,
        "traceId": span.trace_id,
        "parentObservationId": span.parent_span_id,
        "name": span_name(span.name, attributes),
        "startTime": start,
        "endTime": end,
        "environment": environment(attributes, span.resource_attributes),
        "completionStartTime": _completion_start(attributes, start),
        "metadata": metadata,
        "level": _level(span),
        "statusMessage": status_message if status_message is not None else span.status_message,
        "version": _version(span),
        "modelParameters": model_parameters(attributes, span.scope_name),
        **({} if agent else {"model": model_name(attributes)}),
        "promptName": prompt_name,
        "promptVersion": prompt_version,
        "usageDetails": {} if agent else usage_details(attributes, span.scope_name),
        "costDetails": {} if agent else cost_details(attributes),
        "input": found_input,
        "output": found_output,
    }


def _trace(span: Span, start: str, root: bool, updates: bool, memo: MetadataMemo) -> dict[str, Any]:
    """The trace event's body for ``span``, dated ``start`` (its observation's start)."""
    attributes, resource = span.attributes, span.resource_attributes
    trace: dict[str, Any] = {
        "id": span.trace_id,
        "timestamp": start,
        "environment": environment(attributes, resource),
    }
    if not root and not updates:
        return trace  # shallow: the trace exists, nothing more is known of it
    metadata = {**_metadata(resource, "trace", memo), **_metadata(attributes, "trace", memo)}
    if root:
        found_input, found_output = input_and_output(
            attributes, span.events, span.scope_name, for_trace=True
        )
        metadata.update(_metadata(attributes, "observation", memo))
        if not _is_langfuse_sdk(span):
            metadata["attributes"] = metadata_attributes(attributes)
        name = attributes.get("langfuse.trace.name")
        name = name if name is not None else span_name(span.name, attributes)
    else:
        found_input = attributes.get("langfuse.trace.input")
        found_output = attributes.get("langfuse.trace.output")
        name = attributes.get("langfuse.trace.name")
    metadata["resourceAttributes"] = resource
    metadata["scope"] = _scope(span)
    trace.update(
        {
            "name": name,
            "metadata": metadata,
            "version": _version(span),
            "release": _release(span),
            "userId": _user_id(attributes),
            "sessionId": _session_id(attributes),
            "public": _public(attributes),
            "tags": _tags(attributes),
            "input": found_input,
            "output": found_output,
        }
    )
    return trace


def _shallow(trace: dict[str, Any]) -> bool:
    full = (
        "name",
        "metadata",
        "userId",
        "sessionId",
        "public",
        "tags",
        "version",
        "release",
        "input",
        "output",
    )
    return not any(meaningful(trace.get(field)) for field in full)


def _compact(body: dict[str, Any]) -> dict[str, Any]:
    """The body as JSON carries it: what Langfuse leaves undefined is not there."""
    return {key: value for key, value in body.items() if value is not None or key in _NULLABLE}


# Fields Langfuse's processor sets to null rather than leaving out.
_NULLABLE = frozenset(
    {"parentObservationId", "completionStartTime", "statusMessage", "version", "release",
     "promptName", "promptVersion", "input", "output"}
)  # fmt: skip


def events_from_spans(spans: list[Span], seen_traces: set[str] | None = None) -> list[Event]:
    """The events ``spans`` become. ``seen_traces`` holds the trace ids the tenant already
    has (updated here): a trace's shallow ``trace-create`` is made only the first time."""
    return [event for event, _ in _mapped(spans, seen_traces)]


def _mapped(spans: list[Span], seen_traces: set[str] | None) -> list[tuple[Event, Span]]:
    """Each event ``spans`` become, with the span it came from."""
    seen = seen_traces if seen_traces is not None else set()
    made: list[tuple[Event, Span]] = []
    memo: MetadataMemo = {}
    for span in spans:
        kind = _kind(span)
        root, updates = _is_root(span), _has_trace_updates(span.attributes)
        observation = _observation(span, kind, memo)
        if root or updates or span.trace_id not in seen:
            trace_event: Event = {
                "id": f"otel:{span.trace_id}:{span.span_id}:trace",
                "type": "trace-create",
                "timestamp": observation["startTime"],
                "body": _compact(_trace(span, observation["startTime"], root, updates, memo)),
            }
            made.append((trace_event, span))
            seen.add(span.trace_id)
        event_type = f"{kind.lower()}-create"
        observation_event: Event = {
            "id": f"otel:{span.trace_id}:{span.span_id}:{event_type}",
            "type": event_type,
            "timestamp": observation["startTime"],
            "body": _compact(observation),
        }
        made.append((observation_event, span))
    return _without_redundant_shallow_traces(made)


def _without_redundant_shallow_traces(
    made: list[tuple[Event, Span]],
) -> list[tuple[Event, Span]]:
    """Langfuse drops a shallow ``trace-create`` where the same export has a full one."""
    full = {
        event["body"]["id"]
        for event, _ in made
        if event["type"] == "trace-create" and not _shallow(event["body"])
    }
    return [
        (event, span)
        for event, span in made
        if not (
            event["type"] == "trace-create"
            and event["body"]["id"] in full
            and _shallow(event["body"])
        )
    ]


class ExportEvents(NamedTuple):
    """What an export's spans become: events, each one's mark (its span's own start, to the
    nanosecond, and its trace: events keep milliseconds, as Langfuse's do, and a test's
    window needs the precise time), and the request log's note on the events refused."""

    events: list[Event]
    marks: list[Mark]
    note: str | None


def export_events(spans: list[Span], seen_traces: set[str] | None = None) -> ExportEvents:
    accepted: list[Event] = []
    marks: list[Mark] = []
    rejected = 0
    for event, span in _mapped(spans, seen_traces):
        if envelope_issues(event):
            rejected += 1
            continue
        accepted.append(event)
        started = span.start_unix_nano or span.end_unix_nano
        marks.append((None if started is None else started / 1e9, span.trace_id))
    note = f"{rejected} span event(s) failed validation" if rejected else None
    return ExportEvents(accepted, marks, note)
