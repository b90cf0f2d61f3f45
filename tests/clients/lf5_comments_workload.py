"""Comments through Langfuse Python SDK 5.x's API client on what the SDK itself sent: a trace,
an observation and a session; one on a trace that does not exist; then listed and read back.
Prints what it saw as JSON."""

import json

from langfuse import Langfuse, propagate_attributes
from langfuse.api.core import ApiError

langfuse = Langfuse()
comments = langfuse.api.comments
project_id = langfuse.api.projects.get().data[0].id
with (
    langfuse.start_as_current_observation(name="root") as root,
    propagate_attributes(session_id="chat-7"),
):
    pass
langfuse.flush()


def comment(object_type, object_id, content):
    try:
        return comments.create(
            project_id=project_id,
            object_type=object_type,
            object_id=object_id,
            content=content,
            author_user_id="reviewer",
        ).id
    except ApiError as error:
        return error.status_code


ids = {
    "trace": comment("TRACE", root.trace_id, "looks right"),
    "observation": comment("OBSERVATION", root.id, "slow step"),
    "session": comment("SESSION", "chat-7", "good chat"),
}
seen = {
    "missing_trace": comment("TRACE", "no-such-trace", "lost"),
    "on_trace": [
        c.content for c in comments.get(object_type="TRACE", object_id=root.trace_id).data
    ],
    "all": sorted(c.object_type for c in comments.get().data),
    "one": comments.get_by_id(ids["trace"]).author_user_id,
}
try:
    comments.get(object_id=root.trace_id)
except ApiError as error:
    seen["object_id_alone"] = error.status_code
print(json.dumps(seen))
