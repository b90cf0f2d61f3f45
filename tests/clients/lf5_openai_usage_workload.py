"""SDK 5.x generations reporting usage in OpenAI's spellings, as code that passes an OpenAI
response's ``usage`` through does: chat completions, the Responses API, and two that are not
exactly either. Each generation is named for its case."""

import json

from langfuse import Langfuse

CASES = {
    "chat": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12},
    "responses": {
        "input_tokens": 9,
        "output_tokens": 3,
        "total_tokens": 12,
        "output_tokens_details": {"reasoning_tokens": 2},
    },
    "no-total": {"prompt_tokens": 9, "completion_tokens": 3},
    "extra-key": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12, "cache": 1},
}

langfuse = Langfuse()
with langfuse.start_as_current_observation(name="usage") as root:
    for name, usage in CASES.items():
        langfuse.start_observation(
            name=name, as_type="generation", model="gpt-4o", usage_details=usage
        ).end()
langfuse.flush()
print(json.dumps({"trace_id": root.trace_id}))
