"""What every command shares: exit codes, common options, and the mapping of errors to exit codes.

Exit codes: 0 solved, 1 internal error (a bug in Guarantor), 2 input or usage error,
3 infeasible, 4 no solution from the solver.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION = 0, 1, 2, 3, 4

STATE = {"debug": False}

SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a value: key.path=value (named list items by id). Repeatable."),
]
OutOption = Annotated[
    Path, typer.Option("--out", help="Parent folder; each scenario writes its own sub-folder.")
]
SolverOption = Annotated[str | None, typer.Option("--solver", help="Solver: highs (default) or cbc.")]
TimeOption = Annotated[float | None, typer.Option("--time-limit", help="Solver time limit in seconds.")]
GapOption = Annotated[
    float | None, typer.Option("--gap", help="Relative MIP gap at which to stop (e.g. 0.01).")
]
QuietOption = Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print results as JSON on stdout.")]


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
