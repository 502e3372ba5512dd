"""Why a scenario is infeasible, and the smallest change that makes it feasible.

Every relaxable named constraint gets an elastic column that may violate it; the
violations are penalised in their own units divided by the constraint's natural
size (a requirement's value, a share point, a cap), so the solve finds the
smallest relative change. Each relaxed constraint is traced to its YAML line.
"""

from __future__ import annotations

from guarantor.answer.results import Diagnosis, Relaxation
from guarantor.errors import SolverError
from guarantor.model.formulation import Formulation
from guarantor.model.linear import INF, LinearModel, evaluate
from guarantor.model.params import Params
from guarantor.scenario.schema import Stance
from guarantor.solve.solving import SolveOptions, solve_linear


def elastic_model(model: LinearModel) -> tuple[LinearModel, dict[int, list[tuple[int, float]]]]:
    """Copy of the model with penalised violation columns on every relaxable row."""
    elastic = model.copy()
    elastic.objective = {}
    elastic.objective_constant = 0.0
    added: dict[int, list[tuple[int, float]]] = {}
    for i, row in enumerate(elastic.rows):
        if not row.relaxable:
            continue
        directions = []
        if row.lower > -INF:
            directions.append(1.0)  # allow the left side to fall short of the lower bound
        if row.upper < INF:
            directions.append(-1.0)  # allow it to exceed the upper bound
        for sign in directions:
            j = elastic.add_column(f"relax_{'low' if sign > 0 else 'up'}_{row.name}", 0.0, INF)
            row.coefs[j] = sign
            elastic.objective[j] = 1.0 / max(row.scale, 1e-9)
            added.setdefault(i, []).append((j, sign))
    return elastic, added


def iis_rows(model: LinearModel) -> list[str] | None:
    """Rows of an irreducible infeasible subset of the LP relaxation (HiGHS), or None.

    None when the relaxation is feasible (the conflict lies in integrality) or HiGHS
    finds no IIS. Presolve is off so the IIS refers to the original rows.
    """
    from guarantor.solve.solving import import_pulp, silence_highs_banner, to_pulp

    pulp = import_pulp()

    relaxed = model.copy()
    for column in relaxed.columns:
        column.integer = False
    problem, _, _ = to_pulp(relaxed)
    silence_highs_banner()
    stats = problem.solve(pulp.HiGHS(msg=False, presolve="off", threads=1))
    if stats.status != pulp.LpSolveStatus.Infeasible:
        return None
    highs = problem.solverModel
    if highs is None:
        return None
    highs.setOptionValue("iis_strategy", 2)
    _, iis = highs.getIis()
    if not iis.valid_ or not len(iis.row_index_):
        return None
    return sorted(relaxed.rows[i].name for i in iis.row_index_)


def ground_capacity(params: Params) -> float:
    """Troops all eligible contributors could sustain (pool / rotation, within caps).

    A contributor counts only what it may actually send: whole blocks of the ground
    unit size, and nothing when that is below the minimum contingent.
    """
    policy = params.scenario.policy
    minimum = policy.min_contingent.troops if policy.min_contingent is not None else 0.0
    size = params.unit_size[params.ground]
    total = 0.0
    for c in params.contributors:
        if c.is_us or c.stance == Stance.ruled_out:
            continue
        most = params.sustainable(c)
        cap = params.troop_cap(c, params.periods[0].id)
        most = most if cap is None else min(most, cap)
        if params.integer[params.ground]:
            most = size * int(most / size + 1e-9)
        total += most if most >= minimum - 1e-9 else 0.0
    return total


def diagnose(f: Formulation, options: SolveOptions) -> Diagnosis:
    """Smallest weighted relaxation of the named constraints that admits a solution."""
    elastic, added = elastic_model(f.model)
    raw = solve_linear(elastic, options)
    if not raw.status.has_solution:
        return Diagnosis(
            summary="No relaxation of the named constraints makes this scenario feasible; "
            "the conflict lies in structural rules (one tier, funding balance, sustainment).",
            relaxations=[],
        )
    relaxations = []
    for i, columns in added.items():
        row = f.model.rows[i]
        for j, sign in columns:
            amount = raw.values[j]
            if amount <= 1e-6 * max(1.0, row.scale):
                continue
            relaxations.append(_describe(f, i, sign, amount, raw.values))
    relaxations.sort(key=lambda r: r.constraint)
    if not relaxations:
        # the elastic model keeps every integer and structural rule, so a solution that relaxes
        # nothing satisfies the scenario: the solver's verdict was numerical, not a conflict
        return Diagnosis(
            summary=scaling_summary(f.model, options),
            relaxations=[],
            method="elastic relaxation of named constraints (needed none); cross-check with CBC",
            numerical=True,
        )
    else:
        parts = [r.explanation for r in relaxations]
        summary = "Infeasible. Smallest change that makes it feasible: " + "; ".join(parts) + "."
    if options.solver == "highs":
        iis = iis_rows(f.model)
        if iis is not None:
            return Diagnosis(
                summary=summary,
                relaxations=relaxations,
                conflicting=iis,
                method="elastic relaxation of named constraints, weighted in their own units; "
                "conflicting rows: an irreducible infeasible subset (HiGHS IIS) of the LP relaxation",
            )
    conflicting = [r.constraint for r in relaxations]
    for row in f.model.rows:
        activity = evaluate(row.coefs, raw.values[: len(f.model.columns)])
        tight = (row.upper < INF and abs(activity - row.upper) <= 1e-6 * max(1, abs(row.upper))) or (
            row.lower > -INF and abs(activity - row.lower) <= 1e-6 * max(1, abs(row.lower))
        )
        if (
            tight
            and row.family in ("sustainment", "stance", "troop_cap", "policy_no_us_ground", "budget_cap")
            and any(j in row.coefs for r in relaxations for j in _columns_of(f, r.constraint))
        ):
            conflicting.append(row.name)
    return Diagnosis(summary=summary, relaxations=relaxations, conflicting=sorted(set(conflicting)))


