from app import langfuse, summarize

from conftest import only_trace


def test_two_summaries_two_traces(mockfuse, question):
    summarize(f"{question} (1)")
    summarize(f"{question} (2)")
    langfuse.flush()
    mockfuse.wait_for(traces=2, timeout=10)
    assert sorted(t["input"] for t in mockfuse.traces) == [f"{question} (1)", f"{question} (2)"]


def test_a_prompt_added_in_this_test(mockfuse, question):
    mockfuse.add_prompt("summary-style", "Summarize in one line")
    assert langfuse.get_prompt("summary-style").prompt == "Summarize in one line"
    summarize(question)
    langfuse.flush()
    only_trace(mockfuse, "summarize", question)
