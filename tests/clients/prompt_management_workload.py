"""Prompt management through a Langfuse Python SDK's own calls (2.x and 5.x alike): versions,
labels moved by update_prompt, tags that belong to the prompt. Prints what it read back."""

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
print(json.dumps(seen))
