import json

import pytest
from app import ask, langfuse

from conftest import traces_of_test


def test_an_agent_run_shows_the_agent_its_model_calls_and_its_tool(mockfuse, question):
    assert ask(question) == f"echo: {question}"
    langfuse.flush()
    [trace] = mockfuse.wait_for(traces=1).traces
    assert trace["name"] == "Agent workflow"
    by_name = {}
    for observation in sorted(trace["observations"], key=lambda o: o["startTime"]):
        by_name.setdefault((observation["type"], observation["name"]), []).append(observation)
    [agent] = by_name[("AGENT", "weather-agent")]
    [tool] = by_name[("TOOL", "get_weather")]
    calls = by_name[("GENERATION", "generation")]
    assert len(calls) == 2
    assert (tool["input"], tool["output"]) == ({"city": "Paris"}, "sunny in Paris")
    assert [c["model"] for c in calls] == ["gpt-4o-mini", "gpt-4o-mini"]
    assert question in json.dumps(calls[0]["input"]) and "sunny" not in json.dumps(
        calls[0]["input"]
    )
    assert "sunny in Paris" in json.dumps(calls[1]["input"])  # the tool's result, sent back
    for call in calls:
        assert call["usageDetails"] == {"input": 12, "output": 5, "total": 17}
        # Priced as Langfuse prices gpt-4o-mini: $0.15 and $0.60 per million tokens.
        assert call["costDetails"] == pytest.approx(
            {"input": 1.8e-06, "output": 3e-06, "total": 4.8e-06}
        )
    # The model calls and the tool ran inside the agent (through its turns).
    parents = {o["id"]: o["parentObservationId"] for o in trace["observations"]}

    def ancestors(observation_id):
        while observation_id is not None:
            observation_id = parents.get(observation_id)
            yield observation_id

    assert all(agent["id"] in ancestors(o["id"]) for o in [tool, *calls])
    mockfuse.assert_snapshot()


def test_sends_without_flushing(mockfuse, question):
    # No flush: the Langfuse client still holds this run's spans when the test ends.
    ask(question)


def test_sees_nothing_of_the_test_before(mockfuse, question):
    ask(question)
    langfuse.flush()
    [trace] = mockfuse.wait_for(traces=1).traces
    assert question in json.dumps(trace["observations"])
    [earlier] = traces_of_test(mockfuse, "test_first.py::test_sends_without_flushing", wait_for=1)
    assert "test_sends_without_flushing" in json.dumps(earlier["observations"])
