import json
import os

from app import langfuse, summarize

from conftest import only_trace, traces_of_test


def test_the_module_level_client_reports_to_mockfuse(mockfuse, question):
    summarize(question)
    langfuse.flush()
    trace = only_trace(mockfuse, "summarize", question)
    assert sorted(o["name"] for o in trace["observations"]) == ["llm", "summarize"]
    mockfuse.assert_snapshot()


def test_the_session_environment_names_mockfuse(mockfuse, question):
    # mockfuse_autostart set these before any conftest or test module was imported.
    assert os.environ["LANGFUSE_HOST"] == os.environ["LANGFUSE_BASE_URL"] == mockfuse.url
    assert os.environ["LANGFUSE_PUBLIC_KEY"] == mockfuse.public_key
    assert langfuse.auth_check()
    summarize(question)
    langfuse.flush()
    only_trace(mockfuse, "summarize", question)


def test_a_score_on_the_trace(mockfuse, question):
    summarize(question, rating=0.5)
    langfuse.flush()
    mockfuse.wait_for(predicate=lambda m: len(m.scores) == 1, timeout=10)
    trace = only_trace(mockfuse, "summarize", question)
    assert [(s["name"], s["value"], s["traceId"]) for s in mockfuse.scores] == [
        ("rating", 0.5, trace["id"])
    ]
    mockfuse.assert_snapshot()


def test_sends_without_flushing(mockfuse, question):
    # No flush: the client still holds this trace when the test ends.
    assert summarize(question) == question[:40]


def test_sees_nothing_of_the_test_before(mockfuse, question):
    summarize(question)
    langfuse.flush()
    only_trace(mockfuse, "summarize", question)
    [earlier] = traces_of_test(mockfuse, "test_first.py::test_sends_without_flushing", wait_for=1)
    assert "test_sends_without_flushing" in json.dumps(earlier["input"])
