from app import chat
from test_first import VARYING

from conftest import only_trace


def test_a_trace_id_the_app_chose(mockfuse, question):
    chat(question, trace_id="checkout-42")
    mockfuse.wait_for(predicate=lambda m: len(m.observations) == 1, timeout=10)
    trace = only_trace(mockfuse, "chat", question)
    assert trace["id"] == trace["observations"][0]["traceId"] == "checkout-42"
    mockfuse.assert_snapshot(ignore=VARYING)


def test_two_completions_two_traces(mockfuse, question):
    chat(f"{question} (1)")
    chat(f"{question} (2)")
    mockfuse.wait_for(predicate=lambda m: len(m.observations) == 2, timeout=10)
    assert sorted(t["input"]["messages"][0]["content"] for t in mockfuse.traces) == [
        f"{question} (1)",
        f"{question} (2)",
    ]
