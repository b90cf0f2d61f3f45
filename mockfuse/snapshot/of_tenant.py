"""What a snapshot file holds of a tenant: its captures as a view, normalized."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mockfuse.capture.services import Services
from mockfuse.snapshot.normalize import normalize
from mockfuse.snapshot.views import VIEWS, build_view


def normalized_snapshot(
    services: Services,
    tenant: str | None,
    *,
    view: str = "traces",
    ignore: Iterable[str] = (),
    keep: Iterable[str] = (),
    volatile: Iterable[str] = (),
) -> list[Any]:
    """A tenant's captures as ``view``, normalized: what a snapshot file holds."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; choose one of {list(VIEWS)}")
    return normalize(
        view, build_view(services, tenant, view), ignore=ignore, keep=keep, volatile=volatile
    )
