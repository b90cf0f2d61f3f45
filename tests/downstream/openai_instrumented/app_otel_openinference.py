"""The weather app traced by OpenInference's OpenAI instrumentation."""

from openinference.instrumentation.openai import OpenAIInstrumentor
from weather_app import ask, client, provider, weather_agent

OpenAIInstrumentor().instrument()
CHAT_SPAN = "ChatCompletion"  # what OpenInference names a chat completion's span

__all__ = ["CHAT_SPAN", "ask", "client", "provider", "weather_agent"]
