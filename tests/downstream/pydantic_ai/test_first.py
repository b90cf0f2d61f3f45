import json

from app import ask, provider

from conftest import traces_of_test


def test_an_agent_run_is_an_agent_with_its_model_calls_and_tool(mockfuse, question):
    assert ask(question) == '{"get_weather":"sunny in a"}'
    provider.force_flush()
    [trace] = mockfuse.wait_for(traces=1).traces
    assert trace["name"] == "weather-agent run"
    by_type: dict[str, list[dict]] = {}
    for observation in sorted(trace["observations"], key=lambda o: o["startTime"]):
        by_type.setdefault(observation["type"], []).append(observation)
    [agent], [tool], calls = by_type["AGENT"], by_type["TOOL"], by_type["GENERATION"]
    assert len(calls) == 2 and set(by_type) == {"AGENT", "TOOL", "GENERATION"}
    assert {o["parentObservationId"] for o in [tool, *calls]} == {agent["id"]}
    # The agent: the whole conversation in, the final result out; no usage of its own
    # (its model calls carry it), as Langfuse shows Pydantic AI's agent span.
    assert question in json.dumps(agent["input"]) and agent["output"] == {
        "get_weather": "sunny in a"
    }
    assert agent["usageDetails"] == {}
    # The tool: named by gen_ai.tool.name, its arguments in, its result out.
    assert (tool["name"], tool["input"], tool["output"]) == (
        "get_weather",
        {"city": "a"},
        "sunny in a",
    )
    # The model calls: the test model, usage from gen_ai.usage.*, the tool offered first.
    assert [c["model"] for c in calls] == ["test", "test"]
    assert all(
        c["usageDetails"]["total"] == c["usageDetails"]["input"] + c["usageDetails"]["output"]
        for c in calls
    )
    assert "get_weather" in json.dumps(calls[0]["input"]["tools"])
    mockfuse.assert_snapshot()


def test_sends_without_flushing(mockfuse, question):
    # No flush: the batch processor still holds this run's spans when the test ends.
    ask(question)


def test_sees_nothing_of_the_test_before(mockfuse, question):
    ask(question)
    provider.force_flush()
    [trace] = mockfuse.wait_for(traces=1).traces
    assert question in json.dumps(trace["input"])
    [earlier] = traces_of_test(mockfuse, "test_first.py::test_sends_without_flushing", wait_for=1)
    assert "test_sends_without_flushing" in json.dumps(earlier["input"])
