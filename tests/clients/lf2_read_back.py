"""SDK 2.x reading back what it sent, through its own fetch_* calls (fern models, pydantic).
Takes a trace id; prints what it read as JSON."""

import json
import sys

from langfuse import Langfuse

trace_id = sys.argv[1]
langfuse = Langfuse()
trace = langfuse.fetch_trace(trace_id).data
traces = langfuse.fetch_traces(user_id="user-123").data
observations = langfuse.fetch_observations(trace_id=trace_id, type="GENERATION").data
observation = langfuse.fetch_observation(observations[0].id).data
sessions = langfuse.fetch_sessions().data
print(
    json.dumps(
        {
            "trace_name": trace.name,
            "trace_observations": sorted(o.name for o in trace.observations),
            "trace_scores": [s.name for s in trace.scores],
            "total_cost": trace.total_cost,
            "listed": [t.id for t in traces],
            "generation": observation.name,
            "generation_model": observation.model,
            "generation_usage": observation.usage.dict(),
            "sessions": [s.id for s in sessions],
        }
    )
)
