"""Atomic output: files and whole report folders appear complete or not at all."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


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
    """Write via a temporary file in the same folder, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    write_text(path, json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False, default=str) + "\n")


@contextmanager
def report_folder(parent: Path, name: str) -> Iterator[Path]:
    """Build a report in a hidden staging folder; swap it in only when complete.

    A failure leaves any previous good report untouched.
    """
    parent.mkdir(parents=True, exist_ok=True)
    target = parent / safe_name(name)
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.staging-"))
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
