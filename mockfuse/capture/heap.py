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
