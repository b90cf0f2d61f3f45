"""Langfuse's authorization header for a key pair, for tests that call mockfuse by hand."""

from mockfuse.langfuse.auth import basic_authorization

__all__ = ["basic_authorization"]
