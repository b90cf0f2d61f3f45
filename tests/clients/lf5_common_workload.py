"""The workload of tests/clients/lf2_common_workload.py, written for SDK 5.x (OpenTelemetry)."""

from langfuse import get_client, propagate_attributes

QUESTION = {"question": "What is Langfuse?"}
ANSWER = {"answer": "An LLM observability platform."}

langfuse = get_client()
with (
    langfuse.start_as_current_observation(name="qa-pipeline", input=QUESTION) as root,
    propagate_attributes(
        trace_name="qa-pipeline",
        user_id="user-123",
        session_id="session-abc",
        metadata={"env": "test"},
        tags=["shared"],
    ),
):
    with langfuse.start_as_current_observation(
        name="retrieval", input={"query": "What is Langfuse?"}, metadata={"k": "2"}
    ) as retrieval:
        with langfuse.start_as_current_observation(
            name="embed-query", input="What is Langfuse?"
        ) as embedding:
            embedding.update(output={"dims": 3})
        retrieval.update(output={"docs": ["doc-1", "doc-2"]})
    with langfuse.start_as_current_observation(
        name="llm-call",
        as_type="generation",
        model="gpt-3.5-turbo",
        model_parameters={"max_tokens": 256},
        input=[{"role": "user", "content": "What is Langfuse?"}],
    ) as generation:
        generation.update(
            output={"role": "assistant", "content": "An LLM observability platform."},
            usage_details={"input": 12, "output": 8, "total": 20},
            cost_details={"input": 1.2e-05, "output": 1.6e-05},
        )
    root.update(output=ANSWER)
    root.score_trace(name="quality", value=0.9)
langfuse.flush()
