"""An app on Langfuse Python SDK 5.x, as Langfuse's docs teach it: `@observe` functions
and the process-wide client from `get_client()`."""

from langfuse import get_client, observe, propagate_attributes


@observe(name="lookup")
def lookup(question: str) -> list[str]:
    return [f"doc about {question}"]


@observe(name="reply", as_type="generation")
def reply(question: str, docs: list[str]) -> str:
    get_client().update_current_generation(
        model="gpt-4o-mini", usage_details={"input": 10, "output": 4}
    )
    return f"answer to {question}"


@observe(name="ask")
def ask(question: str, *, user_id: str | None = None, helpful: bool | None = None) -> str:
    with propagate_attributes(user_id=user_id, session_id="chat-1" if user_id else None):
        result = reply(question, lookup(question))
        if helpful is not None:
            get_client().score_current_trace(name="helpful", value=1.0 if helpful else 0.0)
        return result


@observe(name="ask-async")
async def ask_async(question: str) -> str:
    return reply(question, lookup(question))
