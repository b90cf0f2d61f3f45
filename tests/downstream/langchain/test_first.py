import json

from app import ask, flush

from conftest import traces_of_test


def test_a_chain_is_one_trace_with_its_steps(mockfuse, question):
    assert ask(question) == "Paris"
    flush()
    [trace] = mockfuse.wait_for(traces=1, timeout=10).traces
    assert trace["name"] == "capital"
    steps = json.dumps(trace["observations"])
    for step in ("ChatPromptTemplate", "FakeListChatModel", "StrOutputParser"):
        assert step in steps
    assert question in json.dumps(trace["input"])
    mockfuse.assert_snapshot()


def test_metadata_names_the_user_and_session(mockfuse, question):
    ask(question, langfuse_user_id="user-7", langfuse_session_id="chat-1")
    flush()
    [trace] = mockfuse.wait_for(traces=1, timeout=10).traces
    assert (trace["userId"], trace["sessionId"]) == ("user-7", "chat-1")
    mockfuse.assert_snapshot()


def test_sends_without_waiting(mockfuse, question):
    # No flush: the handler's client may still hold the trace as the test ends.
    assert ask(question) == "Paris"


def test_sees_nothing_of_the_test_before(mockfuse, question):
    ask(question)
    flush()
    [trace] = mockfuse.wait_for(traces=1, timeout=10).traces
    assert question in json.dumps(trace["input"])
    [earlier] = traces_of_test(mockfuse, "test_first.py::test_sends_without_waiting", wait_for=1)
    assert "test_sends_without_waiting" in json.dumps(earlier["input"])
