"""Langfuse's model and rules as code: no HTTP, nothing of mockfuse's own."""
