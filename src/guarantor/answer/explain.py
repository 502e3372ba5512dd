"""Explain an optimum: binding constraints, shadow prices in the scenario's units, reduced costs."""

from __future__ import annotations

from guarantor.answer.results import ConstraintReport, ReducedCost
from guarantor.model.formulation import Formulation
from guarantor.model.linear import INF, evaluate

DEFINITIONAL = {"funding", "us_tier", "min_contingent", "peak_cost", "tier_switching", "payers"}
"""Rows that define quantities rather than state policy; left out of plain-language summaries."""

OBJECTIVE_UNITS = {
    "total_cost": "USD m",
    "us_cost": "USD bn",
    "us_involvement": "involvement points",
    "escalation_risk": "risk points",
    "deployed_force": "troop-years",
    "peak_cost": "USD m",
}


def objective_unit(f: Formulation) -> str:
    metrics = list(f.objective_metrics)
    return OBJECTIVE_UNITS.get(metrics[0], "objective units") if len(metrics) == 1 else "objective units"


SINGULAR = {
    "troops": "troop",
    "batteries": "battery",
    "orbits": "orbit",
    "detachments": "detachment",
    "headquarters": "headquarters",
    "battalions": "battalion",
    "squadrons": "squadron",
    "share": "share point",
    "troops in pool": "troop in the pool",
    "USD m": "USD million",
}


def singular(unit: str) -> str:
    return SINGULAR.get(unit, unit)


def money(value: float, unit: str = "USD m") -> str:
    """Readable amounts: $220,000 rather than $0.2 m; $1.35 bn rather than $1,350 m."""
    if unit != "USD m":
        return f"{abs(value):,.3g} {unit}"
    usd = abs(value) * 1e6
    if usd >= 1e9:
        return f"${usd / 1e9:,.2f} bn"
    if usd >= 1e6:
        return f"${usd / 1e6:,.1f} m"
    return f"${usd:,.0f}"


def constraint_reports(
    f: Formulation, values: list[float], duals: list[float] | None
) -> list[ConstraintReport]:
    """Activity, slack, binding flag and shadow price (objective change per unit of the limit)."""
    reports = []
    for i, row in enumerate(f.model.rows):
        activity = evaluate(row.coefs, values)
        if row.lower == row.upper:
            slack = abs(activity - row.lower)
        elif row.lower > -INF:
            slack = activity - row.lower
        else:
            slack = row.upper - activity
        tolerance = 1e-6 * max(1.0, abs(row.lower if row.lower > -INF else row.upper))
        binding = abs(slack) <= tolerance
        price = None if duals is None else _clean(f.objective_sign * duals[i])
        report = ConstraintReport(
            name=row.name,
            family=row.family,
            label=row.label,
            unit=row.unit,
            origin=str(row.origin) if row.origin else "",
            activity=_clean(activity),
            lower=None if row.lower == -INF else row.lower,
            upper=None if row.upper == INF else row.upper,
            slack=_clean(max(slack, 0.0)),
            binding=binding,
            shadow_price=price,
        )
        report.explanation = explain_row(f, report, activity, values)
        report.price, report.price_unit = priced_in_units(f, report, values)
        reports.append(report)
    return reports


def _clean(value: float) -> float:
    rounded = round(value, 6)
    return 0.0 if rounded == 0 else rounded


UNIT_SCALE = {"USD m": (1e6, "USD"), "USD bn": (1e9, "USD")}


def priced_in_units(f: Formulation, r: ConstraintReport, values: list[float]) -> tuple[float | None, str]:
    """The shadow price as the explanations state it: USD per troop, per point of Europe's share, ...

    The raw dual is in objective units (USD m) per unit of the row; tables and prose both
    use this converted figure, so a table never shows 0.2025 beside "$202,500".
    """
    if r.shadow_price is None:
        return None, ""
    scale, unit = UNIT_SCALE.get(objective_unit(f), (1.0, objective_unit(f)))
    if r.family in ("europe_troop_share", "europe_cost_share"):
        row = f.model.rows[f.model.row_index[r.name]]
        per_point = r.shadow_price * 0.01 * evaluate(row.share_base or {}, values)
        what = "troop" if r.family == "europe_troop_share" else "cost"
        return _clean(per_point * scale), f"{unit} per point of Europe's {what} share"
    return _clean(r.shadow_price * scale), f"{unit} per {singular(r.unit)}"


