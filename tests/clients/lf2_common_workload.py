"""A workload both SDK generations can express, written for SDK 2.x (batched ingestion).

tests/clients/lf5_common_workload.py writes the same with SDK 5.x (OpenTelemetry); their
``traces`` snapshots must be equal.
"""

from langfuse import Langfuse

QUESTION = {"question": "What is Langfuse?"}
ANSWER = {"answer": "An LLM observability platform."}

langfuse = Langfuse()
trace = langfuse.trace(
    name="qa-pipeline",
    user_id="user-123",
    session_id="session-abc",
    metadata={"env": "test"},
    tags=["shared"],
    input=QUESTION,
)
root = trace.span(name="qa-pipeline", input=QUESTION)
retrieval = root.span(name="retrieval", input={"query": "What is Langfuse?"}, metadata={"k": "2"})
embedding = retrieval.span(name="embed-query", input="What is Langfuse?")
embedding.end(output={"dims": 3})
retrieval.end(output={"docs": ["doc-1", "doc-2"]})
generation = root.generation(
    name="llm-call",
    model="gpt-3.5-turbo",
    model_parameters={"max_tokens": 256},
    input=[{"role": "user", "content": "What is Langfuse?"}],
)
generation.end(
    output={"role": "assistant", "content": "An LLM observability platform."},
    usage_details={"input": 12, "output": 8, "total": 20},
    cost_details={"input": 1.2e-05, "output": 1.6e-05},
)
root.end(output=ANSWER)
trace.update(output=ANSWER)
trace.score(name="quality", value=0.9)
langfuse.flush()
