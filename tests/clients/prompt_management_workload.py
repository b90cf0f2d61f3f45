"""Prompt management through a Langfuse Python SDK's own calls (2.x and 5.x alike): versions,
labels moved by update_prompt, tags that belong to the prompt, and a generation linked to the
prompt it used. Prints what it read back."""

import importlib.metadata
import json

from langfuse import Langfuse

langfuse = Langfuse()
name = "folder/greeting"


def read(**selector):
    prompt = langfuse.get_prompt(name, cache_ttl_seconds=0, **selector)
    return {
        "version": prompt.version,
        "labels": sorted(prompt.labels),
        "tags": sorted(prompt.tags),
        "config": prompt.config,
        "compiled": prompt.compile(name="Ada"),
    }


langfuse.create_prompt(
    name=name, prompt="Hi {{name}}", labels=["production"], tags=["greeting"], config={"t": 0.2}
)
langfuse.create_prompt(name=name, prompt="Hello {{name}}", labels=[])  # tags left out
langfuse.update_prompt(name=name, version=2, new_labels=["production", "staging"])
seen = {"production": read(), "first": read(version=1), "staging": read(label="staging")}
langfuse.create_prompt(name=name, prompt="Hey {{name}}", labels=[], tags=[])  # clears the tags
seen["first_after_clearing"] = read(version=1)
seen["latest"] = read(label="latest")

used = langfuse.get_prompt(name, cache_ttl_seconds=0)  # production: version 2
if int(importlib.metadata.version("langfuse").split(".")[0]) >= 3:
    generation = langfuse.start_observation(name="greet", as_type="generation", prompt=used)
else:
    generation = langfuse.generation(name="greet", prompt=used)
generation.end()
langfuse.flush()
seen["generation_id"] = generation.id
api = (
    langfuse.api
    if int(importlib.metadata.version("langfuse").split(".")[0]) >= 3
    else (langfuse.client)
)
seen["listed"] = [
    [p.name, p.versions, sorted(p.labels), p.tags] for p in api.prompts.list(label="latest").data
]
print(json.dumps(seen))
