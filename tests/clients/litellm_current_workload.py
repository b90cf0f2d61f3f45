"""LiteLLM's current "langfuse" callback (SDK 4.x underneath, OpenTelemetry export), with
mocked completions. Takes the trace id to log under as its argument."""

import sys

import litellm

trace_id = sys.argv[1]
litellm.success_callback = ["langfuse"]

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
