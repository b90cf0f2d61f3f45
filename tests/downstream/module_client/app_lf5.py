"""An app on Langfuse Python SDK 5.x that makes its client at import time, as many do: the
client reads LANGFUSE_* once, when the test module imports this one during collection."""

from langfuse import Langfuse

langfuse = Langfuse()


def summarize(text: str, *, rating: float | None = None) -> str:
    with langfuse.start_as_current_observation(name="summarize", input=text) as span:
        with langfuse.start_as_current_observation(
            name="llm", as_type="generation", model="gpt-4o-mini", input=text
        ) as generation:
            summary = text[:40]
            generation.update(output=summary, usage_details={"input": 9, "output": 3})
        span.update(output=summary)
        if rating is not None:
            span.score_trace(name="rating", value=rating)
    return summary
