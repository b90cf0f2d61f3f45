import json

from app import ask_streaming, flush, weather_agent


def test_a_tool_loop_nests_both_calls_under_the_agent(mockfuse, question):
    assert weather_agent(question) == "echo: " + question
    flush()
    [trace] = mockfuse.wait_for(traces=1, timeout=10).traces
    assert trace["name"] == "weather-agent"
    by_name = {o["name"]: o for o in trace["observations"]}
    agent, plan, reply = by_name["weather-agent"], by_name["plan"], by_name["reply"]
    assert plan["parentObservationId"] == reply["parentObservationId"] == agent["id"]
    asked = plan["output"]["tool_calls"][0]["id"]
    # The tool's answer, sent back to the model, names the call it answers.
    assert asked in json.dumps(reply["input"])
    mockfuse.assert_snapshot()


def test_a_stream_is_one_generation_with_its_usage(mockfuse, question):
    assert ask_streaming(question) == f"echo: {question}"
    flush()
    [trace] = mockfuse.wait_for(traces=1, timeout=10).traces
    [generation] = trace["observations"]
    assert generation["usageDetails"]["total"] == 17
    assert generation["completionStartTime"] is not None
    mockfuse.assert_snapshot()
