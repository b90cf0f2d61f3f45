import json

from app import chat

from conftest import only_trace, traces_of_test


def logged_generation(mockfuse, name, question):
    mockfuse.wait_for(predicate=lambda m: len(m.observations) == 1, timeout=10)
    trace = only_trace(mockfuse, name, question)
    [generation] = trace["observations"]
    return trace, generation


def test_a_completion_logs_one_generation(mockfuse, question):
    assert chat(question) == f"answer to {question}"
    _, generation = logged_generation(mockfuse, "chat", question)
    assert (generation["name"], generation["model"]) == ("reply", "gpt-4o-mini")
    mockfuse.assert_snapshot()


def test_trace_metadata_reaches_the_trace(mockfuse, question):
    chat(question, trace_user_id="user-7", session_id="chat-1", tags=["support"])
    trace, _ = logged_generation(mockfuse, "chat", question)
    assert (trace["userId"], trace["sessionId"], trace["tags"]) == ("user-7", "chat-1", ["support"])
    mockfuse.assert_snapshot()


def test_usage_is_counted(mockfuse, question):
    chat(question)
    _, generation = logged_generation(mockfuse, "chat", question)
    usage = generation["usageDetails"]
    assert usage["input"] > 0 and usage["output"] > 0
    assert usage["total"] == usage["input"] + usage["output"]


def test_sends_without_waiting(mockfuse, question):
    # No wait: LiteLLM's callback and the SDK may still hold it as the test ends.
    assert chat(question) == f"answer to {question}"


def test_sees_nothing_of_the_test_before(mockfuse, question):
    chat(question)
    logged_generation(mockfuse, "chat", question)
    [earlier] = traces_of_test(mockfuse, "test_first.py::test_sends_without_waiting", wait_for=1)
    assert "test_sends_without_waiting" in json.dumps(earlier["input"])
