"""A report's pickled bundle handed to its workers through one temporary file.

Why: a job's arguments are pickled into the pool's pipe once per job. A solve report has about
ten jobs, and at 1,600 contributors × 10 periods its bundle is ~50 MB, so passing the bytes
with every job copied half a gigabyte through pipes and held several copies in memory at once.
With a file, each job carries its path, and each worker reads the bundle once (`read_once`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged(blob: bytes) -> Iterator[str]:
    """The path of a temporary file holding `blob`, removed when the block ends (even on error)."""
    fd, name = tempfile.mkstemp(prefix="guarantor-report-", suffix=".pickle")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
        yield name
    finally:
        Path(name).unlink(missing_ok=True)


def read_once(where: str | None) -> bytes:
    """The bundle a worker was handed (`where` is None only in process, where nothing is read)."""
    assert where is not None, "a worker needs the pickled bundle"
    return Path(where).read_bytes()
