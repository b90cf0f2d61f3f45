"""SDK 5.x sending an image in a generation's input: the SDK uploads it as Langfuse media
and puts a reference string in its place. Prints the ids involved as JSON."""

import json

from langfuse import get_client
from langfuse.media import LangfuseMedia

langfuse = get_client()
image = LangfuseMedia(
    content_bytes=b"\x89PNG\r\n\x1a\n not really an image", content_type="image/png"
)
with langfuse.start_as_current_observation(
    name="describe-image", as_type="generation", input={"image": image, "question": "What is it?"}
) as generation:
    generation.update(output="a cat")
langfuse.flush()
print(
    json.dumps(
        {
            "media_id": image._media_id,
            "observation_id": generation.id,
            "trace_id": generation.trace_id,
        }
    )
)
