"""`guarantor alternatives`: how much each contributor could send and pay within a slack of the optimum.

Thin: parse options, call `guarantor.analysis.alternatives`, write the analysis folder,
print the headline. No `from __future__ import annotations`: typer reads the option types
from annotations evaluated inside `register`.
"""

import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer


def _slack(value: float) -> float:
    """`--slack`: a finite fraction from 0 (ties only) to 1."""
    if not (math.isfinite(value) and 0 <= value <= 1):
        raise typer.BadParameter(f"expected a fraction from 0 to 1 (0.02 = within 2 %), got {value:g}")
    return value


def register(app: typer.Typer, guarded: Callable[[Callable[[], int]], None]) -> None:
    from guarantor.cli.common import GapOption, OutOption, QuietOption, SetOption, SolverOption, TimeOption

    @app.command()
    def alternatives(
        scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
        slack: Annotated[
            float,
            typer.Option(
                "--slack",
                help="Explore plans whose objective is within this fraction of the optimum (0-1; 0: ties).",
                callback=_slack,
            ),
        ] = 0.02,
        plans: Annotated[
            int, typer.Option("--plans", min=0, max=50, help="Maximally different plans to list (0-50).")
        ] = 5,
        out: OutOption = Path("reports"),
        solver: SolverOption = None,
        time_limit: TimeOption = None,
        gap: GapOption = None,
        set_: SetOption = None,
        quiet: QuietOption = False,
    ) -> None:
        """Min and max of every contribution over the near-optimal plans: firm, flexible or absent."""

        def run() -> int:
            from guarantor.analysis.alternatives import (
                alternatives_info,
                alternatives_tables,
                run_alternatives,
            )
            from guarantor.analysis.report import write_analysis
            from guarantor.cli.analysis import report_renderer
            from guarantor.scenario.loading import load_scenario
            from guarantor.solve.pipeline import options_for

            loaded = load_scenario(scenario, set_ or [])
            options = options_for(loaded, solver=solver, time_limit=time_limit, gap=gap)
            with report_renderer() as renderer:
                found = run_alternatives(loaded, options, slack, plans)
                info = alternatives_info(found, loaded)
                tables = alternatives_tables(found, loaded)
                folder = write_analysis("alternatives", loaded, tables, info, out, renderer=renderer)
            if not quiet:
                typer.echo(found.robustness.headline)
                r = found.robustness
                typer.echo(
                    f"{info['classes']['firm']} firm, {info['classes']['flexible']} flexible, "
                    f"{info['classes']['absent']} absent; {len(r.plans)} plans checked; "
                    f"{r.resolves} re-solves in {r.seconds:.2f} s"
                )
                typer.echo(f"report: {folder}")
            return 0

        guarded(run)
