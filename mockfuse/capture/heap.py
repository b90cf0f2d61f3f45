"""Short pauses for a long-running ``mockfuse serve`` whose store keeps growing.

Every capture is kept, so the heap grows by objects that live as long as the server, and
CPython's cyclic collector walks all of them on each full collection: in a load test, answers
stall for a hundred milliseconds or more (the p99 of ``bench/ingestion_shapes.py``). What the
store keeps holds no reference cycles and is freed by reference counting, so after a
collection the survivors are moved out of the collector's sight (``gc.freeze``) and later
collections walk only what is new.

And memory the process frees is kept for its next allocations (``hold_freed_memory``):
glibc otherwise hands a large freed block back to the system at once (an inflated export,
ten times its gzip), and the next request's block of that size comes back as fresh pages.

Only ``serve`` does this: the pytest fixture's server shares the test process's heap, where
freezing would keep the tests' own unreachable cycles alive, and its allocator is the
process's, not mockfuse's to tune.
"""

from __future__ import annotations

import ctypes
import gc
import sys

# Captures between two freezes. A freeze walks what the captures since the last one left,
# each object a cache miss by then, so its pause grows with this number while the collector's
# share of the server's time does not: one-event batches fed to ``serve``'s application
# (``bench/ingestion_in_process.py --rounds 9 --requests 20000``), a freeze every 250
# captures paused for a median of 0.06 ms (longest 0.15 ms, automatic collections running
# between freezes), every 50 for 0.02 ms (longest 0.06 ms, none between), the collector's
# time a request 0.52 against 0.33 µs.
FREEZE_EVERY = 50


def freeze_survivors() -> None:
    """Collect what is garbage now, then keep the collector off every survivor."""
    # Only the young generations hold objects unseen since the last freeze, unless an
    # automatic collection has moved some into the oldest since (its count then shows it):
    # a full collection is run only then, as it also empties CPython's free lists, whatever
    # little is new (in ``serve`` under load, 0.18 ms a freeze against 0.14).
    gc.collect(2 if gc.get_count()[2] else 1)
    gc.freeze()  # which also sets every generation's count back to 0


# glibc's mallopt parameter (malloc.h), and what ``hold_freed_memory`` sets it to: free
# memory at the heap's top up to this much stays the process's.
_M_TRIM_THRESHOLD = -1
_TRIM_FROM = 256 * 2**20


def hold_freed_memory() -> bool:
    """Keep freed memory for the process's next allocations rather than return it to the
    system at once (glibc on Linux; elsewhere nothing changes): a 512-span gzip export fed to
    ``serve``'s application (``bench/ingestion_in_process.py``) cost 467 µs of CPU with it
    (the bare handler's 519), about 970 without, its inflated 300 KB paged in afresh for each
    request. Only the trim threshold is set: fixing the threshold above which blocks are
    mapped apart as well made a one-span export cost 73 µs instead of 51. Answers whether it
    could."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_TRIM_THRESHOLD, _TRIM_FROM))
