"""A user's code on Langfuse Python SDK 5.x: @observe, nested spans, a generation with usage
and cost, an event, scores, trace attributes; then auth_check, prompts (a registered one and a
fallback) and reading the trace back through the SDK's own API client. Prints what it read
as JSON."""

import json

from langfuse import get_client, observe, propagate_attributes

langfuse = get_client()


@observe(name="retrieve")
def retrieve(query: str) -> list[str]:
    langfuse.create_event(name="cache-miss", input={"key": query}, level="WARNING")
    return ["doc-1", "doc-2"]


@observe(name="answer", as_type="generation")
def answer(question: str, docs: list[str]) -> str:
    langfuse.update_current_generation(
        model="gpt-4o-mini",
        usage_details={"input": 12, "output": 8},
        cost_details={"input": 0.00012, "output": 0.00016},
    )
    langfuse.score_current_span(name="relevance", value=0.8)
    return "An LLM observability platform."


@observe(name="qa-pipeline")
def pipeline(question: str) -> str:
    with propagate_attributes(user_id="user-123", session_id="session-abc", tags=["lf5"]):
        docs = retrieve(question)
        result = answer(question, docs)
        langfuse.score_current_trace(name="helpful", value="yes", data_type="CATEGORICAL")
        return result


assert langfuse.auth_check()
prompt = langfuse.get_prompt("movie-critic")
fallback = langfuse.get_prompt("not-registered", fallback="Say hi to {{name}}", max_retries=0)
pipeline("What is Langfuse?")
langfuse.flush()
observations = langfuse.api.observations.get_many(limit=50)
scores = langfuse.api.scores.get_many(limit=50)  # /api/public/v3/scores
print(
    json.dumps(
        {
            "prompt": prompt.compile(movie="Dune"),
            "prompt_version": prompt.version,
            "fallback": fallback.compile(name="Ada"),
            "fallback_is_fallback": fallback.is_fallback,
            "read_back": sorted(o.name for o in observations.data),
            "scores_read_back": sorted(
                [s.name, s.data_type, s.value, s.subject.kind] for s in scores.data
            ),
        }
    )
)
