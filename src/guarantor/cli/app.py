"""Command-line interface: a thin layer over the library.

Heavy libraries (pulp, pandas, matplotlib) are imported inside commands so that
`guarantor --help` starts fast. Exit codes: 0 solved, 1 internal error, 2 input or
usage error, 3 infeasible, 4 no solution from the solver.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from guarantor import __version__
from guarantor.cli.common import (
    EXIT_OK,
    STATE,
    Charts,
    ChartsOption,
    GapOption,
    JsonOption,
    QuietOption,
    RunOutOption,
    SetOption,
    SolverOption,
    TimeOption,
    fail,
    guarded,
    output_folder,
)

app = typer.Typer(
    name="guarantor",
    help="Who sends what, who pays, and how much US air support a security guarantee needs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Click's plain help and usage errors: rich's formatter costs ~0.2 s of imports, the most
    # of `guarantor --help`, and plain text reads the same in every terminal, pipe and log.
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"guarantor {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """Guarantor: optimisation of security-guarantee options for Ukraine."""
    STATE["debug"] = debug


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Model or scenario YAML files to check.")],
    set_: SetOption = None,
) -> None:
    """Check model and scenario files; report every problem as file:line:column: key: message."""

    def run() -> int:
        from guarantor.errors import InputError
        from guarantor.scenario.loading import is_model_file, load_model, load_scenario

        problems = []
        for path in paths:
            try:
                if is_model_file(path):
                    load_model(path)
                else:
                    load_scenario(path, set_ or [])
                typer.echo(f"ok: {path}")
            except InputError as error:
                problems.extend(error.problems)
        if problems:
            return fail(InputError(problems))
        return EXIT_OK

    guarded(run)


@app.command()
def schema(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for model.schema.json and scenario.schema.json.", callback=output_folder
        ),
    ] = None,
) -> None:
    """Write JSON Schemas so YAML editors autocomplete and flag errors (stdout: scenario schema)."""

    def run() -> int:
        from guarantor.scenario.jsonschema import scenario_file_schema, write_schemas

        if out is None:
            typer.echo(json.dumps(scenario_file_schema(), indent=2))
        else:
            for path in write_schemas(out):
                typer.echo(f"wrote {path}")
        return EXIT_OK

    guarded(run)


@app.command()
def resolve(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    set_: SetOption = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show which file and line set every value.")
    ] = False,
) -> None:
    """Print the fully merged scenario (base model, extends chain, overrides)."""

    def run() -> int:
        from guarantor.scenario.loading import load_scenario
        from guarantor.scenario.provenance import explain_lines, resolved_yaml

        loaded = load_scenario(scenario, set_ or [])
        typer.echo("\n".join(explain_lines(loaded.resolved)) if explain else resolved_yaml(loaded.resolved))
        return EXIT_OK

    guarded(run)


@app.command()
def solve(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario YAML files.")],
    out: RunOutOption = None,
    solver: SolverOption = None,
    time_limit: TimeOption = None,
    gap: GapOption = None,
    set_: SetOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    check: Annotated[
        bool, typer.Option("--check/--no-check", help="Verify each solution with the independent checker.")
    ] = True,
    save_plan: Annotated[
        bool, typer.Option("--save-plan", help="Also write the solution as plan.yaml for `evaluate`.")
    ] = False,
    robustness: Annotated[
        bool,
        typer.Option(
            "--robustness/--no-robustness",
            help="Say which troops and payments are firm across equally cheap plans (re-solves; default on).",
        ),
    ] = True,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain/--no-explain",
            help="Why this plan: explanations each confirmed by re-solving (default on).",
        ),
    ] = True,
    charts: ChartsOption = Charts.both,
    fast: Annotated[
        bool,
        typer.Option(
            "--fast",
            help="Quick what-if: summary, results.json and CSVs only (no charts, documents, robustness).",
        ),
    ] = False,
) -> None:
    """Solve scenarios, print a summary and write one report folder per scenario."""

    def run() -> int:
        from guarantor.cli.solving import ReportChoice, solve_many

        report = ReportChoice.fast() if fast else ReportChoice.of(charts.value)
        return solve_many(
            scenarios,
            out,
            solver,
            time_limit,
            gap,
            set_ or [],
            as_json,
            quiet,
            check,
            save_plan,
            robustness and not fast,
            report,
            explain and not fast,
        )

    guarded(run)


@app.command()
def check(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    results: Annotated[Path, typer.Argument(help="results.json written by solve, or a plan YAML.")],
    set_: SetOption = None,
) -> None:
    """Verify a saved solution against every constraint of the scenario, independently of the solver."""

    def run() -> int:
        from guarantor.cli.solving import check_saved

        return check_saved(scenario, results, set_ or [])

    guarded(run)


def _register_optional() -> None:
    """Commands that live in their own modules (analysis, plans, comparison)."""
    from guarantor.cli import alternatives, analysis, compare, plans, serve, sources, watch

    for module in (compare, analysis, plans, watch, serve, alternatives, sources):
        module.register(app, guarded)


_register_optional()


def main() -> None:
    """Console-script entry point (as a real command, charts may render on worker processes)."""
    STATE["chart_workers"] = True
    try:
        app()
    except SystemExit:
        raise
    except Exception as error:  # pragma: no cover - last resort
        sys.exit(fail(error))
