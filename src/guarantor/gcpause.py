"""Cyclic garbage collection paused while a phase builds many long-lived objects.

Why: loading a scenario, building its model, handing it to PuLP and reading the answer back
each create millions of objects that live until the command ends and hold no reference
cycles. CPython's collector scans them again and again as the heap grows (its full passes
come each time the heap grows by a quarter), which made these phases grow faster than the
model: at 1,600 contributors × 10 periods loading took 2.9 s with the collector on and
1.2 s with it paused, the hand-over 3.6 s against 2.2 s (`benchmarks/scale.py`). Reference
counting still frees everything as usual; any cycle made meanwhile is collected at the first
pass after the phase.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside the block (nested blocks keep it off until the outermost ends)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def keep_for_good() -> None:
    """Leave every object alive now out of all later collections (`gc.freeze`).

    Why: a command's scenario and answer (a million objects at 1,600 contributors x 10 periods)
    live until the command ends, yet each later full pass scanned them again: after the solve
    those passes took 0.2-0.65 s each (main process 2.4 s of collection in all, now 1.0 s; the
    report workers, after unpickling, likewise). Only where nothing left behind is cyclic garbage,
    which a frozen heap would keep: loading, solving and unpickling leave none (tested); a frozen
    object is still freed by reference counting. Processes that keep running across reports call
    `thaw` when they drop what they froze. (Frozen right after loading, the command's peak inside
    HiGHS rose by ~20-30 MiB in three runs, so `solve` freezes once the solve is done.)"""
    gc.freeze()


def thaw() -> None:
    """Hand the frozen objects back to the collector (before a process drops what it froze)."""
    gc.unfreeze()
