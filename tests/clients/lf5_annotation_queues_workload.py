"""Annotation queues through Langfuse Python SDK 5.x's API client: a queue over a score
config, items added, listed by status, completed and deleted. Prints what it saw as JSON."""

import json

from langfuse import Langfuse
from langfuse.api.core import ApiError

langfuse = Langfuse()
queues = langfuse.api.annotation_queues
config = langfuse.api.score_configs.create(name="quality", data_type="NUMERIC")


def status_of(call) -> int:
    try:
        call()
    except ApiError as error:
        return error.status_code
    return 200


queue = queues.create_queue(name="review", score_config_ids=[config.id], description="weekly")
first = queues.create_queue_item(queue.id, object_id="trace-1", object_type="TRACE")
second = queues.create_queue_item(queue.id, object_id="obs-1", object_type="OBSERVATION")
done = queues.update_queue_item(queue.id, first.id, status="COMPLETED")
seen = {
    "queues": [(q.name, q.score_config_ids == [config.id]) for q in queues.list_queues().data],
    "read": queues.get_queue(queue.id).description,
    "completed": [done.status, done.completed_at is not None],
    "pending": [i.object_id for i in queues.list_queue_items(queue.id, status="PENDING").data],
    "deleted": queues.delete_queue_item(queue.id, second.id).success,
    "left": [i.object_id for i in queues.list_queue_items(queue.id).data],
    "assigned": queues.create_queue_assignment(queue.id, user_id="reviewer-1").user_id,
    "unassigned": queues.delete_queue_assignment(queue.id, user_id="reviewer-1").success,
    "unknown_config": status_of(
        lambda: queues.create_queue(name="x", score_config_ids=["no-such-config"])
    ),
    "unknown_queue": status_of(lambda: queues.get_queue("no-such-queue")),
}
print(json.dumps(seen))
