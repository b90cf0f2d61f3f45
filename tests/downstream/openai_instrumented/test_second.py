import json

import openai
import pytest
from app import ask, client, provider


def test_each_call_is_a_trace_of_its_own(mockfuse, question):
    ask(question)
    ask(question + " again")
    provider.force_flush()
    traces = mockfuse.wait_for(traces=2).traces
    inputs = sorted(json.dumps(t["observations"][0]["input"]) for t in traces)
    assert [question + " again" in text for text in inputs].count(True) == 1
    mockfuse.assert_snapshot()


def test_a_failed_call_is_an_error_with_its_message(mockfuse):
    with pytest.raises(openai.NotFoundError):
        client.embeddings.create(model="text-embedding-3-small", input="unfaked")
    provider.force_flush()
    [trace] = mockfuse.wait_for(traces=1).traces
    [embedding] = trace["observations"]
    assert embedding["level"] == "ERROR"
    assert embedding["statusMessage"]
    mockfuse.assert_snapshot()
