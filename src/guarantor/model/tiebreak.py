"""Tie-break rules: which of the equally cheap plans is reported (`objective.tie_break`).

The main objective is solved first and held (objective <= optimum + a millionth of its
unit); a copy of the model then minimises the rule's own measure, so the cost never moves
and the same input always gives the same plan. Rules:

- `spread_by_gdp` (default): troops and payments as close as possible to GDP-proportional
  shares among those who can send (troops) or pay (payments): the sum of absolute deviations,
  troops in shares of the force, payments in shares of the bill. The NATO burden-sharing norm,
  and neutral: no contributor is favoured by its position in the input file.
- `fewest_contributors`: as few deploying contributors as possible (fewest national contingents
  to coordinate); ties within it are the solver's.
- `none`: the solver's pick, as before tie-breaking existed (not reproducible across solvers).
"""

from __future__ import annotations

from dataclasses import replace

from guarantor.model.formulation import Formulation
from guarantor.model.linear import INF, Expr, LinearModel, Row, add_expr, evaluate
from guarantor.scenario.schema import Stance

TIE_BREAKS = ("spread_by_gdp", "fewest_contributors", "none")
DEFAULT_TIE_BREAK = "spread_by_gdp"
HOLD = 1e-6
"""Room on the held objective while integers are chosen (objective units: USD m: one dollar).

The continuous part is then tie-broken on the LP's optimal face (`optimal_face`), which needs none."""


def held_copy(f: Formulation, model: LinearModel, values: list[float]) -> LinearModel:
    """A copy of `model` with its objective held at the value `values` reach (rows shared, never edited)."""
    work = model.derived()
    optimum = evaluate(model.objective, values)
    work.add_row(
        Row(
            "hold_objective",
            {j: v for j, v in model.objective.items() if v},
            -INF,
            optimum + HOLD,
            "tie_break",
            "Hold the optimum while breaking ties",
            relaxable=False,
        )
    )
    return work


def optimal_face(model: LinearModel, values: list[float], duals: list[float]) -> LinearModel:
    """A copy of an LP restricted to its optimal face, so any point of it costs exactly the optimum.

    By complementary slackness with the optimal duals: a column with a non-zero reduced cost
    stays at the bound it is at, a row with a non-zero dual at its limit. No tolerance on the
    objective is needed, so the tie-break cannot move the cost even in the last digit.
    """
    work = model.derived()  # own columns; a fixed row is replaced, never edited (rows are shared)
    reduced = dict(model.objective)
    for i, row in enumerate(model.rows):
        y = duals[i]
        if abs(y) > 1e-12:
            for j, a in row.coefs.items():
                reduced[j] = reduced.get(j, 0.0) - a * y
            activity = evaluate(row.coefs, values)
            work.rows[i] = replace(row, lower=activity, upper=activity)
    for j, rc in reduced.items():
        if abs(rc) > 1e-9 * max(1.0, abs(model.objective.get(j, 0.0))):
            work.columns[j].lower = work.columns[j].upper = values[j]
    return work


def add_tie_break(f: Formulation, model: LinearModel, rule: str, values: list[float]) -> Expr:
    """Add the rule's columns and rows to `model` (a held copy); return the measure to minimise."""
    if rule == "fewest_contributors":
        return _fewest(f, model)
    return _spread(f, model, values)


def _eligible(f: Formulation, period: str) -> list[tuple[str, int, float]]:
    """(contributor, ground column, GDP) of those who may send troops in a period."""
    p = f.params
    found = []
    for c in p.contributors:
        j = f.amount.get((c.id, p.ground, period))
        if j is None or c.is_us or c.stance == Stance.ruled_out or p.sustainable(c) <= 0 or c.gdp_usd_m <= 0:
            continue
        if model_upper(f, j) <= 0:
            continue
        found.append((c.id, j, c.gdp_usd_m))
    return found


def model_upper(f: Formulation, j: int) -> float:
    return f.model.columns[j].upper


def _deviation(model: LinearModel, name: str, part: Expr, whole: Expr, share: float, weight: float) -> Expr:
    """A column d >= |part - share * whole|; returns {d: weight}."""
    d = model.add_column(name, 0.0, INF)
    diff = add_expr(dict(part), whole, -share)
    for sign, tag in ((1.0, "over"), (-1.0, "under")):
        coefs = {j: -sign * v for j, v in diff.items()}
        coefs[d] = 1.0
        model.add_row(
            Row(f"{name}_{tag}", coefs, 0.0, INF, "tie_break", "Tie-break deviation", relaxable=False)
        )
    return {d: weight}


def _total(model: LinearModel, name: str, parts: Expr) -> Expr:
    """A column equal to the sum `parts`, so each deviation row holds 3 entries rather than one per
    contributor (with the sum written out, n contributors made n^2 entries: 1.2 GB and 10 s at 400)."""
    t = model.add_column(name, 0.0, INF)
    model.add_row(Row(name, {**parts, t: -1.0}, 0.0, 0.0, "tie_break", "Tie-break total", relaxable=False))
    return {t: 1.0}


def _spread(f: Formulation, model: LinearModel, values: list[float]) -> Expr:
    """Sum of absolute deviations from GDP-proportional troops and payments, in shares of the totals."""
    p = f.params
    objective: Expr = {}
    for period in p.periods:
        eligible = _eligible(f, period.id)
        size = p.unit_size[p.ground]
        troops: Expr = {j: float(size) for _, j, _ in eligible}
        total = max(evaluate(troops, values), 1.0)
        gdp = sum(g for _, _, g in eligible)
        force = _total(model, f"tb_force_{period.id}", troops) if eligible else {}
        for c, j, g in eligible:
            add_expr(
                objective,
                _deviation(model, f"tb_troops_{c}_{period.id}", {j: size}, force, g / gdp, 1 / total),
            )
        payers = [
            (c.id, f.fund[(c.id, period.id)], c.gdp_usd_m)
            for c in p.contributors
            if not c.is_us and c.gdp_usd_m > 0
        ]
        bill: Expr = {j: 1.0 for _, j, _ in payers}
        paid = max(evaluate(bill, values), 1.0)
        gdp = sum(g for _, _, g in payers)
        whole = _total(model, f"tb_bill_{period.id}", bill) if payers else {}
        for c, j, g in payers:
            add_expr(
                objective, _deviation(model, f"tb_pays_{c}_{period.id}", {j: 1.0}, whole, g / gdp, 1 / paid)
            )
    return objective


def _fewest(f: Formulation, model: LinearModel) -> Expr:
    """Number of deploying contributors: the contingent switches, or switches added for the purpose."""
    p = f.params
    objective: Expr = {}
    by_id = {x.id: x for x in p.contributors}
    for period in p.periods:
        for c, j, _ in _eligible(f, period.id):
            switch = f.deploy.get((c, period.id))
            if switch is None:
                contributor = by_id[c]
                switch = model.add_column(f"tb_deploys_{c}_{period.id}", 0.0, 1.0, True)
                most = p.sustainable(contributor)
                coefs = {j: float(p.unit_size[p.ground]), switch: -most}
                model.add_row(
                    Row(f"tb_switch_{c}_{period.id}", coefs, -INF, 0.0, "tie_break", "", relaxable=False)
                )
            objective[switch] = objective.get(switch, 0.0) + 1.0
    return objective
