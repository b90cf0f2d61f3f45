import json

import pytest
from app import CHAT_SPAN, ask, provider, weather_agent

from conftest import traces_of_test


def test_a_chat_completion_is_a_priced_generation(mockfuse, question):
    assert ask(question) == f"echo: {question}"
    provider.force_flush()
    [trace] = mockfuse.wait_for(traces=1).traces
    [generation] = trace["observations"]
    assert (generation["type"], generation["name"], generation["model"]) == (
        "GENERATION",
        CHAT_SPAN,
        "gpt-4o-mini",
    )
    assert generation["modelParameters"]["temperature"] == 0.2
    assert generation["usageDetails"] == {"input": 12, "output": 5, "total": 17}
    # Priced as Langfuse prices gpt-4o-mini: $0.15 and $0.60 per million tokens.
    assert generation["costDetails"] == pytest.approx(
        {"input": 1.8e-06, "output": 3e-06, "total": 4.8e-06}
    )
    assert question in json.dumps(generation["input"])
    assert f"echo: {question}" in json.dumps(generation["output"])
    mockfuse.assert_snapshot()


def test_a_tool_loop_nests_two_generations_under_the_apps_span(mockfuse, question):
    assert weather_agent(question) == f"echo: {question}"
    provider.force_flush()
    [trace] = mockfuse.wait_for(traces=1).traces
    assert trace["name"] == "weather-agent"
    [agent] = [o for o in trace["observations"] if o["type"] == "SPAN"]
    calls = sorted(
        (o for o in trace["observations"] if o["type"] == "GENERATION"),
        key=lambda o: o["startTime"],
    )
    assert [o["parentObservationId"] for o in calls] == [agent["id"], agent["id"]]
    first, second = (json.dumps(o["input"]) for o in calls)
    assert "get_weather" in first  # the tools offered, in the input as Langfuse shows them
    assert "get_weather" in json.dumps(calls[0]["output"])  # the model's tool call
    assert "sunny" in second and "sunny" not in first  # the tool's result, sent back
    mockfuse.assert_snapshot()


def test_sends_without_flushing(mockfuse, question):
    # No flush: the batch processor still holds this span when the test ends.
    assert ask(question) == f"echo: {question}"


def test_sees_nothing_of_the_test_before(mockfuse, question):
    ask(question)
    provider.force_flush()
    [trace] = mockfuse.wait_for(traces=1).traces
    assert question in json.dumps(trace["observations"][0]["input"])
    [earlier] = traces_of_test(mockfuse, "test_first.py::test_sends_without_flushing", wait_for=1)
    assert "test_sends_without_flushing" in json.dumps(earlier["observations"])
