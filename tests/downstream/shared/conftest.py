"""Helpers every downstream suite's tests share (copied in beside each suite's own files)."""

import json
import time
import urllib.parse
import urllib.request

import pytest


@pytest.fixture
def question(request):
    """Every test asks its own question, so each can tell its trace from any other."""
    return f"what does {request.node.name} ask?"


def only_trace(mockfuse, name, question):
    """The one trace this test made: named `name`, holding `question`; nothing else."""
    mockfuse.wait_for(traces=1, timeout=10)
    traces = mockfuse.traces
    assert [t["name"] for t in traces] == [name], traces
    assert question in json.dumps(traces[0]), traces[0]
    return traces[0]


def traces_of_test(mockfuse, nodeid, *, wait_for=0, timeout=10.0):
    """Another test's traces in this session, through the admin API; waits (polling the
    server) until at least `wait_for` are there."""
    query = urllib.parse.urlencode({"public_key": mockfuse.public_key})
    deadline = time.monotonic() + timeout
    while True:
        with urllib.request.urlopen(f"{mockfuse.url}/_mockfuse/traces?{query}") as answer:
            found = [t for t in json.load(answer)["data"] if t["test"] == nodeid]
        if len(found) >= wait_for or time.monotonic() > deadline:
            return found
        time.sleep(0.05)
