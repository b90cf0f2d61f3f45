"""Short pauses for a long-running ``mockfuse serve`` whose store keeps growing.

Every capture is kept, so the heap grows by objects that live as long as the server, and
CPython's cyclic collector walks all of them on each full collection: in a load test, answers
stall for a hundred milliseconds or more (the p99 of ``bench/ingestion_shapes.py``). What the
store keeps holds no reference cycles and is freed by reference counting, so after a
collection the survivors are moved out of the collector's sight (``gc.freeze``) and later
collections walk only what is new.

Only ``serve`` does this: the pytest fixture's server shares the test process's heap, where
freezing would keep the tests' own unreachable cycles alive.
"""

from __future__ import annotations

import gc

# Captures between two settlings: often enough that a full collection never meets a large
# unfrozen heap (each pauses answers for about half a millisecond; every 1000 captures, two),
# rarely enough that the collection each one runs costs nothing measurable.
SETTLE_EVERY = 250


def settle() -> None:
    """Collect what is garbage now, then keep the collector off every survivor."""
    gc.collect()
    gc.freeze()
