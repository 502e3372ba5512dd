"""Give memory freed by a large solve back to the system before the report is built.

Why: HiGHS allocates its model, presolve and branch-and-bound data with the C allocator, and
glibc keeps the freed pages mapped: at 1,600 contributors × 10 periods the command held ~100 MiB
it no longer used through the whole report, on top of what the report needs (its largest
process 910 MiB; `malloc_trim` took it from 709 to 611 MiB after the solve). Elsewhere (no glibc,
or another C library) this does nothing.
"""

from __future__ import annotations

import ctypes
import functools
from typing import Any


@functools.cache
def _libc() -> Any:
    """The C library's `malloc_trim`, looked up among the symbols already loaded (no `find_library`,
    which runs `ldconfig` in a subprocess)."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


TRIM_COLUMNS = 20_000
"""Models from this size on hand the freed memory of their solves back (a trim takes milliseconds,
which small solves, run in loops by the analyses, should not pay)."""


def release_freed_memory() -> bool:
    """Return the C heap's free pages to the system; whether anything could be asked."""
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
