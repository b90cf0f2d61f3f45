"""An app on Pydantic AI, traced by Pydantic AI's own OpenTelemetry instrumentation
(``Agent.instrument_all()``) with the app's own OTLP exporter, as Langfuse's docs connect it;
no Langfuse SDK. The model is Pydantic AI's TestModel, so no model server is needed: it
calls every tool once, then answers with what the tools returned."""

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from pydantic_ai import Agent
from pydantic_ai.models.test import TestModel

provider = TracerProvider()
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
trace.set_tracer_provider(provider)
Agent.instrument_all()

weather_agent = Agent(TestModel(), system_prompt="Answer briefly.", name="weather-agent")


@weather_agent.tool_plain
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


def ask(question: str) -> str:
    return weather_agent.run_sync(question).output


async def ask_async(question: str) -> str:
    return (await weather_agent.run(question)).output
