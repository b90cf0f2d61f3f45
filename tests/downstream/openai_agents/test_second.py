import json

from app import ask, langfuse


def test_each_run_is_a_trace_of_its_own(mockfuse, question):
    ask(question)
    ask(question + " again")
    langfuse.flush()
    traces = mockfuse.wait_for(traces=2).traces
    asked = [question + " again" in json.dumps(t["observations"]) for t in traces]
    assert sorted(asked) == [False, True]
    mockfuse.assert_snapshot()


def test_the_agents_instructions_lead_its_model_calls(mockfuse, question):
    ask(question)
    langfuse.flush()
    [trace] = mockfuse.wait_for(traces=1).traces
    calls = [o for o in trace["observations"] if o["type"] == "GENERATION"]
    assert calls and all(
        c["input"][0] == {"content": "Answer briefly.", "role": "system"} for c in calls
    )
