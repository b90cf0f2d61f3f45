"""Snapshots this project keeps under snapshots/: the canonical seed batch in each view."""

from __future__ import annotations

import pytest

from tests.support.http import post_json, seed_batch


@pytest.mark.parametrize("view", ["traces", "events", "requests"])
def test_seed_batch_snapshot(mockfuse, view):
    post_json(mockfuse, "/api/public/ingestion", seed_batch())
    mockfuse.assert_snapshot(view=view)
