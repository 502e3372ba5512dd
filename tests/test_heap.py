"""Memory a large solve freed goes back to the system before the report (`heap`)."""

from __future__ import annotations

import pytest

from guarantor import heap


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(heap._libc() is None, reason="no glibc malloc_trim here")
def test_freed_heap_pages_are_returned() -> None:
    # 1 KB blocks come from the C heap (not from mmap, which returns freed blocks at once), as
    # HiGHS's model, presolve and search data do
    blocks = [bytes(1000) + bytes([i % 256]) for i in range(120_000)]
    keep = blocks[-1]  # one live block at the top of the heap, so plain `free` cannot shrink it
    del blocks
    before = _rss_mib()
    assert heap.release_freed_memory()
    assert _rss_mib() < before - 50  # ~115 MB were freed but still mapped
    assert keep[-1] == 119_999 % 256
