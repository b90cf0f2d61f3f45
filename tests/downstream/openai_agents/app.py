"""An app on the OpenAI Agents SDK, traced as Langfuse's docs connect it: OpenInference's
Agents instrumentation, exporting through the Langfuse SDK's client (``get_client()``).
The instrumentation replaces the SDK's own exporter to OpenAI's platform; the model calls
go to a fake OpenAI server through the Chat Completions API."""

from agents import Agent, Runner, function_tool, set_default_openai_api
from langfuse import get_client
from openinference.instrumentation.openai_agents import OpenAIAgentsInstrumentor

langfuse = get_client()
OpenAIAgentsInstrumentor().instrument()
set_default_openai_api("chat_completions")  # what the fake server speaks


@function_tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


weather_agent = Agent(
    name="weather-agent", instructions="Answer briefly.", tools=[get_weather], model="gpt-4o-mini"
)


def ask(question: str) -> str:
    return Runner.run_sync(weather_agent, question).final_output
