import json

from app import ask
from langfuse import get_client

from conftest import only_trace, traces_of_test


def test_observe_nests_spans_under_one_trace(mockfuse, question):
    assert ask(question) == f"answer to {question}"
    get_client().flush()
    trace = only_trace(mockfuse, "ask", question)
    assert sorted(o["name"] for o in trace["observations"]) == ["ask", "lookup", "reply"]
    mockfuse.assert_snapshot()


def test_propagated_attributes_reach_the_trace(mockfuse, question):
    ask(question, user_id="user-7")
    get_client().flush()
    trace = only_trace(mockfuse, "ask", question)
    assert (trace["userId"], trace["sessionId"]) == ("user-7", "chat-1")
    mockfuse.assert_snapshot()


def test_score_current_trace(mockfuse, question):
    ask(question, helpful=True)
    get_client().flush()
    mockfuse.wait_for(predicate=lambda m: len(m.scores) == 1, timeout=10)
    trace = only_trace(mockfuse, "ask", question)
    assert [(s["name"], s["value"], s["traceId"]) for s in mockfuse.scores] == [
        ("helpful", 1.0, trace["id"])
    ]
    mockfuse.assert_snapshot()


def test_sends_without_flushing(mockfuse, question):
    # No flush: the span processor still holds this trace when the test ends.
    assert ask(question) == f"answer to {question}"


def test_sees_nothing_of_the_test_before(mockfuse, question):
    ask(question)
    get_client().flush()
    only_trace(mockfuse, "ask", question)
    # The trace the test before never flushed went to that test, not lost and not here.
    [earlier] = traces_of_test(mockfuse, "test_first.py::test_sends_without_flushing", wait_for=1)
    assert "test_sends_without_flushing" in json.dumps(earlier["input"])
