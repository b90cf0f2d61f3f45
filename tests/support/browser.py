"""Headless Chromium, driven by Playwright, for the viewer's tests.

The browser is Debian's (``apt-get install chromium``; ``.ci/run`` installs it), found at
``/usr/bin/chromium`` or ``$MOCKFUSE_CHROMIUM``. Without one the browser tests skip, unless
``MOCKFUSE_REQUIRE_BROWSER=1`` (CI sets it) makes a missing browser a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(os.environ.get("MOCKFUSE_ARTIFACTS", "test-artifacts"))

# As root, Chromium needs --no-sandbox; the network flags keep it from calling home on a
# machine whose only network is loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """The Chromium to drive; skips (or, in CI, fails) the test when there is none."""
    path = os.environ.get("MOCKFUSE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if Path(path).exists():
        return path
    message = "no Chromium (apt-get install chromium) for the viewer's browser tests"
    if os.environ.get("MOCKFUSE_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


def screenshot_path(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"
