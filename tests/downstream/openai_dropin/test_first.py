import json

from app import ask, flush

from conftest import only_trace, traces_of_test


def test_a_completion_is_a_priced_generation(mockfuse, question):
    assert ask(question) == f"echo: {question}"
    flush()
    trace = only_trace(mockfuse, "ask", question)
    [generation] = trace["observations"]
    assert (generation["type"], generation["model"]) == ("GENERATION", "gpt-4o-mini")
    assert generation["usageDetails"] == {"input": 12, "output": 5, "total": 17}
    assert generation["calculatedTotalCost"] > 0  # priced as Langfuse prices gpt-4o-mini
    mockfuse.assert_snapshot()


def test_metadata_reaches_the_generation(mockfuse, question):
    ask(question, team="support")
    flush()
    [generation] = only_trace(mockfuse, "ask", question)["observations"]
    assert generation["metadata"]["team"] == "support"
    mockfuse.assert_snapshot()


def test_sends_without_waiting(mockfuse, question):
    # No flush: the client may still hold the generation as the test ends.
    assert ask(question) == f"echo: {question}"


def test_sees_nothing_of_the_test_before(mockfuse, question):
    ask(question)
    flush()
    only_trace(mockfuse, "ask", question)
    [earlier] = traces_of_test(mockfuse, "test_first.py::test_sends_without_waiting", wait_for=1)
    assert "test_sends_without_waiting" in json.dumps(earlier["input"])
