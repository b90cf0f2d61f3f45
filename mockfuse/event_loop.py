"""The event loop ``mockfuse serve`` runs on: uvloop when it is installed (``pip install
'mockfuse[fast]'``, not on Windows), asyncio's own otherwise.

A loaded ``serve`` spends most of each small request in the loop and its transports, not in
mockfuse: uvloop's, written in C over libuv, take 15% off the instructions ``serve`` executes
for a one-event batch (``bench/ingestion_instructions.py``: 256k against 303k).
Answers are the same on either loop; ``MOCKFUSE_NO_UVLOOP=1`` keeps asyncio's, to compare or to
rule the loop out. The pytest fixture's server runs in a thread of the test process on a loop
of its own (``new_loop``), uvloop's too: every request a test's client sends waits for that
thread, which holds the interpreter's lock while it works, so its loop's cost is the test's.
Neither sets the process's loop policy, which belongs to the user's suite.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine
from typing import Any, TypeVar

try:
    import uvloop
except ImportError:  # the faster loop is optional
    uvloop = None  # type: ignore[assignment]

T = TypeVar("T")

# Whether ``run`` uses uvloop: installed, and not turned off.
UVLOOP = uvloop is not None and not os.environ.get("MOCKFUSE_NO_UVLOOP")


def name() -> str:
    """The loop ``run`` uses, as the banner of ``serve`` names it."""
    return "uvloop" if UVLOOP else "asyncio"


def new_loop() -> asyncio.AbstractEventLoop:
    """A new loop for a thread of its own (``MockfuseServer``'s), of the kind ``run`` uses."""
    if UVLOOP:
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``, on uvloop when ``UVLOOP``."""
    if UVLOOP:
        return uvloop.run(main)
    return asyncio.run(main)
