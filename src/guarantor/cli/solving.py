"""Command bodies behind the CLI: solve many scenarios, check saved solutions."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from guarantor import jsonlayout
from guarantor.errors import InputError, Origin, Problem

if TYPE_CHECKING:
    from rich.console import RenderableType

EXIT_OK, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION = 0, 2, 3, 4
DEFAULT_OUT = Path("reports")


def _extend(into: list[Any], make: Callable[..., list[Any]], *args: Any) -> None:
    into.extend(make(*args))


def save_plan_file(folder: Path, name: str, result: Any, loaded: Any) -> Path:
    """Write `<name>.yaml`, or `<name>-2.yaml`, ... so a plan already there (perhaps edited) is kept.

    Saving the same plan again reuses its file rather than numbering a copy.
    """
    from guarantor.atomic import write_text
    from guarantor.plans.plan import plan_text

    path, n = folder / f"{name}.yaml", 2
    while path.exists():
        if path.read_text(encoding="utf-8") == plan_text(path, result, loaded):
            return path
        path, n = folder / f"{name}-{n}.yaml", n + 1
    write_text(path, plan_text(path, result, loaded))
    return path


@dataclass(frozen=True)
class ReportChoice:
    """What a solve writes besides results.json and the CSV tables: chart formats, documents."""

    charts: tuple[str, ...]
    documents: bool = True

    @classmethod
    def of(cls, charts: str) -> ReportChoice:
        from guarantor.report.rendering import formats_for

        return cls(formats_for(charts))

    @classmethod
    def fast(cls) -> ReportChoice:
        """`--fast`: what a quick what-if needs (the summary, results.json, CSVs), nothing drawn."""
        return cls((), documents=False)


def solve_many(
    paths: list[Path],
    out: Path | None,
    solver: str | None,
    time_limit: float | None,
    gap: float | None,
    overrides: list[str],
    as_json: bool,
    quiet: bool,
    check: bool,
    save_plan: bool,
    robustness: bool = True,
    report: ReportChoice | None = None,
    explain: bool = True,
) -> int:
    """Solve each scenario; the exit code is the worst outcome (input > infeasible > no solution).

    The report's workers start first (real commands only): their fork server imports the report
    stack while the scenarios load and solve; they are shut down before this returns.
    """
    from guarantor.cli.common import STATE
    from guarantor.report.rendering import CHART_PRELOAD, DOCUMENT_PRELOAD, chart_renderer, chart_workers

    report = report or ReportChoice(("png", "svg"))
    drawn = bool(report.charts or report.documents)
    workers = chart_workers() if STATE.get("chart_workers") and drawn else 0
    preload = CHART_PRELOAD if report.charts else DOCUMENT_PRELOAD
    with chart_renderer(report.charts, workers, preload) as renderer:  # workers warm up from here on
        from rich.console import Console

        from guarantor.answer.verify import verified
        from guarantor.api import options_for, solve_scenario
        from guarantor.gcpause import keep_for_good
        from guarantor.report.reporting import (
            PLAN_FOLDER,
            decided_hook,
            hand_over,
            run_folder_name,
            write_solve_report,
        )
        from guarantor.report.summary import summary_parts
        from guarantor.scenario.loading import load_scenario

        if solver is not None and solver not in ("highs", "cbc"):
            raise InputError(
                [Problem(Origin("--solver"), "solver", f"unknown solver {solver!r}; expected highs or cbc")]
            )
        codes = []
        payloads = []
        input_problems: list[Problem] = []
        own_folder = out is None  # with --out the user chose where the run goes
        parent = out if out is not None else DEFAULT_OUT
        written: dict[str, str] = {}
        for path in paths:
            try:
                loaded = load_scenario(path, overrides)
            except InputError as error:
                input_problems.extend(error.problems)
                codes.append(EXIT_INPUT)
                continue
            name = run_folder_name(loaded.scenario.name, overrides if own_folder else ())
            if name in written and written[name] != str(path.resolve()):
                input_problems.append(
                    Problem(
                        Origin(str(path)),
                        "name",
                        f"scenario {loaded.scenario.name!r} would write {parent / name}, the folder of "
                        f"{written[name]} in this run; give the scenarios different names or solve them "
                        "with different --out folders",
                    )
                )
                codes.append(EXIT_INPUT)
                continue
            written[name] = str(path.resolve())
            options = options_for(loaded, solver=solver, time_limit=time_limit, gap=gap)
            # the workers unpickle the scenario (and begin the workbook) while this solves
            with hand_over(loaded, renderer, report.documents) as handoff:
                decided = decided_hook(handoff, loaded, renderer)  # charts start before the explanations
                result = solve_scenario(loaded, options, robustness, explain=explain, decided=decided)
                if STATE.get("chart_workers"):  # a command's own process: these live to its end, so
                    keep_for_good()  # no later collection need scan them (the solve left no garbage)
                if check:
                    verified(result, loaded)
                summary: list[RenderableType] = []  # made while the report's workers write the files
                make = partial(
                    _extend, summary, summary_parts, result, loaded, parent / name, report.documents
                )
                folder = write_solve_report(
                    result,
                    loaded,
                    parent,
                    name,
                    renderer,
                    documents=report.documents,
                    handoff=handoff,
                    meanwhile=None if quiet or as_json else make,
                )
            if save_plan and result.decisions is not None:
                plan_path = save_plan_file(parent / PLAN_FOLDER, name, result, loaded)
                if not quiet and not as_json:
                    typer.echo(f"plan: {plan_path}")
            if as_json:
                payloads.append(json.loads((folder / "results.json").read_text()))
            elif not quiet:
                console = Console()
                for part in summary:
                    console.print(part)
            codes.append(
                {"optimal": EXIT_OK, "feasible": EXIT_OK, "infeasible": EXIT_INFEASIBLE}.get(
                    str(result.status), EXIT_NO_SOLUTION
                )
            )
        if as_json:
            typer.echo(jsonlayout.dumps(payloads[0] if len(payloads) == 1 else payloads), nl=False)
        if input_problems:
            from guarantor.cli.common import fail

            fail(InputError(input_problems))
        return max(
            codes, key=lambda c: {EXIT_OK: 0, EXIT_NO_SOLUTION: 1, EXIT_INFEASIBLE: 2, EXIT_INPUT: 3}[c]
        )


def check_saved(scenario: Path, saved: Path, overrides: list[str]) -> int:
    """Check a results.json (or plan) against the scenario with the independent checker."""
    from guarantor.answer.checker import check_solution
    from guarantor.model.params import build_params
    from guarantor.report.payload import decisions_from_payload
    from guarantor.scenario.loading import load_scenario

    loaded = load_scenario(scenario, overrides)
    params = build_params(loaded.scenario)
    if saved.suffix in (".yaml", ".yml"):
        from guarantor.plans.plan import complete_decisions, load_plan

        plan = load_plan(saved, params)
        if plan.scenario is not None and plan.scenario != loaded.scenario.name:
            typer.echo(
                f"warning: {plan.scenario_origin}: the plan was written for scenario {plan.scenario!r}, "
                f"checked here against {loaded.scenario.name!r}",
                err=True,
            )
        decisions = complete_decisions(params, plan)
    else:
        from guarantor.scenario.yamlio import read_limited

        text = read_limited(saved, str(saved), "a results.json or plan YAML")
        try:
            data = json.loads(text.decode("utf-8"))
            decisions = decisions_from_payload(data["decisions"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise InputError(
                [
                    Problem(
                        Origin(str(saved)),
                        "decisions",
                        f"not a Guarantor results.json with decisions ({error})",
                    )
                ]
            ) from None
    from guarantor.answer.checker import malformed

    problems = malformed(params, decisions)
    if problems:
        raise InputError([Problem(Origin(str(saved)), "decisions", problem) for problem in problems])
    violations = check_solution(params, decisions, loaded.origin_of)
    for v in violations:
        typer.echo(f"violation: {v}")
    typer.echo("all constraints satisfied" if not violations else f"{len(violations)} violation(s)")
    return EXIT_OK if not violations else EXIT_INFEASIBLE
