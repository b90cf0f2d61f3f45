import json

from app import ask
from langfuse.decorators import langfuse_context

from conftest import only_trace, traces_of_test


def test_observe_nests_spans_under_one_trace(mockfuse, question):
    assert ask(question) == f"answer to {question}"
    langfuse_context.flush()
    trace = only_trace(mockfuse, "ask", question)
    # SDK 2.x: the outermost function is the trace itself, the inner ones its observations.
    assert sorted(o["name"] for o in trace["observations"]) == ["lookup", "reply"]
    mockfuse.assert_snapshot()


def test_trace_attributes_reach_the_trace(mockfuse, question):
    ask(question, user_id="user-7")
    langfuse_context.flush()
    trace = only_trace(mockfuse, "ask", question)
    assert (trace["userId"], trace["sessionId"]) == ("user-7", "chat-1")
    mockfuse.assert_snapshot()


def test_score_current_trace(mockfuse, question):
    ask(question, helpful=True)
    langfuse_context.flush()
    mockfuse.wait_for(predicate=lambda m: len(m.scores) == 1, timeout=10)
    trace = only_trace(mockfuse, "ask", question)
    assert [(s["name"], s["value"], s["traceId"]) for s in mockfuse.scores] == [
        ("helpful", 1.0, trace["id"])
    ]
    mockfuse.assert_snapshot()


def test_sends_without_flushing(mockfuse, question):
    # No flush: the SDK's consumer thread still holds these events when the test ends.
    assert ask(question) == f"answer to {question}"


def test_sees_nothing_of_the_test_before(mockfuse, question):
    ask(question)
    langfuse_context.flush()
    only_trace(mockfuse, "ask", question)
    [earlier] = traces_of_test(mockfuse, "test_first.py::test_sends_without_flushing", wait_for=1)
    assert "test_sends_without_flushing" in json.dumps(earlier["input"])
