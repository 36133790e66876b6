"""No cyclic-garbage-collector pauses while a sync builds or writes a big plan.

A first sync of 100k climbs keeps millions of live objects (the plan's records and the server's
versions). CPython's full collections walk all of them while holding the GIL — 0.3–1 s each, many
times per sync — and the UI thread waits that long (QUALITY.md P11: ≤ 50 ms). `bulk_phase()` turns
automatic collection off for its duration (reference counting still frees what is dropped); on the
way out, what is still alive is moved out of the collector's reach (`gc.freeze()`), so collections
after the sync do not walk it either. The next bulk phase gives those objects back to the collector
first (`gc.unfreeze()`); one that became cyclic garbage meanwhile waits until then.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = True


@contextmanager
def bulk_phase() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.unfreeze()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.freeze()
                if _was_enabled:
                    gc.enable()
