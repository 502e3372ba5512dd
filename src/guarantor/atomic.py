"""Atomic output: files and whole report folders appear complete or not at all."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from guarantor import jsonlayout


def safe_name(name: str) -> str:
    """A folder name from a scenario name that cannot escape the output folder."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")
    return cleaned[:100] or "scenario"


def _umask() -> int:
    """The process umask (temporary files are created 0600; finished ones get normal permissions)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text with Unix line endings via a temporary file renamed over the target."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename over the target."""
    with _replacing(path) as tmp, open(tmp, "wb") as handle:
        handle.write(data)


@contextmanager
def _replacing(path: Path) -> Iterator[str]:
    """A temporary file beside `path` for the caller to fill; renamed over `path` if all went well."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    """JSON in Guarantor's layout (`jsonlayout`), streamed to the file as it is encoded."""
    with _replacing(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        jsonlayout.dump(data, handle)


STALE = re.compile(r"^\.(?P<name>.+)\.(?:staging|old)-(?:(?P<pid>\d+)(?:-|$))?")
ORPHAN_AGE = 24 * 3600.0
"""A staging folder whose process still seems alive is removed anyway after a day (pid reuse)."""
UNOWNED_AGE = 600.0
"""Staging folders named without a process id (older versions) are stale after ten minutes."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(parent: Path) -> list[Path]:
    """Delete hidden staging and backup folders left by killed runs; return what was removed.

    Each is named `.<folder>.staging-<pid>-…` or `.<folder>.old-<pid>`, so one whose process
    is gone is known to be abandoned, while a concurrent run's staging folder is left alone.
    """
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        match = STALE.match(entry.name)
        if match is None or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        pid = match["pid"]
        if pid is None:
            stale = age > UNOWNED_AGE
        else:
            stale = int(pid) != os.getpid() and (not _alive(int(pid)) or age > ORPHAN_AGE)
        if stale:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


@contextmanager
def report_folder(parent: Path, name: str) -> Iterator[Path]:
    """Build a report in a hidden staging folder; swap it in only when complete.

    A failure leaves any previous good report untouched; staging and backup folders that a
    killed run left behind are removed first (`remove_stale`).
    """
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale(parent)
    target = parent / safe_name(name)
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.staging-{os.getpid()}-"))
    os.chmod(staging, 0o777 & ~_umask())
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    backup = None
    if target.exists():
        backup = parent / f".{target.name}.old-{os.getpid()}"
        os.replace(target, backup)
    os.replace(staging, target)
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
