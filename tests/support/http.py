"""Plain HTTP helpers for tests that talk to mockfuse as any client would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from mockfuse.auth import basic_authorization
from mockfuse.testing.tenant import MockfuseTenant

DATA = Path(__file__).resolve().parent.parent / "data"


def auth_headers(tenant: MockfuseTenant) -> dict[str, str]:
    return {"Authorization": basic_authorization(tenant.public_key, tenant.secret_key)}


def get(tenant: MockfuseTenant, path: str, **query: Any) -> httpx.Response:
    return httpx.get(tenant.url + path, params=query, headers=auth_headers(tenant))


def post_json(tenant: MockfuseTenant, path: str, payload: Any, **headers: str) -> httpx.Response:
    return post_raw(tenant, path, json.dumps(payload).encode(), **headers)


def post_raw(tenant: MockfuseTenant, path: str, body: bytes, **headers: str) -> httpx.Response:
    merged = {**auth_headers(tenant), "Content-Type": "application/json", **headers}
    return httpx.post(tenant.url + path, content=body, headers=merged)


def seed_batch() -> dict[str, Any]:
    """The batch LiteLLM's classic Langfuse logging posts for one completion."""
    return json.loads((DATA / "seed-litellm-ingestion-batch.json").read_text())  # type: ignore[no-any-return]


def capture_bodies(name: str, path: str) -> list[Any]:
    """Decoded JSON bodies a real client sent to ``path``, from ``tests/data/captures``."""
    records = [json.loads(line) for line in (DATA / "captures" / name).read_text().splitlines()]
    return [r["decoded_json"] for r in records if r["path"] == path and r.get("decoded_json")]
