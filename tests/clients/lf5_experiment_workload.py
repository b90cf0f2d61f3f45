"""SDK 5.x running an experiment over a dataset, as its docs show: get_dataset, then
run_experiment with a task and an evaluator; then the experiment and its items read back
through the SDK's experiments API. Prints each item's result and what was read as JSON."""

import json
from datetime import datetime, timedelta, timezone

from langfuse import Evaluation, Langfuse

langfuse = Langfuse()
langfuse.create_dataset(name="capitals")
for country, capital in (("Italy", "Rome"), ("France", "Paris")):
    langfuse.create_dataset_item(
        dataset_name="capitals", input={"country": country}, expected_output=capital
    )
answers = {"Italy": "Rome", "France": "Lyon"}
began = datetime.now(timezone.utc) - timedelta(seconds=1)


def task(*, item, **kwargs):
    return answers[item.input["country"]]


def exact(*, input, output, expected_output, **kwargs):
    return Evaluation(name="exact", value=1.0 if output == expected_output else 0.0)


result = langfuse.get_dataset("capitals").run_experiment(
    name="capitals-eval", task=task, evaluators=[exact]
)
langfuse.flush()
experiments = langfuse.api.experiments.list(from_start_time=began, fields="core,metadata").data
items = langfuse.api.experiments.list_items(
    from_start_time=began, experiment_id=result.experiment_id, fields="core,dataset,io"
).data
print(
    json.dumps(
        {
            "items": sorted(
                [r.item.input["country"], r.output, [e.value for e in r.evaluations], r.trace_id]
                for r in result.item_results
            ),
            "experiment_id": result.experiment_id,
            "run_name": result.run_name,
            "experiments": [
                [e.id, e.name, e.item_count, e.dataset_id, e.metadata] for e in experiments
            ],
            "read_items": sorted(
                [i.trace_id, i.experiment_item_id, i.input, i.output, i.expected_output]
                for i in items
            ),
        }
    )
)
