"""An app calling models through LiteLLM, logging to Langfuse with LiteLLM's "langfuse"
callback: classic up to LiteLLM 1.103 (Langfuse SDK 2.x underneath, batches to the ingestion
API), current after (Langfuse SDK 4.x underneath, exporting OpenTelemetry spans). Either way
the logger is made once, at the first completion, from the environment. Completions are
mocked: no model is called."""

import litellm

litellm.success_callback = ["langfuse"]


def chat(question: str, **metadata: object) -> str:
    response = litellm.completion(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": question}],
        mock_response=f"answer to {question}",
        metadata={"trace_name": "chat", "generation_name": "reply", **metadata},
    )
    return response.choices[0].message.content
