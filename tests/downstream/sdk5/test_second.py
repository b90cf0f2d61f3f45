import pytest
from app import ask, ask_async
from langfuse import get_client

from conftest import only_trace


@pytest.mark.asyncio
async def test_async_observe(mockfuse, question):
    assert await ask_async(question) == f"answer to {question}"
    get_client().flush()
    await mockfuse.wait_for_async(traces=1, timeout=10)
    trace = only_trace(mockfuse, "ask-async", question)
    assert sorted(o["name"] for o in trace["observations"]) == ["ask-async", "lookup", "reply"]
    mockfuse.assert_snapshot()


def asked_with_prompt(mockfuse, question, text):
    mockfuse.add_prompt("greeting", text)
    assert get_client().get_prompt("greeting").prompt == text
    ask(question)
    get_client().flush()
    only_trace(mockfuse, "ask", question)


def test_a_prompt_this_test_added(mockfuse, question):
    asked_with_prompt(mockfuse, question, "Hello from the first prompt test")


def test_a_prompt_is_not_served_from_the_last_tests_cache(mockfuse, question):
    asked_with_prompt(mockfuse, question, "Hello from the second prompt test")
