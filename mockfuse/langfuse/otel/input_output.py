"""A span's input and output, as Langfuse's ``OtelIngestionProcessor.extractInputAndOutput``
finds them: Langfuse's own attributes first, then each instrumentation's, in Langfuse's
order; and the span attributes that are left for ``metadata.attributes``.

Values stay as the span carried them (JSON text stays text): the read side parses it, as
Langfuse's read API does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from mockfuse.langfuse.otel.spans import SpanEvent

Attributes = Mapping[str, Any]

# Read as input or output by some instrumentation: never repeated in metadata.attributes.
_IO_KEYS = (
    "langfuse.trace.input", "langfuse.trace.output", "langfuse.observation.input",
    "langfuse.observation.output",
    "ai.prompt.messages", "ai.prompt", "ai.toolCall.args", "ai.response.text", "ai.result.text",
    "ai.toolCall.result", "ai.response.object", "ai.result.object", "ai.response.toolCalls",
    "ai.result.toolCalls",
    "gcp.vertex.agent.llm_request", "gcp.vertex.agent.llm_response",
    "gcp.vertex.agent.tool_call_args", "gcp.vertex.agent.tool_response",
    "prompt", "all_messages_events", "events",
    "lk.input_text", "lk.user_transcript", "lk.chat_ctx", "lk.user_input",
    "lk.function_tool.output", "lk.response.text",
    "mlflow.spanInputs", "mlflow.spanOutputs",
    "traceloop.entity.input", "traceloop.entity.output",
    "input.value", "output.value",
    "final_result", "pydantic_ai.all_messages",
    "gen_ai.system_instructions",
    "input", "output",
    "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.tool.call.arguments",
    "gen_ai.tool.call.result",
    "genkit:input", "genkit:output",
    "flue.turn.input", "flue.turn.output", "flue.tool.arguments", "flue.tool.result",
    "flue.task.prompt", "flue.task.result", "flue.operation.result", "flue.workflow.payload",
    "flue.workflow.result",
)  # fmt: skip
_IO_PREFIXES = (
    "gen_ai.prompt",
    "gen_ai.completion",
    "llm.input_messages",
    "llm.output_messages",
    "langfuse.trace.metadata",
    "langfuse.observation.metadata",
    "ai.telemetry.metadata",
)
# Langfuse bounds the array slots that flattened keys (``gen_ai.prompt.9999.content``) may
# make, so that one attribute cannot make a huge sparse list.
MAX_RECONSTRUCTED_ARRAY_SLOTS = 10_001
_INDEX = re.compile(r"^\d+$")
_DANGEROUS_KEYS = frozenset({"__proto__", "constructor", "prototype"})
_INPUT_MESSAGE_EVENTS = frozenset(
    {
        "gen_ai.system.message",
        "gen_ai.user.message",
        "gen_ai.assistant.message",
        "gen_ai.tool.message",
    }
)


def truthy(value: Any) -> bool:
    """JavaScript truthiness: empty lists and objects are true, ``0`` and ``""`` false."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0 and value == value  # NaN is falsy
    return True


