from app import chat

from conftest import only_trace


def test_a_trace_id_the_app_chose(mockfuse, question):
    # OpenTelemetry trace ids are 32 hex digits: LiteLLM takes the app's if it is one.
    chat(question, trace_id="c0ffee00000000000000000000000042")
    mockfuse.wait_for(predicate=lambda m: len(m.observations) == 1, timeout=10)
    trace = only_trace(mockfuse, "chat", question)
    assert trace["id"] == trace["observations"][0]["traceId"] == "c0ffee00000000000000000000000042"
    mockfuse.assert_snapshot()


def test_two_completions_two_traces(mockfuse, question):
    chat(f"{question} (1)")
    chat(f"{question} (2)")
    mockfuse.wait_for(predicate=lambda m: len(m.observations) == 2, timeout=10)
    assert sorted(t["input"]["messages"][0]["content"] for t in mockfuse.traces) == [
        f"{question} (1)",
        f"{question} (2)",
    ]
