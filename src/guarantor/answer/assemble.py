"""Turn a solved formulation into a `Result`: decisions, metrics, explanations or a diagnosis."""

from __future__ import annotations

from collections.abc import Callable

from guarantor.answer.diagnosis import diagnose
from guarantor.answer.explain import constraint_reports, objective_unit, reduced_costs
from guarantor.answer.metrics import compute_metrics, decisions_from_values
from guarantor.answer.results import Result
from guarantor.gcpause import gc_paused
from guarantor.heap import TRIM_COLUMNS, release_freed_memory
from guarantor.model.build import formulate
from guarantor.model.formulation import Formulation
from guarantor.scenario.loading import LoadedScenario
from guarantor.solve.effort import integer_tie_break, resolve_budget, skipped_note
from guarantor.solve.pipeline import options_for, solve_formulation
from guarantor.solve.solving import RawSolution, SolveOptions, Status

ROBUSTNESS_BUDGET = 100
"""Re-solves `solve` spends at most on its robustness block (the baseline needs 45, 0.5 s); a count,
not seconds, so identical input gives identical output."""


def solve_scenario(
    loaded: LoadedScenario,
    options: SolveOptions | None = None,
    robustness: bool = False,
    slack: float = 0.0,
    items: str = "troops_payments",
    plans: int = 0,
    explain: bool = False,
    decided: Callable[[Result], object] | None = None,
) -> Result:
    """Solve a loaded scenario and explain the answer (or diagnose its infeasibility).

    `robustness` adds the ranges of troops and payments over the equally cheap plans
    (`Result.robustness`; `guarantor solve` computes them by default, the library leaves it to
    the caller because it costs tens of re-solves). `slack`, `items` ("all" adds capabilities)
    and `plans` (maximally different plans to keep) serve `guarantor alternatives`. `explain`
    adds the "why this plan" claims, each confirmed by re-solving (`Result.explanations`), and
    replaces every binding-constraint sentence by one a re-solve confirms. `decided(result)` is
    called once the decisions and metrics are final, before the explanations (`solve` starts its
    report's charts there); it must not keep `result`, which is still being filled in.
    """
    options = options or options_for(loaded)
    with gc_paused():  # the model, PuLP's copy and the answer: long-lived, acyclic (`gcpause`)
        f = formulate(loaded)
        raw = solve_formulation(f, options)
        if len(f.model.columns) >= TRIM_COLUMNS:  # HiGHS's model is gone: hand its pages back
            release_freed_memory()
        result = explain_solution(f, raw, options, decided)
    if robustness and result.decisions is not None:
        from guarantor.answer.robustness import near_optimal

        budget = resolve_budget(f.model, ROBUSTNESS_BUDGET) if items == "troops_payments" else None
        if budget == 0:
            result.notes.append(skipped_note(f.model, "How firm the answer is (its robustness ranges)"))
        else:
            result.robustness = near_optimal(f, raw.values, slack, items, plans, budget)
    if explain and result.decisions is not None:
        from guarantor.answer.whyplan import BUDGET, explain_plan

        budget = resolve_budget(f.model, BUDGET)
        if budget == 0:
            result.notes.append(skipped_note(f.model, "Explanations confirmed by re-solving"))
        else:
            result.explanations = explain_plan(f, result, budget)
    return result


def explain_solution(
    f: Formulation, raw: RawSolution, options: SolveOptions, decided: Callable[[Result], object] | None = None
) -> Result:
    """The `Result` of a solved formulation, however it was solved (standard or fast path);
    `decided` as in `solve_scenario`."""
    scenario = f.params.scenario
    result = Result(
        scenario=scenario.name,
        question=scenario.question,
        status=raw.status,
        objective=scenario.objective.type,
        objective_value=None,
        periods=[p.id for p in f.params.periods],
        decisions=None,
        metrics=None,
        solver=raw.solver,
        solver_version=raw.solver_version,
        solve_seconds=raw.seconds,
        gap=raw.gap,
        options=options.as_dict(),
        tie_break=scenario.objective.tie_break,
    )
    if raw.status in (Status.infeasible, Status.no_solution) and raw.message in ("Infeasible", "Undefined"):
        result.diagnosis = diagnose(f, options)
        result.status = Status.no_solution if result.diagnosis.numerical else Status.infeasible
        return result
    if not raw.status.has_solution:
        return result
    result.objective_value = round(f.objective_sign * (raw.objective or 0.0), 6)
    decisions = decisions_from_values(f, raw.values)
    result.decisions = decisions
    result.metrics = compute_metrics(f.params, decisions)
    if decided is not None:
        decided(result)
    duals, values = raw.row_duals, raw.values
    if not f.model.is_mip:
        result.duals_method = "lp"
    elif duals:
        result.duals_method = "fixed_integers"
        result.notes.append(
            "Mixed-integer model: shadow prices and reduced costs come from the linear program "
            "re-solved with every integer decision (whole units, contingent switches, US tier) "
            "fixed at its optimal value."
        )
    result.constraints = constraint_reports(f, values, duals or None)
    if duals:
        result.reduced_costs = reduced_costs(f, duals, values)
    result.notes.append(f"Objective in {objective_unit(f)}; costs in constant prices.")
    if scenario.objective.tie_break != "none" and f.model.is_mip and not integer_tie_break(f.model):
        result.notes.append(
            skipped_note(f.model, "The tie-break among equally cheap whole-number choices")
            + " The continuous part (troops within contingents, payments) still follows "
            f"{scenario.objective.tie_break}."
        )
    return result
