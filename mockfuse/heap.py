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

# Captures between two settlings: often enough that a collection never meets a large unfrozen
# heap (each settling pauses answers for about 0.15 ms under load), rarely enough that the
# collections they run cost under 1% of the server's time.
SETTLE_EVERY = 250


def settle() -> None:
    """Collect what is garbage now, then keep the collector off every survivor."""
    # Only the young generations hold objects unseen since the last settling, unless an
    # automatic collection has moved some into the oldest since (its count then shows it):
    # a full collection is run only then, as it also empties CPython's free lists, whatever
    # little is new (in ``serve`` under load, 0.18 ms a settling against 0.14).
    gc.collect(2 if gc.get_count()[2] else 1)
    gc.freeze()  # which also sets every generation's count back to 0