def json_text(value: Any) -> str:
    """``JSON.stringify(value)``."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def parse_json_payload(payload: Any) -> Any:
    """An object as it is, JSON text parsed, anything else None (``parseJsonPayload``)."""
    if isinstance(payload, (dict, list)):
        return payload
    if isinstance(payload, str):
        try:
            return json.loads(payload)
        except (ValueError, RecursionError):
            return None
    return None


def as_text(value: Any) -> str:
    """A value as Langfuse writes it into a text field: text as it is, else its JSON."""
    return value if isinstance(value, str) else json_text(value)


def first_text(attributes: Attributes, keys: list[str] | tuple[str, ...]) -> str | None:
    """The first of ``keys`` with a truthy value, as text."""
    for key in keys:
        if truthy(attributes.get(key)):
            return as_text(attributes[key])
    return None


def metadata_attributes(attributes: Attributes) -> dict[str, str]:
    """The span attributes no instrumentation reads as input or output, as text."""
    return {
        key: as_text(value)
        for key, value in attributes.items()
        if key not in _IO_KEYS and not key.startswith(_IO_PREFIXES)
    }


def input_and_output(
    attributes: Attributes,
    events: list[SpanEvent],
    scope_name: str,
    *,
    for_trace: bool = False,
) -> tuple[Any, Any]:
    """The input and output Langfuse reads from a span (for its trace, ``for_trace``)."""
    get = attributes.get
    # Langfuse's own
    if for_trace and truthy(get("langfuse.trace.input")):
        found_input = get("langfuse.trace.input")
    else:
        found_input = get("langfuse.observation.input")
    if for_trace and truthy(get("langfuse.trace.output")):
        found_output = get("langfuse.trace.output")
    else:
        found_output = get("langfuse.observation.output")
    if found_input is not None or found_output is not None:
        return found_input, found_output

    if scope_name == "genkit-tracer":
        return _genkit(attributes)
    if scope_name == "ai":
        return _ai_sdk(attributes)
    if scope_name == "@flue/opentelemetry":
        flue = _flue(attributes)
        if flue is not None:
            return flue

    # GenAI semantic conventions 1.37+: messages on an operation-details span event
    for event in events:
        if event.name == "gen_ai.client.inference.operation.details":
            gen_ai = _gen_ai_messages(event.attributes)
            if gen_ai is not None:
                return gen_ai

    input_events = [event for event in events if event.name in _INPUT_MESSAGE_EVENTS]
    output_events = [event for event in events if event.name == "gen_ai.choice"]
    if input_events or output_events:
        messages = [
            {"role": event.name.replace("gen_ai.", "").replace(".message", ""), **event.attributes}
            for event in input_events
        ] or None
        choices = [dict(event.attributes) for event in output_events] or None
        return messages, choices[0] if choices and len(choices) == 1 else choices

    # Semantic Kernel's older events
    prompt = next((event for event in events if event.name == "gen_ai.content.prompt"), None)
    completion = next((e for e in events if e.name == "gen_ai.content.completion"), None)
    if prompt is not None or completion is not None:
        prompt_attributes = dict(prompt.attributes) if prompt else {}
        completion_attributes = dict(completion.attributes) if completion else {}
        event_input, _ = input_and_output(prompt_attributes, [], scope_name)
        _, event_output = input_and_output(completion_attributes, [], scope_name)
        return (
            event_input if truthy(event_input) else prompt_attributes,
            event_output if truthy(event_output) else completion_attributes,
        )

    # Google's Agent Development Kit: {} where a tool call carries its own
    found_input, found_output = (
        get("gcp.vertex.agent.llm_request"),
        get("gcp.vertex.agent.llm_response"),
    )
    if found_input == "{}" or not truthy(found_input):
        found_input = get("gcp.vertex.agent.tool_call_args")
    if found_output == "{}" or not truthy(found_output):
        found_output = get("gcp.vertex.agent.tool_response")
    if truthy(found_input) or truthy(found_output):
        return found_input, found_output

    for input_key, output_key in (("prompt", "all_messages_events"),):  # Logfire
        if truthy(get(input_key)) or truthy(get(output_key)):
            return get(input_key), get(output_key)

    # LiveKit
    found_input = first_defined(get("lk.input_text"), get("lk.user_transcript"), get("lk.chat_ctx"))
    found_output = get("lk.function_tool.output")
    if not truthy(found_output):
        found_output = get("lk.response.text")
    if truthy(found_input) or truthy(found_output):
        return found_input, found_output

    logfire_events = _logfire_events(get("events"))
    if logfire_events is not None:
        return logfire_events

    for input_key, output_key in (
        ("mlflow.spanInputs", "mlflow.spanOutputs"),
        ("traceloop.entity.input", "traceloop.entity.output"),
        ("input.value", "output.value"),  # SmolAgents, OpenInference
        ("input", "output"),  # Pydantic, Pipecat
    ):
        if truthy(get(input_key)) or truthy(get(output_key)):
            return get(input_key), get(output_key)

    if scope_name == "pydantic-ai":
        found_input = first_defined(get("pydantic_ai.all_messages"))
        found_output = first_defined(get("final_result"))
        if truthy(found_input) and truthy(get("gen_ai.system_instructions")):
            found_input = prepend_system_instructions(
                found_input, get("gen_ai.system_instructions")
            )
        if truthy(found_input) or truthy(found_output):
            return found_input, found_output

    if truthy(get("tool_arguments")) or truthy(get("tool_response")):  # Pydantic AI tools
        return get("tool_arguments"), get("tool_response")

    # OpenLLMetry (Traceloop) and OpenInference: messages flattened into indexed keys
    for input_prefix, output_prefix in (
        ("gen_ai.prompt", "gen_ai.completion"),
        ("llm.input_messages", "llm.output_messages"),
    ):
        flat_input = {k: v for k, v in attributes.items() if k.startswith(input_prefix)}
        flat_output = {k: v for k, v in attributes.items() if k.startswith(output_prefix)}
        if flat_input or flat_output:
            return nested(flat_input, input_prefix), nested(flat_output, output_prefix)

    gen_ai = _gen_ai_messages(attributes)
    return gen_ai if gen_ai is not None else (None, None)


def first_defined(*values: Any) -> Any:
    """The first value that is not None (JavaScript's ``??``)."""
    return next((value for value in values if value is not None), None)


def _genkit(attributes: Attributes) -> tuple[Any, Any]:
    raw_input, raw_output = attributes.get("genkit:input"), attributes.get("genkit:output")
    genkit_input = first_defined(parse_json_payload(raw_input), raw_input)
    genkit_output = first_defined(parse_json_payload(raw_output), raw_output)
    if genkit_input is None and genkit_output is None:
        return None, None
    # a model span's messages and message; a flow's whole objects
    found_input = genkit_input.get("messages") if isinstance(genkit_input, dict) else None
    found_output = genkit_output.get("message") if isinstance(genkit_output, dict) else None
    return first_defined(found_input, genkit_input), first_defined(found_output, genkit_output)


def _ai_sdk(attributes: Attributes) -> tuple[Any, Any]:
    """The Vercel AI SDK's ``ai.*`` attributes."""
    found_input = next(
        (
            attributes[k]
            for k in ("ai.prompt.messages", "ai.prompt", "ai.toolCall.args")
            if k in attributes
        ),
        None,
    )
    found_output: Any
    if "ai.response.text" in attributes and "ai.response.toolCalls" in attributes:
        found_output = json_text(
            {
                "role": "assistant",
                "content": attributes["ai.response.text"],
                "tool_calls": attributes["ai.response.toolCalls"],
            }
        )
    elif "ai.response.text" in attributes and truthy(attributes["ai.response.text"]):
        found_output = attributes["ai.response.text"]
    else:
        found_output = next(
            (
                attributes[key]
                for key in (
                    "ai.result.text",
                    "ai.toolCall.result",
                    "ai.response.object",
                    "ai.result.object",
                    "ai.response.toolCalls",
                    "ai.result.toolCalls",
                )
                if key in attributes
            ),
            None,
        )
    gen_ai = _gen_ai_messages(attributes) or (None, None)
    return first_defined(found_input, gen_ai[0]), first_defined(found_output, gen_ai[1])


def _flue(attributes: Attributes) -> tuple[Any, Any] | None:
    found_input = first_defined(
        *(
            attributes.get(k)
            for k in (
                "flue.turn.input",
                "flue.tool.arguments",
                "flue.task.prompt",
                "flue.workflow.payload",
            )
        )
    )
    found_output = first_defined(
        *(
            attributes.get(k)
            for k in (
                "flue.turn.output",
                "flue.tool.result",
                "flue.task.result",
                "flue.operation.result",
                "flue.workflow.result",
            )
        )
    )
    if found_input is None and found_output is None:
        return None
    return (
        first_defined(parse_json_payload(found_input), found_input),
        first_defined(parse_json_payload(found_output), found_output),
    )


def _logfire_events(raw: Any) -> tuple[Any, Any] | None:
    """Logfire's one ``events`` array of GenAI events."""
    if not isinstance(raw, (str, list)):
        return None
    events: Any = raw
    if isinstance(raw, str):
        try:
            events = json.loads(raw)
        except (ValueError, RecursionError):
            events = []
    if not isinstance(events, list):
        return None
    choice = next(
        (e for e in events if isinstance(e, dict) and e.get("event.name") == "gen_ai.choice"), None
    )
    inputs = [
        e for e in events if not (isinstance(e, dict) and e.get("event.name") == "gen_ai.choice")
    ]
    if choice is None and not inputs:
        return None
    return inputs or None, choice


def _gen_ai_messages(attributes: Attributes) -> tuple[Any, Any] | None:
    """GenAI semantic conventions: messages, else a tool call's arguments and result."""
    found_input, found_output = (
        attributes.get("gen_ai.input.messages"),
        attributes.get("gen_ai.output.messages"),
    )
    if truthy(found_input) and truthy(attributes.get("gen_ai.system_instructions")):
        found_input = prepend_system_instructions(
            found_input, attributes["gen_ai.system_instructions"]
        )
    if truthy(found_input) or truthy(found_output):
        return found_input, found_output
    found_input = attributes.get("gen_ai.tool.call.arguments")
    found_output = attributes.get("gen_ai.tool.call.result")
    if truthy(found_input) or truthy(found_output):
        return found_input, found_output
    return None


def prepend_system_instructions(messages_value: Any, instructions: Any) -> Any:
    """Messages with ``instructions`` first as a system message, unless they have one."""
    try:
        messages = json.loads(messages_value) if isinstance(messages_value, str) else messages_value
    except (ValueError, RecursionError):
        return messages_value
    if not isinstance(messages, list):
        return messages_value
    if any(isinstance(m, dict) and m.get("role") == "system" for m in messages):
        return messages_value
    try:
        parsed = json.loads(instructions) if isinstance(instructions, str) else instructions
    except (ValueError, RecursionError):
        parsed = instructions
    if isinstance(parsed, list):
        content = "\n".join(
            js_string(part["content"])
            if isinstance(part, dict) and truthy(part.get("content"))
            else js_string(part)
            for part in parsed
        )
    else:
        content = js_string(parsed)
    merged = [{"role": "system", "content": content}, *messages]
    return json_text(merged) if isinstance(messages_value, str) else merged


def js_string(value: Any) -> str:
    """JavaScript's ``String(value)``."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, list):
        return ",".join("" if v is None else js_string(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _ArraySlotBudget:
    """The array slots flattened keys may make, reserved key by key (``ArraySlotBudget``)."""

    def __init__(self, max_slots: int) -> None:
        self._max = max_slots
        self._used = 0
        self._lengths: dict[str, int] = {}

    def reserve(self, parts: list[str]) -> bool:
        pending: dict[str, int] = {}
        additional = 0
        for index, segment in enumerate(parts):
            if not _INDEX.match(segment):
                continue
            path = ".".join(parts[:index])
            previous = pending.get(path, self._lengths.get(path, 0))
            required = int(segment) + 1
            if required > previous:
                additional += required - previous
                pending[path] = required
        if self._used + additional > self._max:
            return False
        self._used += additional
        self._lengths.update(pending)
        return True


def nested(flat: dict[str, Any], prefix: str) -> Any:
    """Flattened keys under ``prefix`` as the list or object they flatten
    (``convertKeyPathToNestedObject``): ``prefix.0.role`` is ``[{"role": …}]``."""
    if truthy(flat.get(prefix)):
        return flat[prefix]
    budget = _ArraySlotBudget(MAX_RECONSTRUCTED_ARRAY_SLOTS)
    keys = []
    for full_key in flat:
        key = full_key.replace(prefix + ".", "", 1)
        if budget.reserve(key.split(".")):
            keys.append(key)
    if any(re.match(r"^\d+\.", key) for key in keys):
        slots: list[Any] = []
        for key in keys:
            parts = key.split(".")
            index = int(parts[0]) if _INDEX.match(parts[0]) else None
            if index is None:
                continue  # a key that is not indexed has no place in a list
            while len(slots) <= index:
                slots.append(None)
            if not isinstance(slots[index], dict):
                slots[index] = {}
            _set_path(slots[index], parts[1:], flat[f"{prefix}.{key}"])
        return slots
    result: dict[str, Any] = {}
    for key in keys:
        _set_path(result, key.split("."), flat.get(f"{prefix}.{key}"))
    return result


def _set_path(target: Any, path: list[str], value: Any) -> None:
    if not path:
        return
    current = target
    for position, key in enumerate(path[:-1]):
        if key in _DANGEROUS_KEYS:
            return
        following_is_index = bool(_INDEX.match(path[position + 1]))
        current = _child(current, key, [] if following_is_index else {})
        if current is None:
            return
    last = path[-1]
    if last in _DANGEROUS_KEYS:
        return
    _assign(current, last, value)


def _child(container: Any, key: str, empty: Any) -> Any:
    if isinstance(container, list):
        if not _INDEX.match(key):
            return None
        index = int(key)
        while len(container) <= index:
            container.append(None)
        if container[index] is None:
            container[index] = empty
        return container[index] if isinstance(container[index], (dict, list)) else None
    if isinstance(container, dict):
        if key not in container:
            container[key] = empty
        child = container[key]
        return child if isinstance(child, (dict, list)) else None
    return None


def _assign(container: Any, key: str, value: Any) -> None:
    if isinstance(container, list):
        if _INDEX.match(key):
            index = int(key)
            while len(container) <= index:
                container.append(None)
            container[index] = value
    elif isinstance(container, dict):
        container[key] = value
