"""SDK 5.x reading a dataset as it was: items updated and archived after a moment, then
``get_dataset`` for that moment and for now. Prints what each saw as JSON."""

import json
from datetime import datetime, timezone

from langfuse import Langfuse
from langfuse.api import DatasetStatus

langfuse = Langfuse()
langfuse.create_dataset(name="versions")
langfuse.create_dataset_item(dataset_name="versions", id="question", input={"n": 1})
retired = langfuse.create_dataset_item(dataset_name="versions", id="retired", input="old")
moment = retired.version
assert moment is not None
while datetime.now(timezone.utc) <= moment:  # the next writes must come strictly later
    pass
langfuse.create_dataset_item(dataset_name="versions", id="question", input={"n": 2})
langfuse.create_dataset_item(dataset_name="versions", id="retired", status=DatasetStatus.ARCHIVED)


def seen(dataset):
    return sorted([item.id, item.input] for item in dataset.items)


print(
    json.dumps(
        {
            "then": seen(langfuse.get_dataset("versions", version=moment)),
            "now": seen(langfuse.get_dataset("versions")),
            "retired": langfuse.api.dataset_items.get(id="retired").status,
        }
    )
)
