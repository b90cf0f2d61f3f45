import json

from app import ask, langfuse

# OpenInference records the client's base URL; the fake OpenAI server's port changes
# each run.
FAKE_SERVER_URL = ["*llm.invocation_parameters", "*modelParameters.base_url"]


def test_each_run_is_a_trace_of_its_own(mockfuse, question):
    ask(question)
    ask(question + " again")
    langfuse.flush()
    traces = mockfuse.wait_for(traces=2).traces
    asked = [question + " again" in json.dumps(t["observations"]) for t in traces]
    assert sorted(asked) == [False, True]
    mockfuse.assert_snapshot(ignore=FAKE_SERVER_URL)


def test_the_agents_instructions_lead_its_model_calls(mockfuse, question):
    ask(question)
    langfuse.flush()
    [trace] = mockfuse.wait_for(traces=1).traces
    calls = [o for o in trace["observations"] if o["type"] == "GENERATION"]
    assert calls and all(
        c["input"][0] == {"content": "Answer briefly.", "role": "system"} for c in calls
    )
