"""Langfuse's ingestion events: their schema, and judging a batch of them."""
