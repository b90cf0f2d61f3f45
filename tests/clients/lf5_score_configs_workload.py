"""Score configs through Langfuse Python SDK 5.x's API client, and scores that name them:
created, listed, read, changed; a score that fits, and each way one does not. Prints what
it saw as JSON."""

import json

from langfuse import Langfuse
from langfuse.api import ConfigCategory, CreateScoreRequest
from langfuse.api.core import ApiError

langfuse = Langfuse()
configs = langfuse.api.score_configs
scores = langfuse.api.scores


def status_of(call) -> int:
    try:
        call()
    except ApiError as error:
        return error.status_code
    return 200


accuracy = configs.create(name="accuracy", data_type="NUMERIC", min_value=0, max_value=1)
tone = configs.create(
    name="tone",
    data_type="CATEGORICAL",
    categories=[ConfigCategory(label="polite", value=1), ConfigCategory(label="rude", value=0)],
)
correct = configs.create(name="correct", data_type="BOOLEAN")
seen = {
    "bad_range": status_of(
        lambda: configs.create(name="range", data_type="NUMERIC", min_value=1, max_value=0)
    ),
    "bad_name": status_of(lambda: configs.create(name="no/slash", data_type="NUMERIC")),
    "listed": [config.name for config in configs.get().data],
    "boolean_categories": [(c.label, c.value) for c in configs.get_by_id(correct.id).categories],
}
trace_id = langfuse.create_trace_id()


def score(name, value, config_id):
    return CreateScoreRequest(trace_id=trace_id, name=name, value=value, config_id=config_id)


def outcome(*batch):
    """SDK 5.x's batch call: "Accepted", or what it says of each score it rejected."""
    answer = scores.create(request=list(batch))
    return getattr(answer, "message", None) or [error.message for error in answer.errors]


seen["fitting"] = outcome(score("ignored", 0.5, accuracy.id), score("tone", "polite", tone.id))
seen["misfits"] = outcome(
    score("accuracy", 2, accuracy.id),
    score("tone", "sly", tone.id),
    score("x", 1, "no-such-config"),
    score("accuracy", "high", accuracy.id),
)
seen["archived"] = configs.update(correct.id, is_archived=True).is_archived
seen["archived_score"] = outcome(score("correct", 1, correct.id))
seen["empty_update"] = status_of(lambda: configs.update(correct.id))
read = scores.get_many(trace_id=trace_id).data  # SDK 5.x reads /api/public/v3/scores
shown = [s.dict(by_alias=True) for s in read]
seen["scores"] = sorted((s["name"], s["value"], s["dataType"], s.get("stringValue")) for s in shown)
print(json.dumps(seen))
