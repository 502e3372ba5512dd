"""LP ranging, as in Excel Solver's sensitivity report: how far a number moves before the basis does.

For each deployment's cost coefficient: the allowable increase and decrease over which
the optimal plan stays optimal. For each requirement: its shadow price and the
allowable increase and decrease over which that price holds. Mixed-integer models are
ranged on the LP left when every integer decision (whole units, contingent switches,
US tier) is fixed at its optimal value, and the report says so.

HiGHS's ranging says when the *basis* changes, which in degenerate models (ours have
many ties) can be long before the plan or the price does. Each range starts from the
HiGHS figure (`basis_*` columns, as Excel reports it) and is then extended by warm
re-solves and bisection to where the optimal value stops following the straight line
(`allowable_*`), so a re-solve just inside agrees with the report and one just outside
does not.

A cost coefficient is the objective coefficient alone: the same cost also sets what
its contributor pays (the funding rows), which the range holds fixed. Changing a cost
input moves both, so the tornado and the tipping points re-solve the full model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from guarantor.analysis.engine import Engine
from guarantor.solve.fast import ArrayModel, LiveModel, Solution

BIG = 1e29  # HiGHS reports "no limit" as +/- 1e30 or infinity


@dataclass
class Ranging:
    method: str  # "lp" or "fixed_integers"
    objective: float
    costs: list[dict[str, Any]] = field(default_factory=list)
    requirements: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


def fixed_lp(base: ArrayModel, x: np.ndarray) -> ArrayModel:
    """The base model with every integer column fixed at its (rounded) solution value."""
    lower, upper = base.col_lower.copy(), base.col_upper.copy()
    ints = np.flatnonzero(base.integer)
    lower[ints] = upper[ints] = np.round(x[ints])
    return ArrayModel(
        base.cost,
        lower,
        upper,
        base.row_lower,
        base.row_upper,
        base.a_start,
        base.a_index,
        base.a_value,
        np.zeros(base.n, dtype=bool),
        base.offset,
        base.structure,
    )


def ranged_model(engine: Engine) -> tuple[LiveModel, Solution, str]:
    """A solved LP to range: the model itself, or its fixed-integer LP."""
    point = engine.solve()
    if point.solution.x is None:
        raise ValueError(f"no solution to range ({point.solution.status})")
    mip = bool(np.any(engine.base.integer))
    model = fixed_lp(engine.base, point.solution.x) if mip else engine.base
    live = LiveModel(model, engine.options)
    solution = live.run()
    return live, solution, "fixed_integers" if mip else "lp"


def _limit(value: float) -> float:
    return float("inf") if abs(value) >= BIG else float(value)


def lp_ranging(engine: Engine) -> Ranging:
    """Cost ranging of deployment columns and bound ranging of requirement rows."""
    live, solution, method = ranged_model(engine)
    h = live.highs
    _, ranging = h.getRanging()
    duals = np.asarray(h.getSolution().row_dual, dtype=float)
    f, base = engine.formulation, live.base
    x = solution.x if solution.x is not None else np.zeros(base.n)
    result = Ranging(method, solution.objective)
    paths = _cost_paths(engine)
    up, dn = ranging.col_cost_up.value_, ranging.col_cost_dn.value_
    for (c, k, period), j in f.amount.items():
        coef = float(base.cost[j])
        if coef == 0.0 or base.col_lower[j] == base.col_upper[j]:
            continue
        basis_inc, basis_dec = _limit(up[j]) - coef, coef - _limit(dn[j])
        slot = live.layout.cost.start + j
        inc = _extend(live, slot, float(x[j]), basis_inc, 1.0, abs(coef), solution.objective)
        dec = _extend(live, slot, float(x[j]), basis_dec, -1.0, abs(coef), solution.objective)
        result.costs.append(
            {
                "column": f.model.columns[j].name,
                "contributor": c,
                "capability": k,
                "period": period,
                "value": float(x[j]),
                "coefficient": coef,
                "allowable_increase": inc,
                "allowable_decrease": dec,
                "basis_increase": basis_inc,
                "basis_decrease": basis_dec,
                "input": paths.get((c, k), ""),
                "input_increase_pct": 100 * inc / coef,
                "input_decrease_pct": 100 * dec / coef,
            }
        )
    bound_up, bound_dn = ranging.row_bound_up.value_, ranging.row_bound_dn.value_
    activity = np.asarray(h.getSolution().row_value, dtype=float)
    for i, row in enumerate(f.model.rows):
        if row.family != "requirement":
            continue
        rhs = float(base.row_lower[i])
        basis_inc, basis_dec = _limit(bound_up[i]) - rhs, rhs - _limit(bound_dn[i])
        slot = live.layout.row_lower.start + i
        scale = max(abs(rhs), 1.0)
        inc = _extend(live, slot, float(duals[i]), basis_inc, 1.0, scale, solution.objective)
        dec = _extend(live, slot, float(duals[i]), basis_dec, -1.0, scale, solution.objective)
        result.requirements.append(
            {
                "row": row.name,
                "label": row.label,
                "unit": row.unit,
                "requirement": rhs,
                "activity": float(activity[i]),
                "shadow_price": float(duals[i]),
                "allowable_increase": inc,
                "allowable_decrease": dec,
                "basis_increase": basis_inc,
                "basis_decrease": basis_dec,
            }
        )
    if method == "fixed_integers":
        result.note = (
            "Mixed-integer model: ranges computed on the LP with every integer decision (whole units, "
            "contingent switches, US tier) fixed at its optimal value."
        )
    return result


def _extend(
    live: LiveModel, slot: int, slope: float, basis: float, sign: float, scale: float, z0: float
) -> float:
    """How far the number at `slot` can move (up: sign 1, down: -1) with the optimum staying linear.

    The optimal value is piecewise linear and convex (right-hand sides) or concave (costs)
    in one number, so once it leaves the line through the base point it never returns:
    search outward from the basis range, then bisect. Returns a magnitude (inf: no limit).
    """
    base_flat = live.base.flat()
    cap = 1e6 * scale  # beyond a million-fold change, call it unlimited

    def linear(step: float) -> bool:
        flat = base_flat.copy()
        flat[slot] += sign * step
        live.load(flat)
        found = live.run()
        predicted = z0 + slope * sign * step
        tol = 1e-9 * max(1.0, abs(z0), abs(predicted)) + 1e-8 * abs(slope * step)
        return found.x is not None and abs(found.objective - predicted) <= tol

    lo = max(basis, 0.0)
    if lo >= cap:
        return float("inf")
    probe = max(lo * 2, lo + 1e-3 * scale)
    while linear(probe):
        lo, probe = probe, probe * 2
        if lo >= cap:
            live.load(base_flat)
            return float("inf")
    hi = probe
    while hi - lo > 1e-7 * max(scale, hi):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if linear(mid) else (lo, mid)
    live.load(base_flat)
    return lo if lo > 1e-6 * scale else 0.0


def _cost_paths(engine: Engine) -> dict[tuple[str, str], str]:
    """Which YAML input sets each deployment's unit cost."""
    p = engine.formulation.params
    paths = {}
    for c in p.contributors:
        for k in p.capabilities:
            if k == p.ground:
                paths[(c.id, k)] = f"model.contributors.{c.id}.cost_per_soldier_year_usd.value"
            else:
                paths[(c.id, k)] = f"model.contributors.{c.id}.capabilities.{k}.unit_cost_usd_m.value"
    return paths