def _columns_of(f: Formulation, row_name: str) -> list[int]:
    return list(f.model.rows[f.model.row_index[row_name]].coefs)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.2f}"


def _describe(f: Formulation, i: int, sign: float, amount: float, values: list[float]) -> Relaxation:
    row = f.model.rows[i]
    where = f" ({row.origin})" if row.origin else ""
    if row.family == "requirement":
        need = row.lower
        text = (
            f"{row.label}{where} cannot be met: short {_fmt(amount)} {row.unit} "
            f"(the rest of the plan reaches {_fmt(need - amount)})"
        )
        if row.name.startswith(f"requirement_{f.params.ground}"):
            capacity = ground_capacity(f.params)
            text += f"; eligible contributors can sustain at most {_fmt(capacity)} troops in all"
            if f.params.scenario.policy.min_contingent is not None:
                text += " (counting only those that can field the minimum contingent)"
    elif row.family in ("europe_troop_share", "europe_cost_share"):
        base = evaluate(row.share_base or {}, values)
        points = 100 * amount / base if base > 1e-9 else 0.0
        text = f"{row.label}{where}: lower the threshold by {points:.1f} percentage points"
        amount = points
        row_unit = "percentage points"
        return Relaxation(row.name, row.label, str(row.origin or ""), round(amount, 6), row_unit, text)
    elif sign < 0:
        text = f"{row.label}{where}: raise the limit by {_fmt(amount)} {row.unit}"
    else:
        text = f"{row.label}{where}: lower the minimum by {_fmt(amount)} {row.unit}"
    return Relaxation(row.name, row.label, str(row.origin or ""), round(amount, 6), row.unit, text)


def coefficient_range(model: LinearModel) -> tuple[float, float]:
    """Smallest and largest non-zero magnitude among coefficients, bounds and right-hand sides."""
    sizes = [abs(v) for row in model.rows for v in row.coefs.values() if v]
    sizes += [abs(b) for row in model.rows for b in (row.lower, row.upper) if b and abs(b) < INF]
    sizes += [abs(v) for v in model.objective.values() if v]
    sizes += [abs(b) for c in model.columns for b in (c.lower, c.upper) if b and abs(b) < INF]
    return (min(sizes), max(sizes)) if sizes else (1.0, 1.0)


_SOLVERS = {"highs": "HiGHS", "cbc": "CBC"}


def scaling_summary(model: LinearModel, options: SolveOptions) -> str:
    """Say that the verdict is numerical, name the scale of the numbers, and what CBC makes of it."""
    import math

    low, high = coefficient_range(model)
    orders = math.log10(high / low) if low > 0 else 0.0
    second = ""
    if options.solver == "highs":
        try:
            cbc = solve_linear(model, SolveOptions("cbc", options.time_limit, options.gap))
        except (SolverError, OSError):  # CBC is only a second opinion; its failure changes nothing
            cbc = None
        if cbc is not None and cbc.status.has_solution:
            second = f" CBC solves it (objective {cbc.objective:,.6g}): run it with --solver cbc."
        elif cbc is not None:
            second = f" CBC reports {cbc.status} too."
    name = _SOLVERS.get(options.solver, options.solver)
    return (
        f"Not shown to be infeasible: {name} reported no feasible plan, but the elastic "
        "relaxation finds one that breaks no rule, so the verdict is numerical. The model is badly scaled: "
        f"its numbers range from {low:.3g} to {high:.3g} ({orders:.0f} orders of magnitude), beyond what "
        "the solver's tolerances (1e-7) can resolve. Bring the inputs to similar magnitudes (costs in USD "
        "million, troops in thousands of the same units) or check for a value typed with extra zeros."
        f"{second}"
    )