def explain_row(f: Formulation, r: ConstraintReport, activity: float, values: list[float]) -> str:
    """One plain-language sentence for a binding constraint with a price."""
    if not r.binding or r.family in DEFINITIONAL:
        return ""
    unit = objective_unit(f)
    price = r.shadow_price
    if price is None or abs(price) < 1e-9:
        return f"{r.label}: binding, but loosening it alone would not change the objective."
    verb = "costs" if price > 0 else "saves"
    if r.family in ("europe_troop_share", "europe_cost_share", "lead_nations"):
        # row: sum_E - alpha * sum_all >= 0; one point of alpha moves the bound by 0.01 * sum_all
        row = f.model.rows[f.model.row_index[r.name]]
        whole = evaluate(row.share_base or {}, values)
        per_point = price * 0.01 * whole
        what = "cost" if r.family == "europe_cost_share" else "troop"
        whose = "the lead nations'" if r.family == "lead_nations" else "Europe's"
        verb = "costs" if per_point > 0 else "saves"
        return f"{r.label}: each extra point of {whose} {what} share {verb} {money(per_point, unit)} a year."
    amount = money(price, unit)
    if r.upper is None or r.lower is not None:
        return f"{r.label}: each extra {singular(r.unit)} required {verb} {amount}."
    effect = "would save" if price < 0 else "would cost"
    phrases = {
        "sustainment": f"each extra troop in the pool {effect} {amount}",
        "stance": f"each troop it were allowed to send {effect} {amount}",
        "policy_no_us_ground": f"each US soldier allowed {effect} {amount}",
        "troop_cap": f"each troop of extra cap {effect} {amount}",
        "budget_cap": f"each extra USD million of headroom {effect} {amount}",
        "funding_cap": f"each extra USD million of headroom {effect} {amount}",
        "budget": f"each extra USD million of budget {effect} {amount}",
        "escalation": f"each extra point of tolerated risk {effect} {amount}",
        "ramp_up": f"each extra troop of build-up per period {effect} {amount}",
    }
    return (
        f"{r.label}: "
        + phrases.get(r.family, f"each extra {singular(r.unit)} of headroom {effect} {amount}")
        + "."
    )


PRICED_FAMILIES = {
    "requirement",
    "europe_troop_share",
    "europe_cost_share",
    "budget_cap",
    "budget",
    "fair_share",
    "funding",
    "escalation",
    "funding_cap",
}


def reduced_costs(f: Formulation, duals: list[float], values: list[float]) -> list[ReducedCost]:
    """Price unused ground contributions against the economic constraints only.

    The on/off contingent rows, stance and caps are left out: the question answered is
    how much cheaper a contributor's troops would have to be to be worth using at the
    current shadow prices of the requirements, shares and budgets.
    """
    p = f.params
    by_column: dict[int, float] = {}
    for i, row in enumerate(f.model.rows):
        if row.family not in PRICED_FAMILIES or not duals[i]:
            continue
        for j, a in row.coefs.items():
            by_column[j] = by_column.get(j, 0.0) + a * duals[i]
    unit = objective_unit(f)
    out = []
    by_id = {c.id: c for c in p.contributors}  # a scan per column made this quadratic
    for (c_id, k, period), j in f.amount.items():
        if k != p.ground:
            continue
        contributor = by_id[c_id]
        if values[j] > 1e-9 or contributor.stance == "ruled_out":
            continue
        rc = f.model.objective.get(j, 0.0) - by_column.get(j, 0.0)
        if contributor.is_us or rc <= 1e-9:
            continue
        per_troop = rc / p.unit_size[k] * f.objective_sign
        if unit == "USD m":
            per_year = per_troop * 1e6 / p.cost_factor[period]
            text = (
                f"{contributor.name}'s troops would have to cost ${per_year:,.0f} less per "
                "soldier-year to be worth using."
            )
        else:
            text = (
                f"{contributor.name}'s troops would have to improve the objective by "
                f"{per_troop:.3g} {unit} per troop to be used."
            )
        out.append(ReducedCost(c_id, k, period, _clean(per_troop), text))
    return out
