from app import ask, greeting, guarded
from langfuse.decorators import langfuse_context

from conftest import only_trace


def test_an_exception_is_an_error_observation(mockfuse, question):
    assert guarded(question) == "sorry"
    langfuse_context.flush()
    trace = only_trace(mockfuse, "guarded", question)
    [observation] = trace["observations"]
    assert observation["level"] == "ERROR"
    assert question in observation["statusMessage"]
    mockfuse.assert_snapshot()


def asked_with_prompt(mockfuse, question, text):
    mockfuse.add_prompt("greeting", text)
    assert greeting() == text
    ask(question)
    langfuse_context.flush()
    only_trace(mockfuse, "ask", question)


def test_a_prompt_this_test_added(mockfuse, question):
    asked_with_prompt(mockfuse, question, "Hello from the first prompt test")


def test_a_prompt_is_not_served_from_the_last_tests_cache(mockfuse, question):
    asked_with_prompt(mockfuse, question, "Hello from the second prompt test")
