"""Tool definitions an instrumentation left in a span's metadata, moved into the
observation's input as Langfuse's ``normalizeToolMetadataForObservation``
(``packages/shared/src/server/ingestion/extractToolsBackend.ts``) moves them: the Vercel AI
SDK's ``ai.prompt.tools``, GenAI's ``gen_ai.tool.definitions``, Pydantic AI's
``model_request_parameters.function_tools`` and OpenInference's ``llm.tools.N.tool.json_schema``.
"""

from __future__ import annotations

import json
import re
from typing import Any

_TOOL_KEYS = re.compile(
    r'"(?:ai\.prompt\.tools|gen_ai\.tool\.definitions|model_request_parameters|llm\.tools\.\d+\.tool\.json_schema)"\s*:'
)
_INDEXED_TOOL = re.compile(r"^llm\.tools\.(\d+)\.tool\.json_schema$")


def _parsed(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return value
    return value


def _tool_name(tool: Any) -> Any:
    tool = _parsed(tool)
    if not isinstance(tool, dict):
        return None
    function = tool.get("function")
    data = function if isinstance(function, dict) else tool
    return data.get("name")


def _tool_like(tool: Any, *, allow_provider_tool: bool) -> bool:
    tool = _parsed(tool)
    if not isinstance(tool, dict):
        return False
    if _tool_name(tool):
        return True
    return allow_provider_tool and isinstance(tool.get("type"), str)


def _tool_list(
    tools: Any, *, every_item: bool = False, allow_provider_tool: bool = True
) -> list[Any] | None:
    if isinstance(tools, str):
        try:
            tools = json.loads(tools)
        except (ValueError, RecursionError):
            return None
    if not isinstance(tools, list):
        return None
    tools = [_parsed(tool) for tool in tools]
    if not tools:
        return []
    kept = [tool for tool in tools if _tool_like(tool, allow_provider_tool=allow_provider_tool)]
    if every_item and len(kept) != len(tools):
        return None
    return kept or None


def _deduplicated(tools: list[Any]) -> list[Any]:
    seen: set[str] = set()
    kept = []
    for tool in tools:
        name = _tool_name(tool)
        if name:
            if name in seen:
                continue
            seen.add(name)
        kept.append(tool)
    return kept


def _moved_tools(metadata: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    tools: list[Any] = []
    cleaned = dict(metadata)
    own = _tool_list(metadata.get("tools"), every_item=True, allow_provider_tool=False)
    if own:
        tools += own
        del cleaned["tools"]
    raw = metadata.get("attributes")
    if isinstance(raw, str) and not _TOOL_KEYS.search(raw):
        return _deduplicated(tools), cleaned
    attributes = _parsed(raw)
    if not isinstance(attributes, dict):
        return _deduplicated(tools), cleaned
    remaining = dict(attributes)
    for key, allow_provider_tool in (("ai.prompt.tools", True), ("gen_ai.tool.definitions", False)):
        found = _tool_list(
            attributes.get(key), every_item=True, allow_provider_tool=allow_provider_tool
        )
        if found is not None:
            tools += found
            remaining.pop(key, None)
    parameters = _parsed(attributes.get("model_request_parameters"))
    if isinstance(parameters, dict):
        function_tools = _tool_list(
            parameters.get("function_tools"), every_item=True, allow_provider_tool=False
        )
        left = dict(parameters)
        if function_tools is not None:
            tools += function_tools
            left.pop("function_tools", None)
        if left:
            original = attributes["model_request_parameters"]
            remaining["model_request_parameters"] = (
                json.dumps(left, separators=(",", ":")) if isinstance(original, str) else left
            )
        else:
            remaining.pop("model_request_parameters", None)
    indexed = sorted(
        (int(match.group(1)), key)
        for key in attributes
        if (match := _INDEXED_TOOL.match(key)) is not None
    )
    for _, key in indexed:
        tool = _parsed(attributes[key])
        if _tool_like(tool, allow_provider_tool=False):
            tools.append(tool)
            remaining.pop(key, None)
    if remaining:
        cleaned["attributes"] = remaining
    else:
        cleaned.pop("attributes", None)
    return _deduplicated(tools), cleaned


def _with_tools(value: Any, tools: list[Any]) -> Any:
    """``value`` with ``tools`` added, or None where Langfuse leaves the input as it is."""
    if isinstance(value, list):
        return {"messages": value, "tools": tools}
    if isinstance(value, dict):
        if value.get("tools") is not None:
            existing = _tool_list(value["tools"])
            if existing is None:
                return None
            return {**value, "tools": _deduplicated(existing + tools)}
        return {**value, "tools": tools}
    if value is None:
        return {"tools": tools}
    if isinstance(value, str):
        return {"prompt": value, "tools": tools}
    return None


def tools_into_input(input_value: Any, metadata: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The observation's input and metadata once the tool definitions are moved."""
    tools, cleaned = _moved_tools(metadata)
    if not tools:
        return input_value, metadata
    if isinstance(input_value, str):
        try:
            merged = _with_tools(json.loads(input_value), tools)
        except (ValueError, RecursionError):
            merged = {"prompt": input_value, "tools": tools}
    else:
        merged = _with_tools(input_value, tools)
    if merged is None:
        return input_value, metadata
    return merged, cleaned
