"""Datasets through a Langfuse Python SDK's own calls (2.x and 5.x alike): create a dataset
and its items, update an item by id, read the dataset back page by page; with SDK 2.x, link
each item to a trace in a run and read the runs back. Takes the dataset name; prints what it
read as JSON."""

import importlib.metadata
import json
import sys

from langfuse import Langfuse

name = sys.argv[1]
langfuse = Langfuse()
sdk_major = int(importlib.metadata.version("langfuse").split(".")[0])

langfuse.create_dataset(name=name, description="capitals", metadata={"owner": "qa"})
langfuse.create_dataset_item(
    dataset_name=name, input={"country": "Italy"}, expected_output="Rome", id="item-italy"
)
langfuse.create_dataset_item(
    dataset_name=name, input={"country": "France"}, expected_output="Paris"
)
# The same id again: an update of the item, not a second one.
langfuse.create_dataset_item(dataset_name=name, id="item-italy", metadata={"checked": True})
dataset = langfuse.get_dataset(name, fetch_items_page_size=1)  # one page per item
seen = {
    "dataset": {
        "name": dataset.name,
        "description": dataset.description,
        "metadata": dataset.metadata,
    },
    "items": [
        {
            "id": i.id,
            "input": i.input,
            "expected": i.expected_output,
            "metadata": i.metadata,
            "status": str(getattr(i.status, "value", i.status)),
        }
        for i in dataset.items
    ],
}
if sdk_major == 2:
    for item in dataset.items:
        trace = langfuse.trace(name="answer", input=item.input)
        generation = trace.generation(name="llm", input=item.input, output=item.expected_output)
        generation.end()
        item.link(generation, "run-1", run_description="first run", run_metadata={"n": 1})
    langfuse.flush()
    run = langfuse.get_dataset_run(name, "run-1")
    seen["run"] = {
        "name": run.name,
        "description": run.description,
        "metadata": run.metadata,
        "items": sorted(
            [r.dataset_item_id, r.trace_id, r.observation_id] for r in run.dataset_run_items
        ),
    }
    seen["runs"] = [r.name for r in langfuse.get_dataset_runs(name).data]
print(json.dumps(seen))
