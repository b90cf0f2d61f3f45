"""The weather app traced by OpenLLMetry's OpenAI instrumentation."""

from opentelemetry.instrumentation.openai import OpenAIInstrumentor
from weather_app import ask, client, provider, weather_agent

OpenAIInstrumentor().instrument()
CHAT_SPAN = "openai.chat"  # what OpenLLMetry names a chat completion's span

__all__ = ["CHAT_SPAN", "ask", "client", "provider", "weather_agent"]
