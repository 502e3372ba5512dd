"""What every command shares: exit codes, common options, and the mapping of errors to exit codes.

Exit codes: 0 solved, 1 internal error (a bug in Guarantor), 2 input or usage error,
3 infeasible, 4 no solution from the solver.
"""

from __future__ import annotations

import errno
import math
import os
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION = 0, 1, 2, 3, 4

STATE = {"debug": False, "chart_workers": False}
"""`chart_workers`: set by the console entry point; in-process callers (tests) render in process."""


def _time_limit(value: float | None) -> float | None:
    """`--time-limit`: a finite number of seconds above 0 (NaN and inf are refused)."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"expected a number of seconds > 0, got {value:g}")
    return value


def _gap(value: float | None) -> float | None:
    """`--gap`: a relative gap between 0 and 1."""
    if value is not None and not (math.isfinite(value) and 0 <= value <= 1):
        raise typer.BadParameter(f"expected a relative gap between 0 and 1 (e.g. 0.01), got {value:g}")
    return value


def fraction(value: float) -> float:
    """A callback for `--delta` and `--spread`: a finite fraction above 0 and at most 1."""
    if not (math.isfinite(value) and 0 < value <= 1):
        raise typer.BadParameter(f"expected a fraction above 0 and at most 1 (0.2 = ±20 %), got {value:g}")
    return value


def scheduler_address(value: str | None) -> str | None:
    """`--scheduler`: a Dask address such as tcp://host:8786, checked before anything starts."""
    if value is None:
        return None
    match = SCHEDULER.match(value)
    if match is None or not 0 < int(match.group("port")) < 65536:
        raise typer.BadParameter(
            f"expected a Dask scheduler address such as tcp://host:8786, got {value[:80]!r}"
        )
    return value


SCHEDULER = re.compile(
    r"^(?:(?:tcp|tls|ucx|ws|wss)://)?(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\]):(?P<port>[0-9]{1,5})$"
)


def output_folder(value: Path | None) -> Path | None:
    """`--out`: a folder that exists or can be created and written; the path is named when not.

    Checked before any solving, so a typo in `--out` costs nothing; a problem that appears
    later (disk full) is still exit 2 through `fail`.
    """
    if value is None:
        return None
    text = str(value)
    if "\0" in text:
        raise typer.BadParameter(f"{text!r} is not a possible path (it contains a NUL byte)")
    try:
        if value.exists() and not value.is_dir():
            raise typer.BadParameter(f"{text} is a file, not a folder; --out names a folder")
        ancestor = value
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise typer.BadParameter(f"cannot create {text}: {ancestor} is a file, not a folder")
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise typer.BadParameter(f"cannot write to {text}: {ancestor} is read-only")
    except OSError as error:
        raise typer.BadParameter(f"{text} is not a usable path: {error.strerror or error}") from None
    return value


SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a value: key.path=value (named list items by id). Repeatable."),
]
OutOption = Annotated[
    Path,
    typer.Option(
        "--out", help="Parent folder; each scenario writes its own sub-folder.", callback=output_folder
    ),
]
RunOutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Parent folder; each scenario writes its own sub-folder [default: reports; a run with --set "
        "then writes <scenario>-set-<hash>].",
        show_default=False,
        callback=lambda value: None if value is None else output_folder(value),
    ),
]
SolverOption = Annotated[str | None, typer.Option("--solver", help="Solver: highs (default) or cbc.")]
TimeOption = Annotated[
    float | None,
    typer.Option("--time-limit", help="Solver time limit in seconds (> 0).", callback=_time_limit),
]
GapOption = Annotated[
    float | None,
    typer.Option("--gap", help="Relative MIP gap at which to stop (0-1, e.g. 0.01).", callback=_gap),
]


class Charts(StrEnum):
    """Which chart files a report gets (`--charts`)."""

    none = "none"
    png = "png"
    svg = "svg"
    both = "both"


ChartsOption = Annotated[Charts, typer.Option("--charts", help="Chart files to write.")]
QuietOption = Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")]
AllowLargeOption = Annotated[
    bool,
    typer.Option(
        "--allow-large", help="Allow more than 100,000 solves (up to 2,000,000): confirms a large run."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print results as JSON on stdout.")]

_OUTPUT_ERRNOS = {errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.ENAMETOOLONG, errno.EACCES, errno.EPERM}


def _output_problem(error: OSError) -> bool:
    """File-system refusals (read-only, full, permission, not a folder): the user's to fix, exit 2."""
    kinds = PermissionError | FileExistsError | FileNotFoundError | NotADirectoryError | IsADirectoryError
    return isinstance(error, kinds) or (error.errno in _OUTPUT_ERRNOS)


def fail(error: Exception) -> int:
    """Print an error without a traceback (unless --debug) and return its exit code."""
    from guarantor.errors import CheckerError, GuarantorError, InputError, SolverError

    if STATE["debug"]:
        import traceback

        traceback.print_exception(error)
    if isinstance(error, InputError):
        for problem in error.problems:
            typer.echo(f"error: {problem}", err=True)
        typer.echo(f"{len(error.problems)} problem(s) found.", err=True)
        return EXIT_INPUT
    if isinstance(error, CheckerError):
        typer.echo(f"internal error: {error}", err=True)
        return EXIT_INTERNAL
    if isinstance(error, SolverError):
        typer.echo(f"solver error: {error}", err=True)
        return EXIT_NO_SOLUTION
    if isinstance(error, GuarantorError):
        typer.echo(f"error: {error}", err=True)
        return EXIT_INPUT
    if isinstance(error, OSError) and _output_problem(error):
        where = error.filename if error.filename is not None else "output"
        typer.echo(f"error: {where}: {error.strerror or error} (check --out and free space)", err=True)
        return EXIT_INPUT
    typer.echo(
        f"internal error: {type(error).__name__}: {error} (run with --debug for the traceback)", err=True
    )
    return EXIT_INTERNAL


def guarded(run: object) -> None:
    """Run a command body, mapping our exceptions to exit codes."""
    try:
        code = run()  # type: ignore[operator]
    except (typer.Exit, typer.Abort):
        raise
    except Exception as error:
        code = fail(error)
    raise typer.Exit(code or 0)
