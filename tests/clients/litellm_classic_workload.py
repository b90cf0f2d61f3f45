"""LiteLLM's classic "langfuse" callback (SDK 2.x underneath), with mocked completions.

Takes the trace id to log under as its argument. No model is called: ``mock_response``
answers. The Langfuse SDK flushes at interpreter exit, after LiteLLM's callback threads.
"""

import contextlib
import sys

import litellm

trace_id = sys.argv[1]
litellm.success_callback = ["langfuse"]
litellm.failure_callback = ["langfuse"]

litellm.completion(
    model="gpt-3.5-turbo",
    messages=[{"role": "user", "content": "Hello!"}],
    mock_response="Hello! How can I assist you today?",
    metadata={
        "trace_id": trace_id,
        "generation_name": "greet",
        "tags": ["litellm"],
        "trace_user_id": "user-123",
    },
)
with contextlib.suppress(Exception):  # the failure is what gets logged
    litellm.completion(
        model="gpt-3.5-turbo",
        messages=[{"role": "user", "content": "Fail, please."}],
        mock_response=Exception("mock provider failure"),
        metadata={"trace_id": trace_id + "-failed"},
    )
