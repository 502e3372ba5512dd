"""How many solves one analysis may ask for: a typo (`--samples 1000000000`) must not run for days.

Up to `DEFAULT_SOLVES` runs without asking; up to `MAX_SOLVES` with `--allow-large`
(`allow_large=True`), beyond that never (the result arrays alone would not fit in memory).
"""

from __future__ import annotations

from guarantor.errors import InputError, Origin, Problem

DEFAULT_SOLVES = 100_000
"""Solves an analysis may run without `--allow-large` (minutes on a laptop)."""

MAX_SOLVES = 2_000_000
"""Solves an analysis may run at all, even with `--allow-large`."""


def check_size(flag: str, count: int, what: str, allow_large: bool = False) -> None:
    """Refuse a run of `count` solves (or points) above the limit, naming the limit and the way past it."""
    limit = MAX_SOLVES if allow_large else DEFAULT_SOLVES
    if count <= limit:
        return
    if allow_large or count > MAX_SOLVES:
        hint = f"the most Guarantor runs is {MAX_SOLVES:,}; split the study into several runs"
    else:
        hint = f"the limit is {DEFAULT_SOLVES:,} without --allow-large (at most {MAX_SOLVES:,} with it)"
    raise InputError([Problem(Origin(flag), "", f"{count:,} {what} requested; {hint}")])
