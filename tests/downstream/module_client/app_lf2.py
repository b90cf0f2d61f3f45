"""An app on Langfuse Python SDK 2.x that makes its client at import time, as many do: the
client reads LANGFUSE_* once, when the test module imports this one during collection."""

from langfuse import Langfuse

langfuse = Langfuse()


def summarize(text: str, *, rating: float | None = None) -> str:
    trace = langfuse.trace(name="summarize", input=text)
    span = trace.span(name="summarize", input=text)
    summary = text[:40]
    span.generation(
        name="llm", model="gpt-4o-mini", input=text, output=summary, usage={"input": 9, "output": 3}
    )
    span.end(output=summary)
    trace.update(output=summary)
    if rating is not None:
        trace.score(name="rating", value=rating)
    return summary
