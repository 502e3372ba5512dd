"""Library entry points: load a scenario, solve it, explain or diagnose the answer.

>>> from guarantor.api import solve_file   # doctest: +SKIP
>>> result = solve_file("scenarios/baseline.yaml")   # doctest: +SKIP
>>> result.status, result.metrics.total_cost_usd_m   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from guarantor.diagnosis import diagnose
from guarantor.explain import constraint_reports, objective_unit, reduced_costs
from guarantor.formulation import Formulation, build, metric_sense, objective_metrics, set_objective
from guarantor.linear import INF, Row, evaluate
from guarantor.loading import LoadedScenario, load_scenario
from guarantor.metrics import compute_metrics, decisions_from_values
from guarantor.results import Result
from guarantor.solving import RawSolution, SolveOptions, Status, fixed_integer_lp, solve_linear


def options_for(loaded: LoadedScenario, **overrides: object) -> SolveOptions:
    """Scenario solver options, overridden by explicit (command-line) values that are not None."""
    base = loaded.scenario.solver
    values: dict[str, object] = {"solver": base.name, "time_limit": base.time_limit, "gap": base.gap}
    values.update({k: v for k, v in overrides.items() if v is not None})
    return SolveOptions(**values)  # type: ignore[arg-type]


def formulate(loaded: LoadedScenario) -> Formulation:
    """Build the model with every row traced to the YAML line that set it."""
    return build(loaded.scenario, lambda *path: loaded.origin_of(*path))


def solve_formulation(f: Formulation, options: SolveOptions) -> RawSolution:
    """Solve, in priority order for lexicographic objectives (each optimum held within tolerance)."""
    levels = objective_metrics(f.params.scenario)
    tolerances = [lvl.tolerance for lvl in f.params.scenario.objective.priorities] or [0.0]
    raw = solve_linear(f.model, options)
    for level, (metrics, tolerance) in enumerate(zip(levels, tolerances, strict=False)):
        if level > 0:
            set_objective(f, metrics)
            raw = solve_linear(f.model, options)
        if not raw.status.has_solution or level == len(levels) - 1:
            break
        (metric,) = metrics
        expr = f.metrics[metric]
        optimum = evaluate(expr, raw.values)
        slack = tolerance * max(abs(optimum), 1e-9) + 1e-7 * max(1.0, abs(optimum))
        if metric_sense(metric) == "min":
            lower, upper = -INF, optimum + slack
        else:
            lower, upper = optimum - slack, INF
        f.model.add_row(
            Row(
                f"hold_{metric}",
                dict(expr),
                lower,
                upper,
                "lexicographic",
                f"Hold {metric} within {tolerance:.1%} of its optimum",
                "",
                relaxable=False,
            )
        )
    if raw.status.has_solution and f.model.is_mip:
        raw = _polish(f, raw, options)
    if raw.status.has_solution and f.params.scenario.policy.funding_rule == "common_pool":
        raw = _balance_pool(f, raw, options)
    return raw


def _polish(f: Formulation, raw: RawSolution, options: SolveOptions) -> RawSolution:
    """Re-solve the LP with the integer decisions fixed at their rounded values.

    A MIP solver accepts integers within a tolerance (a binary of 1e-7 counts as 0), which
    would leak tiny amounts into costs and funding; the polished values are exactly
    consistent with the rounded decisions, as the independent checker requires.
    """
    polished = solve_linear(fixed_integer_lp(f.model, raw.values), options)
    if polished.status.has_solution:
        raw.values = polished.values
        raw.row_duals = polished.row_duals  # the duals a MIP lacks: integers fixed, LP re-solved
    return raw


def _balance_pool(f: Formulation, raw: RawSolution, options: SolveOptions) -> RawSolution:
    """Hold the optimum, then split the common pool to minimise the largest burden (% of GDP).

    Done on a copy so the model used for duals keeps only the scenario's own rows.
    """
    from guarantor.money_constraints import add_burden_balance

    original = f.model
    optimum = evaluate(original.objective, raw.values)
    f.model = fixed_integer_lp(original, raw.values) if original.is_mip else original.copy()
    f.model.add_row(
        Row(
            "hold_objective",
            dict(original.objective),
            -INF,
            optimum + 1e-7 * max(1.0, abs(optimum)),
            "lexicographic",
            "Hold the optimum while splitting the common pool",
            "",
            relaxable=False,
        )
    )
    add_burden_balance(f)
    balanced = solve_linear(f.model, options)
    f.model = original
    if not balanced.status.has_solution:
        return raw
    raw.values = balanced.values[: len(original.columns)]
    return raw


def solve_scenario(loaded: LoadedScenario, options: SolveOptions | None = None) -> Result:
    """Solve a loaded scenario and explain the answer (or diagnose its infeasibility)."""
    options = options or options_for(loaded)
    f = formulate(loaded)
    raw = solve_formulation(f, options)
    scenario = loaded.scenario
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
    )
    if raw.status in (Status.infeasible, Status.no_solution) and raw.message in ("Infeasible", "Undefined"):
        result.status = Status.infeasible
        result.diagnosis = diagnose(f, options)
        return result
    if not raw.status.has_solution:
        return result
    result.objective_value = round(f.objective_sign * (raw.objective or 0.0), 6)
    decisions = decisions_from_values(f, raw.values)
    result.decisions = decisions
    result.metrics = compute_metrics(f.params, decisions)
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
    return result


def load_data(data: dict[str, Any], name: str = "<data>") -> LoadedScenario:
    """Validate a scenario given as a Python dict (model embedded under `model`), e.g. in a notebook.

    Errors point at `<data>` instead of a file line.
    """
    from guarantor.checks import check_scenario
    from guarantor.errors import InputError, Origin
    from guarantor.loading import Resolved
    from guarantor.schema import Scenario
    from guarantor.validation import problems_from_validation
    from guarantor.yamlio import _node_from_plain

    resolved = Resolved(_node_from_plain(data, Origin(name)), (name,))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        raise InputError(problems_from_validation(err, resolved, Scenario)) from None
    problems = check_scenario(scenario, resolved)
    if problems:
        raise InputError(problems)
    return LoadedScenario(scenario, resolved, name)


def solve_file(path: str | Path, overrides: list[str] | tuple[str, ...] = (), **options: object) -> Result:
    """Load, validate and solve a scenario file in one call."""
    loaded = load_scenario(path, overrides)
    return solve_scenario(loaded, options_for(loaded, **options))
