"""SDK 5.x sending an image in a generation's input: the SDK uploads it as Langfuse media
and puts a reference string in its place; then reads the generation back and resolves the
reference to the image's bytes through the SDK's own resolve_media_references. Prints the ids
involved and the resolved input as JSON."""

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
[read_back] = langfuse.api.observations.get_many(trace_id=generation.trace_id).data
resolved = LangfuseMedia.resolve_media_references(
    obj=read_back.input, langfuse_client=langfuse, resolve_with="base64_data_uri"
)
print(
    json.dumps(
        {
            "media_id": image._media_id,
            "observation_id": generation.id,
            "trace_id": generation.trace_id,
            "resolved_input": resolved,
        }
    )
)
