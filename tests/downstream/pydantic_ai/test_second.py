import asyncio
import json

from app import ask, ask_async, provider


def test_each_run_is_a_trace_of_its_own(mockfuse, question):
    ask(question)
    asyncio.run(ask_async(question + " again"))
    provider.force_flush()
    traces = mockfuse.wait_for(traces=2).traces
    assert [t["name"] for t in traces] == ["weather-agent run", "weather-agent run"]
    asked = [question + " again" in json.dumps(t["input"]) for t in traces]
    assert sorted(asked) == [False, True]
    mockfuse.assert_snapshot()


def test_the_system_prompt_leads_the_agents_input(mockfuse, question):
    ask(question)
    provider.force_flush()
    [trace] = mockfuse.wait_for(traces=1).traces
    [agent] = [o for o in trace["observations"] if o["type"] == "AGENT"]
    assert agent["input"][0]["role"] == "system"
    assert agent["input"][0]["parts"][0]["content"] == "Answer briefly."
