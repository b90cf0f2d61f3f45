"""A dataset item carrying media, through Langfuse Python SDK 5.x: the SDK uploads each image
for the item's field and sends reference strings; reading the dataset back, it rebuilds its
media references from the item's mediaReferences. Prints what it rebuilt as JSON."""

import base64
import json
import urllib.request

from langfuse import Langfuse
from langfuse.media import LangfuseMedia

langfuse = Langfuse()
first = b"\x89PNG\r\n\x1a\n first picture"
second = b"\x89PNG\r\n\x1a\n second picture"
langfuse.create_dataset(name="with-media")
langfuse.create_dataset_item(
    dataset_name="with-media",
    id="item-1",
    input={"gallery": [LangfuseMedia(content_bytes=first, content_type="image/png")]},
    expected_output=LangfuseMedia(content_bytes=second, content_type="image/png"),
)
[item] = langfuse.get_dataset("with-media").items


def rebuilt(reference):
    with urllib.request.urlopen(reference.url) as answer:
        content = answer.read()
    return {
        "type": type(reference).__name__,
        "content_type": reference.content_type,
        "bytes": base64.b64encode(content).decode(),
    }


raw = langfuse.api.dataset_items.get("item-1")
print(
    json.dumps(
        {
            "gallery": rebuilt(item.input["gallery"][0]),
            "expected": rebuilt(item.expected_output),
            "references": sorted(
                (r.field, r.json_path, r.reference_string.startswith("@@@langfuseMedia:"))
                for r in raw.media_references
            ),
        }
    )
)
