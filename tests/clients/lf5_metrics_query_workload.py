"""The metrics API through Langfuse Python SDK 5.x's API client, over traces it sent: observation
usage and cost per model and day, trace counts per name, and a query it refuses. Prints the
rows as JSON."""

import json
from datetime import datetime, timedelta, timezone

from langfuse import Langfuse
from langfuse.api.core import ApiError

langfuse = Langfuse()
for name, model, tokens, cost in (
    ("chat", "gpt-4o", (10, 5), 0.25),
    ("chat", "gpt-4o-mini", (20, 10), 0.5),
    ("search", "gpt-4o", (1, 2), 0.125),
):
    with (
        langfuse.start_as_current_observation(name=name),  # the trace takes its name
        langfuse.start_as_current_observation(
            name="llm", as_type="generation", model=model
        ) as generation,
    ):
        generation.update(
            usage_details={"input": tokens[0], "output": tokens[1], "total": sum(tokens)},
            cost_details={"total": cost},
        )
langfuse.flush()

now = datetime.now(timezone.utc)
window = {
    "fromTimestamp": (now - timedelta(hours=1)).isoformat(),
    "toTimestamp": (now + timedelta(hours=1)).isoformat(),
}


def rows(**query):
    return langfuse.api.metrics.metrics(query=json.dumps({**query, **window})).data


per_model = rows(
    view="observations",
    dimensions=[{"field": "providedModelName"}],
    metrics=[
        {"measure": "count", "aggregation": "count"},
        {"measure": "totalCost", "aggregation": "sum"},
        {"measure": "totalTokens", "aggregation": "sum"},
    ],
    filters=[{"type": "string", "column": "type", "operator": "=", "value": "GENERATION"}],
    timeDimension={"granularity": "day"},
    orderBy=[{"field": "sum_totalCost", "direction": "desc"}],
)
per_name = rows(
    view="observations",
    dimensions=[{"field": "traceName"}],
    metrics=[{"measure": "count", "aggregation": "count"}],
    filters=[{"type": "string", "column": "type", "operator": "=", "value": "SPAN"}],
    orderBy=[{"field": "count_count", "direction": "desc"}],
)
try:  # the v2 API, which SDK 5.x calls, has no traces view
    rows(view="traces", metrics=[{"measure": "count", "aggregation": "count"}])
    refused = None
except ApiError as error:
    refused = error.status_code
print(json.dumps({"per_model": per_model, "per_name": per_name, "refused": refused}))
