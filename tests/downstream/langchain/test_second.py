import json

from app import ask, ask_streaming, flush


def test_each_invocation_is_a_trace_of_its_own(mockfuse, question):
    ask(question)
    ask(question + " again")
    flush()
    traces = mockfuse.wait_for(traces=2, timeout=10).traces
    asked = sorted(json.dumps(t["input"]) for t in traces)
    assert [question + " again" in text for text in asked] in ([False, True], [True, False])
    mockfuse.assert_snapshot()


def test_a_streamed_chain_is_traced_like_an_invoked_one(mockfuse, question):
    assert ask_streaming(question) == "Paris"
    flush()
    [trace] = mockfuse.wait_for(traces=1, timeout=10).traces
    assert trace["name"] == "capital-stream"
    mockfuse.assert_snapshot()
