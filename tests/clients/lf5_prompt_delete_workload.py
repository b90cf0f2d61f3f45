"""Deleting prompts through Langfuse Python SDK 5.x's API client: one version, by label,
then the rest; each read back after. Prints what it saw as JSON."""

import json

from langfuse import Langfuse
from langfuse.api.core import ApiError

langfuse = Langfuse()
prompts = langfuse.api.prompts
for text, labels in (("v1", ["production"]), ("v2", ["staging"]), ("v3", [])):
    langfuse.create_prompt(name="doomed", prompt=text, labels=labels)


def versions() -> list[int]:
    listed = prompts.list(name="doomed").data
    return listed[0].versions if listed else []


def status_of(call) -> int | None:
    try:
        call()
    except ApiError as error:
        return error.status_code
    return None


seen = {"before": versions()}
prompts.delete("doomed", version=3)
seen["latest_after_deleting_v3"] = langfuse.get_prompt(
    "doomed", label="latest", cache_ttl_seconds=0
).version
prompts.delete("doomed", label="staging")
seen["after_label"] = versions()
seen["both"] = status_of(lambda: prompts.delete("doomed", version=1, label="production"))
prompts.delete("doomed")
seen["after_all"] = versions()
seen["again"] = status_of(lambda: prompts.delete("doomed"))
print(json.dumps(seen))
