"""Analysis commands: sweep, sensitivity, uncertainty, pareto, replot (registered by `guarantor.cli.app`).

Thin: parse options, call `guarantor.analysis`, write the report folder, print where it
is. Heavy imports (numpy, pandas, matplotlib, HiGHS) happen inside the commands, so
`guarantor --help` stays fast. No `from __future__ import annotations` here: typer reads
the option types from annotations evaluated inside `register`.
"""

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer


@contextmanager
def progress_bar(label: str, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr; yields the callback analyses report progress to."""
    if quiet:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _load(scenario: Path, overrides: list[str] | None) -> Any:
    from guarantor.scenario.loading import load_scenario

    return load_scenario(scenario, overrides or [])


def _options(loaded: Any, solver: str | None, time_limit: float | None, gap: float | None) -> tuple[Any, str]:
    from guarantor.errors import InputError, Origin, Problem
    from guarantor.solve.fast import FastOptions

    base = loaded.scenario.solver
    name = solver or base.name
    if name not in ("highs", "cbc"):
        raise InputError(
            [Problem(Origin("--solver"), "solver", f"unknown solver {name!r}; expected highs or cbc")]
        )
    options = FastOptions(
        time_limit if time_limit is not None else base.time_limit, gap if gap is not None else base.gap
    )
    return options, name


def report_workers() -> int:
    """Report workers for a real command (none for library callers and in-process test runs)."""
    from guarantor.cli.common import STATE
    from guarantor.report.rendering import chart_workers

    return chart_workers() if STATE.get("chart_workers") else 0


def report_renderer() -> Any:
    """The analysis report's workers (forked from the server `cli.prestart` started), shut down on
    leaving the block: they draw the charts and write the documents while the command writes data."""
    from guarantor.analysis.reportjobs import CHART_FORMATS, REPORT_PRELOAD
    from guarantor.report.rendering import chart_renderer

    return chart_renderer(CHART_FORMATS, report_workers(), REPORT_PRELOAD)


def _done(folder: Path, lines: list[str], quiet: bool) -> int:
    if not quiet:
        for line in lines:
            typer.echo(line)
        typer.echo(f"report: {folder}")
    return 0


def register(app: typer.Typer, guarded: Callable[[Callable[[], int]], None]) -> None:
    """Add the analysis commands to the main CLI."""
    from guarantor.analysis.limits import check_size
    from guarantor.cli.common import (
        AllowLargeOption,
        GapOption,
        OutOption,
        QuietOption,
        SetOption,
        SolverOption,
        TimeOption,
        fraction,
        scheduler_address,
    )

    Seed = Annotated[
        int, typer.Option("--seed", min=0, help="Seed (>= 0): same seed, same results, any worker count.")
    ]

    Scenario = Annotated[Path, typer.Argument(help="Scenario YAML file.")]

    @app.command()
    def sweep(
        scenario: Scenario,
        vary: Annotated[
            list[str],
            typer.Option(
                "--vary", help="key.path=START:STOP:STEPS or key.path=v1,v2,... (repeat for a 2-D grid)."
            ),
        ],
        out: OutOption = Path("reports"),
        solver: SolverOption = None,
        time_limit: TimeOption = None,
        gap: GapOption = None,
        set_: SetOption = None,
        quiet: QuietOption = False,
        allow_large: AllowLargeOption = False,
    ) -> None:
        """Solve a grid of input values; chart the cost and mark where the US tier changes."""

        def run() -> int:
            from guarantor.analysis.report import write_analysis
            from guarantor.analysis.sweep import parse_vary, run_sweep
            from guarantor.analysis.tables import sweep_tables

            loaded = _load(scenario, set_)
            options, name = _options(loaded, solver, time_limit, gap)
            axes = [parse_vary(v, loaded.resolved.data) for v in vary]
            check_size("--vary", math.prod(len(a.values) for a in axes), "grid points", allow_large)
            with report_renderer() as renderer:
                with progress_bar("sweep", quiet) as progress:
                    result = run_sweep(loaded.resolved.data, axes, options, name, progress)
                info = {
                    "axes": [a.path for a in axes],
                    "tiers": result.tiers,
                    "meta": result.meta,
                    "options": vars(options) | {"solver": name},
                }
                tables = sweep_tables(result)
                folder = write_analysis("sweep", loaded, tables, info, out, info["axes"], renderer)
            from guarantor.analysis.findings import sweep_findings, tier_labels

            return _done(folder, sweep_findings(result, tier_labels(loaded.resolved.data)), quiet)

        guarded(run)

    @app.command()
    def sensitivity(
        scenario: Scenario,
        delta: Annotated[
            float,
            typer.Option(
                "--delta", help="Relative change for the tornado (0-1; 0.2 = ±20%).", callback=fraction
            ),
        ] = 0.2,
        params: Annotated[
            str | None,
            typer.Option("--params", help="Comma-separated key paths (default: all numeric inputs)."),
        ] = None,
        sobol: Annotated[
            int, typer.Option("--sobol", min=0, help="Sobol base sample size N (0: skip; uses SALib).")
        ] = 0,
        seed: Seed = 0,
        out: OutOption = Path("reports"),
        solver: SolverOption = None,
        time_limit: TimeOption = None,
        gap: GapOption = None,
        set_: SetOption = None,
        quiet: QuietOption = False,
        allow_large: AllowLargeOption = False,
    ) -> None:
        """Tornado of every input (±delta), LP ranging report, US-tier tipping points, optional Sobol."""

        def run() -> int:
            from guarantor.analysis.report import write_analysis
            from guarantor.analysis.sensitivity import run_sensitivity
            from guarantor.analysis.tables import sensitivity_tables

            loaded = _load(scenario, set_)
            options, name = _options(loaded, solver, time_limit, gap)
            chosen = [p.strip() for p in params.split(",") if p.strip()] if params else None
            if sobol:
                inputs = len(chosen) if chosen else 8  # Sobol varies the 8 largest swings by default
                solves = (1 << max(2, (max(sobol, 4) - 1).bit_length())) * (inputs + 2)
                check_size("--sobol", solves, "Sobol solves", allow_large)
            with report_renderer() as renderer:
                with progress_bar("sensitivity", quiet) as progress:
                    result = run_sensitivity(
                        loaded.resolved.data, delta, chosen, sobol, seed, options, name, progress
                    )
                ranging = result.ranging
                no_ranging = "Lexicographic objective: no ranging report."
                info = {
                    "base_objective": result.base_objective,
                    "base_tier": result.base_tier,
                    "seed": seed,
                    "ranging_method": ranging.method if ranging else None,
                    "ranging_note": ranging.note if ranging else no_ranging,
                    "tiers": [],
                    "options": vars(options) | {"solver": name},
                    **result.meta,
                }
                tables = sensitivity_tables(result)
                folder = write_analysis("sensitivity", loaded, tables, info, out, renderer=renderer)
            from guarantor.analysis.findings import sensitivity_findings, tier_labels

            in_money = loaded.scenario.objective.type == "min_cost"
            lines = sensitivity_findings(result, tier_labels(loaded.resolved.data), in_money)
            return _done(folder, lines, quiet)

        guarded(run)

    @app.command()
    def uncertainty(
        scenario: Scenario,
        samples: Annotated[int, typer.Option("--samples", min=1, help="Number of samples.")] = 1000,
        seed: Seed = 0,
        workers: Annotated[
            int | None, typer.Option("--workers", min=1, help="Worker processes (default: all cores).")
        ] = None,
        scheduler: Annotated[
            str | None,
            typer.Option(
                "--scheduler",
                help="Dask scheduler, e.g. tcp://host:8786 (needs guarantor[distributed]).",
                callback=scheduler_address,
            ),
        ] = None,
        spread: Annotated[
            float,
            typer.Option(
                "--spread",
                help="With no distributions declared: vary every cost input uniformly within ±spread (0-1).",
                callback=fraction,
            ),
        ] = 0.3,
        sampling: Annotated[
            str | None, typer.Option("--sampling", help="lhs or random (default: the scenario's, else lhs).")
        ] = None,
        out: OutOption = Path("reports"),
        solver: SolverOption = None,
        time_limit: TimeOption = None,
        gap: GapOption = None,
        set_: SetOption = None,
        quiet: QuietOption = False,
        allow_large: AllowLargeOption = False,
    ) -> None:
        """Monte Carlo over the scenario's uncertain inputs: cost distribution, US tier frequency, drivers."""

        def run() -> int:
            from guarantor.analysis.findings import tier_labels, uncertainty_findings
            from guarantor.analysis.report import write_report
            from guarantor.analysis.tables import uncertainty_tables
            from guarantor.analysis.uncertainty import (
                plan_uncertainty,
                run_uncertainty,
                worker_count,
                worker_pool,
            )
            from guarantor.analysis.workers import close_pool
            from guarantor.errors import GuarantorError, InputError, Origin, Problem

            if sampling not in (None, "lhs", "random"):
                raise InputError([Problem(Origin("--sampling"), "sampling", "expected lhs or random")])
            check_size("--samples", samples, "samples", allow_large)
            count = worker_count(workers, samples) if not scheduler else 1
            # the solving workers are forked first (nothing has run HiGHS yet, and no thread runs);
            # the report's workers come from a server that imports the report stack meanwhile
            with worker_pool(count, fork=True) as pool, report_renderer() as renderer:
                loaded = _load(scenario, set_)
                options, name = _options(loaded, solver, time_limit, gap)
                data = loaded.resolved.data
                plan = plan_uncertainty(data, samples, seed, options, name, spread, sampling, pool)
                with progress_bar("uncertainty", quiet) as progress:
                    try:
                        result = run_uncertainty(plan, count, scheduler, progress, pool)
                    except OSError as error:
                        if not scheduler:
                            raise
                        raise GuarantorError(f"--scheduler: cannot reach {scheduler}: {error}") from None
                close_pool(pool)
                info = {
                    "seed": seed,
                    "spread": spread,
                    "tiers": result.tiers,
                    "meta": result.meta,
                    "options": vars(options) | {"solver": name},
                }
                labels = tier_labels(data)
                written = write_report(
                    "uncertainty",
                    loaded,
                    (uncertainty_tables, (result,)),
                    info,
                    out,
                    renderer=renderer,
                    findings=(uncertainty_findings, (result.meta, labels)),
                )
            return _done(written.folder, written.findings, quiet)

        guarded(run)

    @app.command()
    def pareto(
        scenario: Scenario,
        objectives: Annotated[
            str,
            typer.Option(
                "--objectives",
                help="Two of cost, us_involvement, deployed_force, europe_share, europe_cost_share.",
            ),
        ] = "cost,us_involvement",
        points: Annotated[
            int, typer.Option("--points", min=2, help="Epsilon levels along the frontier (>= 2).")
        ] = 11,
        out: OutOption = Path("reports"),
        solver: SolverOption = None,
        time_limit: TimeOption = None,
        gap: GapOption = None,
        set_: SetOption = None,
        quiet: QuietOption = False,
        allow_large: AllowLargeOption = False,
    ) -> None:
        """Trade-off frontier between two objectives (epsilon-constraint), knee point marked."""

        def run() -> int:
            from guarantor.analysis.pareto import OBJECTIVES, run_pareto
            from guarantor.analysis.report import write_analysis
            from guarantor.analysis.tables import pareto_tables
            from guarantor.errors import InputError, Origin, Problem

            check_size("--points", points, "frontier points", allow_large)
            loaded = _load(scenario, set_)
            options, name = _options(loaded, solver, time_limit, gap)
            if name != "highs":
                raise InputError([Problem(Origin("--solver"), "solver", "pareto runs on HiGHS in-process")])
            pair = tuple(o.strip() for o in objectives.split(","))
            with report_renderer() as renderer:
                with progress_bar("pareto", quiet) as progress:
                    result = run_pareto(loaded.resolved.data, pair, points, options, progress)  # type: ignore[arg-type]
                tables = pareto_tables(result)
                info = {
                    "objectives": list(result.objectives),
                    "labels": [OBJECTIVES[o][1] for o in result.objectives],
                    "held": result.meta["held"],
                    "tiers": [t.id for t in result.formulation.params.tiers],
                    "meta": result.meta,
                    "options": vars(options) | {"solver": name},
                }
                about = list(result.objectives)
                folder = write_analysis("pareto", loaded, tables, info, out, about, renderer)
            from guarantor.analysis.findings import pareto_findings
            from guarantor.analysis.pareto import conflicting_pair

            single = len(result.values) == 1
            suggestion = (
                conflicting_pair(loaded.resolved.data, result.objectives, options) if single else None
            )
            return _done(folder, pareto_findings(result, suggestion), quiet)

        guarded(run)

    @app.command()
    def replot(
        folder: Annotated[
            Path,
            typer.Argument(
                help="An analysis report folder written by sweep, sensitivity, uncertainty or pareto."
            ),
        ],
    ) -> None:
        """Redraw an analysis report's charts and documents from its saved data, without solving."""

        def run() -> int:
            from guarantor.analysis.report import replot as redraw

            typer.echo(f"report: {redraw(folder)}")
            return 0

        guarded(run)
