"""`guarantor compare`: solve several scenarios and show them side by side.

Registered on the main app by `cli._register_optional`; heavy imports (pandas,
matplotlib) happen only when the command runs, so `guarantor --help` stays fast. No
`from __future__ import annotations` here: typer must evaluate the option annotations,
which are imported from `guarantor.cli.app` inside `register`.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from guarantor import jsonlayout

if TYPE_CHECKING:
    from guarantor.report.compare import Run


def compare_many(
    paths: list[Path],
    out: Path,
    solver: str | None,
    time_limit: float | None,
    gap: float | None,
    overrides: list[str],
    as_json: bool,
    quiet: bool,
) -> int:
    """Load every scenario (all input problems reported at once), solve, write the comparison."""
    from guarantor.api import options_for, solve_scenario
    from guarantor.cli.solving import EXIT_INFEASIBLE, EXIT_NO_SOLUTION, EXIT_OK
    from guarantor.errors import InputError, Origin, Problem
    from guarantor.model.params import build_params
    from guarantor.report.compare import Run, unique_names
    from guarantor.report.reporting import write_compare_report
    from guarantor.scenario.loading import load_scenario

    problems: list[Problem] = []
    if len(paths) < 2:
        problems.append(Problem(Origin("compare"), "SCENARIO", "give at least two scenario files to compare"))
    if solver is not None and solver not in ("highs", "cbc"):
        problems.append(
            Problem(Origin("--solver"), "solver", f"unknown solver {solver!r}; expected highs or cbc")
        )
    loaded = []
    for path in paths:
        try:
            loaded.append(load_scenario(path, overrides))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    names = unique_names([item.scenario.name for item in loaded])
    runs = []
    for name, item in zip(names, loaded, strict=True):
        options = options_for(item, solver=solver, time_limit=time_limit, gap=gap)
        runs.append(Run(name, item, build_params(item.scenario), solve_scenario(item, options)))
    folder, payload = write_compare_report(runs, out)
    if as_json:
        typer.echo(jsonlayout.dumps(payload), nl=False)
    elif not quiet:
        print_comparison(runs, folder)
    codes = {"optimal": EXIT_OK, "feasible": EXIT_OK, "infeasible": EXIT_INFEASIBLE}
    worst = [codes.get(str(run.result.status), EXIT_NO_SOLUTION) for run in runs]
    return max(worst, key=[EXIT_OK, EXIT_NO_SOLUTION, EXIT_INFEASIBLE].index)


def print_comparison(runs: list["Run"], folder: Path) -> None:
    """A rich table: one column per scenario, the summary rows, then troops and funding by contributor."""
    from rich.console import Console
    from rich.table import Table

    from guarantor.report.compare import SUMMARY_ROWS, by_contributor, summary
    from guarantor.report.documents import fmt

    names = [run.name for run in runs]
    table = Table(title="Scenarios side by side")
    table.add_column("")
    for name in names:
        table.add_column(name, justify="right")
    s = summary(runs)
    for column, label, kind in SUMMARY_ROWS:
        table.add_row(label, *(fmt(s.loc[n, column], kind) for n in names))
    for what, kind in (("troops", "int"), ("funding", "usd_m")):
        rows = by_contributor(runs, what)
        table.add_section()
        for contributor, row in rows.iterrows():
            table.add_row(f"{contributor}, {what}", *(fmt(row[n], kind) for n in names))
    console = Console()
    console.print(table)
    console.print(f"report: {folder}")


def register(app: typer.Typer, guarded: Callable[[Callable[[], int]], None]) -> None:
    """Add `compare` to the main app (called by `guarantor.cli.app`)."""
    from guarantor.cli.common import (
        GapOption,
        JsonOption,
        OutOption,
        QuietOption,
        SetOption,
        SolverOption,
        TimeOption,
    )

    @app.command()
    def compare(
        scenarios: Annotated[list[Path], typer.Argument(help="Two or more scenario YAML files.")],
        out: OutOption = Path("reports"),
        solver: SolverOption = None,
        time_limit: TimeOption = None,
        gap: GapOption = None,
        set_: SetOption = None,
        as_json: JsonOption = False,
        quiet: QuietOption = False,
    ) -> None:
        """Solve scenarios and compare them side by side; writes <out>/compare-<names>/."""
        guarded(lambda: compare_many(scenarios, out, solver, time_limit, gap, set_ or [], as_json, quiet))
