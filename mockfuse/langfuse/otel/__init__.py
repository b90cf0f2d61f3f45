"""OTLP trace exports, and how Langfuse maps their spans to ingestion events."""
