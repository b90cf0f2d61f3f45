"""An app on Langfuse Python SDK 2.x, as Langfuse's docs taught it: `@observe` functions
and `langfuse_context`, whose client is made once, from the environment, at first use."""

from langfuse.decorators import langfuse_context, observe


@observe(name="lookup")
def lookup(question: str) -> list[str]:
    return [f"doc about {question}"]


@observe(name="reply", as_type="generation")
def reply(question: str, docs: list[str]) -> str:
    langfuse_context.update_current_observation(
        model="gpt-4o-mini", usage={"input": 10, "output": 4}
    )
    return f"answer to {question}"


@observe(name="ask")
def ask(question: str, *, user_id: str | None = None, helpful: bool | None = None) -> str:
    if user_id is not None:
        langfuse_context.update_current_trace(user_id=user_id, session_id="chat-1")
    result = reply(question, lookup(question))
    if helpful is not None:
        langfuse_context.score_current_trace(name="helpful", value=1.0 if helpful else 0.0)
    return result


@observe(name="fragile")
def fragile(question: str) -> str:
    raise ValueError(f"cannot answer {question}")


@observe(name="guarded")
def guarded(question: str) -> str:
    try:
        return fragile(question)
    except ValueError:
        return "sorry"


def greeting() -> str:
    return langfuse_context.client_instance.get_prompt("greeting").prompt
