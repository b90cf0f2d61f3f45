"""A weather app calling OpenAI, with no Langfuse SDK: its own TracerProvider with an OTLP
exporter configured by the standard OTEL_EXPORTER_OTLP_* variables, as Langfuse's
OpenTelemetry docs show. ``app.py`` adds the OpenAI instrumentation the app uses."""

from openai import OpenAI
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

provider = TracerProvider()
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
trace.set_tracer_provider(provider)

client = OpenAI()  # OPENAI_BASE_URL and OPENAI_API_KEY from the environment
tracer = trace.get_tracer("weather-app")
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


def ask(question: str) -> str:
    response = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": question}], temperature=0.2
    )
    return response.choices[0].message.content


def weather_agent(question: str) -> str:
    """Two model calls around one tool call, under the app's own span."""
    with tracer.start_as_current_span("weather-agent"):
        messages = [{"role": "user", "content": question}]
        first = client.chat.completions.create(
            model="gpt-4o-mini", messages=messages, tools=[WEATHER_TOOL]
        )
        call = first.choices[0].message.tool_calls[0]
        messages.append(first.choices[0].message.model_dump(exclude_none=True))
        messages.append({"role": "tool", "tool_call_id": call.id, "content": "sunny"})
        second = client.chat.completions.create(
            model="gpt-4o-mini", messages=messages, tools=[WEATHER_TOOL]
        )
        return second.choices[0].message.content
