"""Solve a formulation to a final answer: lexicographic levels, MIP polishing, pool balancing.

These stages sit between the raw solver call and the meaning of the answer, so every
path (solve, evaluate, analyses) goes through the same steps.
"""

from __future__ import annotations

from guarantor.model.formulation import Formulation, metric_sense, objective_metrics, set_objective
from guarantor.model.linear import INF, LinearModel, Row, evaluate
from guarantor.model.money import add_burden_balance
from guarantor.model.tiebreak import add_tie_break, held_copy, optimal_face
from guarantor.scenario.loading import LoadedScenario
from guarantor.solve.effort import integer_tie_break
from guarantor.solve.inplace import Resolver
from guarantor.solve.solving import RawSolution, SolveOptions, fixed_integer_lp, solve_linear


def options_for(loaded: LoadedScenario, **overrides: object) -> SolveOptions:
    """Scenario solver options, overridden by explicit (command-line) values that are not None."""
    base = loaded.scenario.solver
    values: dict[str, object] = {"solver": base.name, "time_limit": base.time_limit, "gap": base.gap}
    values.update({k: v for k, v in overrides.items() if v is not None})
    return SolveOptions(**values)  # type: ignore[arg-type]


def solve_formulation(f: Formulation, options: SolveOptions) -> RawSolution:
    """Solve, in priority order for lexicographic objectives (each optimum held within tolerance)."""
    levels = objective_metrics(f.params.scenario)
    tolerances = [lvl.tolerance for lvl in f.params.scenario.objective.priorities] or [0.0]
    solver = Resolver(options)
    raw = solver.solve(f.model)
    for level, (metrics, tolerance) in enumerate(zip(levels, tolerances, strict=False)):
        if level > 0:
            set_objective(f, metrics)
            raw = solve_linear(f.model, options)  # a full solve: its status, gap and time are reported
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
    raw = break_ties(f, raw, options, solver)
    if raw.status.has_solution and f.params.scenario.policy.funding_rule == "common_pool":
        raw = _balance_pool(f, raw, solver)
    return raw


def break_ties(
    f: Formulation, raw: RawSolution, options: SolveOptions, solver: Resolver | None = None
) -> RawSolution:
    """The plan `objective.tie_break` picks among those as good as `raw`; MIPs come back polished.

    Integers (contingents, whole units, tier) are chosen with the optimum held; after the
    polish, the continuous part is chosen on the LP's optimal face, so the cost is unchanged.
    Any path that solves the main objective (the web app's live model too) finishes here.
    `solver` re-solves in place on the HiGHS model of the solve that found `raw`, if it has it.
    """
    if not raw.status.has_solution:
        return raw
    solver = solver or Resolver(options)
    rule = f.params.scenario.objective.tie_break
    if rule != "none" and f.model.is_mip and integer_tie_break(f.model):  # contingents, units, tier
        raw.values = _tie_break(f, held_copy(f, f.model, raw.values), raw.values, solver) or raw.values
    if f.model.is_mip:
        raw = _polish(f, raw, solver)
    if rule != "none" and raw.row_duals:  # the continuous part, on the optimal face
        base = fixed_integer_lp(f.model, raw.values) if f.model.is_mip else f.model
        face = optimal_face(base, raw.values, raw.row_duals)
        raw.values = _tie_break(f, face, raw.values, solver) or raw.values
    return raw


def _tie_break(
    f: Formulation, work: LinearModel, values: list[float], solver: Resolver
) -> list[float] | None:
    """On `work` (plans as good as `values`), the plan the scenario's tie-break rule prefers (None: keep)."""
    work.objective = add_tie_break(f, work, f.params.scenario.objective.tie_break, values)
    work.objective_constant = 0.0
    found = solver.solve(work)
    if not found.status.has_solution:
        return None
    return found.values[: len(f.model.columns)]


def _polish(f: Formulation, raw: RawSolution, solver: Resolver) -> RawSolution:
    """Re-solve the LP with the integer decisions fixed at their rounded values.

    A MIP solver accepts integers within a tolerance (a binary of 1e-7 counts as 0), which
    would leak tiny amounts into costs and funding; the polished values are exactly
    consistent with the rounded decisions, as the independent checker requires.
    """
    polished = solver.solve(fixed_integer_lp(f.model, raw.values))
    if polished.status.has_solution:
        raw.values = polished.values
        raw.row_duals = polished.row_duals  # the duals a MIP lacks: integers fixed, LP re-solved
    return raw


def _balance_pool(f: Formulation, raw: RawSolution, solver: Resolver) -> RawSolution:
    """Hold the optimum, then split the common pool to minimise the largest burden (% of GDP).

    Done on a copy so the model used for duals keeps only the scenario's own rows.
    """
    original = f.model
    optimum = evaluate(original.objective, raw.values)
    f.model = fixed_integer_lp(original, raw.values) if original.is_mip else original.derived()
    for j in f.amount.values():  # only the bill is split: deployments stay as the tie-break chose them
        f.model.columns[j].lower = f.model.columns[j].upper = raw.values[j]
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
    balanced = solver.solve(f.model)
    f.model = original
    if not balanced.status.has_solution:
        return raw
    raw.values = balanced.values[: len(original.columns)]
    return raw
