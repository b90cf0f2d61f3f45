"""A user's tracing code on Langfuse Python SDK 2.x; keys and host come from the environment.

Prints the ids it created as JSON, so the test can check they arrived under them.
"""

import json

from langfuse import Langfuse

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
embedding = retrieval.span(name="embed-query", input="What is Langfuse?")
embedding.end(output={"dims": 3})
retrieval.update(metadata={"k": 2})
retrieval.end(output={"docs": ["doc-1", "doc-2"]})
generation = trace.generation(
    name="llm-call",
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
