"""An app calling OpenAI through Langfuse's drop-in (``from langfuse.openai import openai``,
SDK 5.x), its client made once at import, some calls inside ``@observe`` functions. A fake
OpenAI server answers, with fresh ids and times as OpenAI's own."""

import json

from langfuse import get_client, observe
from langfuse.openai import openai

client = openai.OpenAI()

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


def ask(question: str, **metadata: str) -> str:
    response = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": question}],
        name="ask",
        metadata=metadata or None,
    )
    return response.choices[0].message.content


def ask_streaming(question: str) -> str:
    stream = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": question}],
        name="ask-stream",
        stream=True,
        stream_options={"include_usage": True},
    )
    return "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)


@observe(name="weather-agent")
def weather_agent(question: str) -> str:
    """A tool loop: the model asks for the weather, the app answers it, the model replies."""
    messages: list = [{"role": "user", "content": question}]
    first = client.chat.completions.create(
        model="gpt-4o-mini", messages=messages, tools=[WEATHER_TOOL], name="plan"
    )
    [call] = first.choices[0].message.tool_calls
    city = json.loads(call.function.arguments)["city"]
    messages += [
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": f"sunny in {city}"},
    ]
    second = client.chat.completions.create(model="gpt-4o-mini", messages=messages, name="reply")
    return second.choices[0].message.content


def flush() -> None:
    get_client().flush()
