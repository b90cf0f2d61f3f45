"""A user's tracing code on Langfuse Python SDK 2.x; keys and host come from the environment.

The optional argument names a variant of the code, each a change a snapshot must catch:
``renamed`` (the generation gets another name), ``moved`` (the embedding span moves from
under the retrieval span to the trace), ``missing-trace`` (no feedback trace) and
``extra-trace`` (one more trace). Prints the ids it created as JSON.
"""

import json
import sys

from langfuse import Langfuse

variant = sys.argv[1] if len(sys.argv) > 1 else "base"

langfuse = Langfuse()
trace = langfuse.trace(
    name="qa-pipeline",
    user_id="user-123",
    session_id="session-abc",
    input={"question": "What is Langfuse?"},
    metadata={"env": "test"},
    tags=["lf2"],
    release="r-1",
    version="v1",
)
retrieval = trace.span(name="retrieval", input={"query": "What is Langfuse?"})
embedding_parent = trace if variant == "moved" else retrieval
embedding = embedding_parent.span(name="embed-query", input="What is Langfuse?")
embedding.end(output={"dims": 3})
retrieval.update(metadata={"k": 2})
retrieval.end(output={"docs": ["doc-1", "doc-2"]})
generation = trace.generation(
    name="llm-call-v2" if variant == "renamed" else "llm-call",
    model="gpt-3.5-turbo",
    model_parameters={"temperature": 0.7, "max_tokens": 256},
    input=[{"role": "user", "content": "What is Langfuse?"}],
)
generation.end(
    output={"role": "assistant", "content": "An LLM observability platform."},
    usage={"input": 12, "output": 8, "total": 20, "unit": "TOKENS"},
)
trace.event(name="cache-miss", input={"key": "q1"}, level="WARNING")
trace.score(name="quality", value=0.9, comment="good")
trace.update(output={"answer": "An LLM observability platform."}, tags=["lf2", "updated"])

if variant != "missing-trace":
    feedback = langfuse.trace(name="feedback", user_id="user-123", session_id="session-abc")
    feedback.event(name="thumbs-up", input={"helpful": True})
if variant == "extra-trace":
    langfuse.trace(name="audit", metadata={"reviewer": "bot"})

langfuse.flush()
print(
    json.dumps(
        {
            "trace_id": trace.id,
            "retrieval_id": retrieval.id,
            "embedding_id": embedding.id,
            "generation_id": generation.id,
        }
    )
)
