"""Daily metrics through Langfuse Python SDK 2.x's API client, over traces it sent on two days:
generations with usage and cost on two models, and a span. Prints the days as JSON."""

import json
from datetime import datetime, timezone

from langfuse import Langfuse

langfuse = Langfuse()
DAY_ONE = datetime(2026, 11, 27, 10, tzinfo=timezone.utc)
DAY_TWO = datetime(2026, 11, 28, 9, tzinfo=timezone.utc)
for name, when, model, tokens, cost in (
    ("chat", DAY_ONE, "gpt-4o", (10, 5), 0.25),
    ("chat", DAY_ONE, "gpt-4o-mini", (20, 10), 0.5),
    ("search", DAY_TWO, "gpt-4o", (1, 2), 0.125),
):
    trace = langfuse.trace(name=name, timestamp=when, tags=["metrics"])
    trace.generation(
        name="llm",
        model=model,
        start_time=when,
        end_time=when,
        usage_details={"input": tokens[0], "output": tokens[1], "total": sum(tokens)},
        cost_details={"total": cost},
    )
    trace.span(name="step", start_time=when, end_time=when)
langfuse.flush()
metrics = langfuse.client.metrics
days = [day.dict() for day in metrics.daily().data]
only_search = [day.dict()["date"] for day in metrics.daily(trace_name="search").data]
print(json.dumps({"days": days, "only_search": only_search}, default=str))
