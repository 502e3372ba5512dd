"""Derive decisions and metrics from solved columns; compute shares from decisions alone."""

from __future__ import annotations

from guarantor.answer.results import Decisions, Metrics
from guarantor.model.formulation import Formulation
from guarantor.model.params import Params


def _clean(value: float) -> float:
    """Round away solver noise so identical runs write identical files."""
    rounded = round(value, 6)
    return 0.0 if rounded == 0 else rounded


def decisions_from_values(f: Formulation, values: list[float]) -> Decisions:
    p = f.params
    d = Decisions()
    for (c, k, period), j in f.amount.items():
        d.amounts[(c, k, period)] = _clean(values[j] * p.unit_size[k])
    for key, j in f.fund.items():
        d.funding[key] = _clean(values[j])
    for step in p.periods:
        chosen = max(p.tiers, key=lambda t: values[f.tier[(t.id, step.id)]])
        d.tier[step.id] = chosen.id
        d.us_command[step.id] = values[f.c2[step.id]] > 0.5
    return d


def period_cost(params: Params, d: Decisions, period: str) -> float:
    """Cost of one period computed from decisions (USD m), independent of the model."""
    factor = params.cost_factor[period]
    cost = 0.0
    for c in params.contributors:
        for k in params.capabilities:
            amount = d.amounts.get((c.id, k, period), 0.0)
            unit_cost = c.troop_cost_usd_m if k == params.ground else c.offers.get(k, (0.0, 0.0))[1]
            cost += amount * unit_cost * factor  # unit costs are per unit, not per block
    tier = next(t for t in params.tiers if t.id == d.tier[period])
    cost += tier.cost_usd_m * factor
    if d.us_command.get(period):
        cost += params.c2_cost_usd_m * factor
    return cost


def compute_metrics(params: Params, d: Decisions) -> Metrics:
    """Totals and shares from the decisions (used for results and the checker alike)."""
    periods = params.periods
    annual = {p.id: _clean(period_cost(params, d, p.id) / p.years) for p in periods}
    total = sum(period_cost(params, d, p.id) for p in periods)
    if params.scenario.objective.discounted:
        total = sum(period_cost(params, d, p.id) * params.discount[p.id] for p in periods)
    funding_total = sum(d.funding.values())
    # "Europe" is the group each share rule names (the scenario's Europe group by default).
    troop_group = params.group_members(params.share_group("europe_min_troop_share"))
    cost_group = params.group_members(params.share_group("europe_min_cost_share"))
    by_bloc = {"europe": 0.0, "united_states": 0.0, "other": 0.0}
    troops_by_bloc = {"europe": 0.0, "united_states": 0.0, "other": 0.0}
    for c in params.contributors:
        paying = "united_states" if c.is_us else "europe" if c.id in cost_group else "other"
        deploying = "united_states" if c.is_us else "europe" if c.id in troop_group else "other"
        for p in periods:
            by_bloc[paying] += d.funding.get((c.id, p.id), 0.0)
            troops_by_bloc[deploying] += d.ground(params, c.id, p.id) * p.years
    troops_total = sum(troops_by_bloc.values())
    risk = 0.0
    for p in periods:
        tier = next(t for t in params.tiers if t.id == d.tier[p.id])
        risk += (tier.risk + (params.c2_risk if d.us_command.get(p.id) else 0.0)) * p.years

    def share(part: float, whole: float) -> float:
        return _clean(part / whole) if whole > 1e-9 else 0.0

    return Metrics(
        total_cost_usd_m=_clean(total),
        annual_cost_usd_m=annual,
        us_cost_usd_m=_clean(by_bloc["united_states"]),
        escalation_risk=_clean(risk),
        deployed_force=_clean(troops_total),
        europe_troop_share=share(troops_by_bloc["europe"], troops_total),
        europe_cost_share=share(by_bloc["europe"], funding_total),
        us_cost_share=share(by_bloc["united_states"], funding_total),
        other_cost_share=share(by_bloc["other"], funding_total),
        other_troop_share=share(troops_by_bloc["other"], troops_total),
    )
