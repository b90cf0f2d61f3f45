"""Langfuse's API key authentication, and which tenant a request belongs to.

``Basic base64(pk:sk)`` gives full project access; ``Bearer pk`` (the browser SDK's form)
may only send scores. By default mockfuse accepts any key pair and lets the public key name
the tenant, so tests need no setup; a key pair registered with the key ring (the pytest
fixture registers each test's pair) must then be used with its own secret key. In strict
mode (``mockfuse serve --keys pk:sk``) only the listed pairs are accepted.
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

INVALID_CREDENTIALS = "Invalid credentials. Confirm that you've configured the correct host."
# How many distinct Basic headers the key ring remembers decoded: a client sends the same
# header on every request, and decoding it is most of authenticating.
_REMEMBERED_HEADERS = 1024


@dataclass(frozen=True)
class Principal:
    public_key: str
    scope: Literal["project", "scores"]


class AuthError(Exception):
    """A refused request; ``public_key`` is the key it claimed, when it named one."""

    def __init__(self, message: str, public_key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.public_key = public_key


class KeyRing:
    def __init__(self, keys: Iterable[tuple[str, str]] = (), *, strict: bool = False) -> None:
        self._secrets: dict[str, str] = dict(keys)
        self._lock = threading.Lock()
        self.strict = strict
        # Basic headers seen, with the key pair they decode to (checked on every use, so a
        # key registered or forgotten since counts).
        self._decoded: dict[str, tuple[Principal, str]] = {}

    def register(self, public_key: str, secret_key: str) -> None:
        with self._lock:
            self._secrets[public_key] = secret_key

    def forget(self, public_key: str) -> None:
        with self._lock:
            self._secrets.pop(public_key, None)

    def authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            raise AuthError("No authorization header")
        decoded = self._decoded.get(authorization)
        if decoded is not None:
            principal, secret_key = decoded
            self._check_pair(principal.public_key, secret_key)
            return principal
        scheme, _, credentials = authorization.strip().partition(" ")
        credentials = credentials.strip()
        if scheme.lower() == "basic":
            public_key, secret_key = _decode_basic(credentials)
            self._check_pair(public_key, secret_key)
            principal = Principal(public_key, "project")
            if len(self._decoded) >= _REMEMBERED_HEADERS:
                self._decoded.clear()
            self._decoded[authorization] = (principal, secret_key)
            return principal
        if scheme.lower() == "bearer" and credentials:
            if self.strict and credentials not in self._secrets:
                raise AuthError(INVALID_CREDENTIALS, credentials)
            return Principal(credentials, "scores")
        raise AuthError("Invalid authorization header")

    def _check_pair(self, public_key: str, secret_key: str) -> None:
        expected = self._secrets.get(public_key)
        if expected is None:
            if self.strict:
                raise AuthError(INVALID_CREDENTIALS, public_key)
            return
        if secret_key != expected:
            raise AuthError(INVALID_CREDENTIALS, public_key)


def _decode_basic(credentials: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise AuthError("Invalid authorization header") from None
    public_key, separator, secret_key = decoded.partition(":")
    if not separator or not public_key or not secret_key:
        raise AuthError(INVALID_CREDENTIALS, public_key or None)
    return public_key, secret_key


def basic_authorization(public_key: str, secret_key: str) -> str:
    """The ``Authorization`` header value Langfuse clients send for a key pair."""
    token = base64.b64encode(f"{public_key}:{secret_key}".encode()).decode("ascii")
    return f"Basic {token}"
