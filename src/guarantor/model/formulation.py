"""Scenario -> linear model: decision variables, metrics and the objective.

Periods are a dimension of every variable; a scenario without a horizon has one
period, ``year``. Constraint families live in `forces.py` and `money.py`; `build.py`
assembles them. The mathematics is documented in docs/formulation.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from guarantor.errors import Origin
from guarantor.model.linear import INF, Expr, LinearModel, Row, add_expr
from guarantor.model.params import Params
from guarantor.scenario.schema import Scenario

OriginLookup = Callable[..., Origin | None]

MAXIMISED = {"deployed_force"}


@dataclass
class Formulation:
    """The linear model plus maps from decisions to its columns."""

    params: Params
    model: LinearModel
    amount: dict[tuple[str, str, str], int] = field(default_factory=dict)
    deploy: dict[tuple[str, str], int] = field(default_factory=dict)
    fund: dict[tuple[str, str], int] = field(default_factory=dict)
    tier: dict[tuple[str, str], int] = field(default_factory=dict)
    c2: dict[str, int] = field(default_factory=dict)
    period_cost: dict[str, Expr] = field(default_factory=dict)
    metrics: dict[str, Expr] = field(default_factory=dict)
    origin_of: OriginLookup = field(default=lambda *path: None)
    objective_sign: float = 1.0
    objective_metrics: dict[str, float] = field(default_factory=dict)

    def amount_expr(self, contributor: str, capability: str, period: str) -> Expr:
        """Amount in capability units (columns count whole units of `unit_size`)."""
        j = self.amount.get((contributor, capability, period))
        return {} if j is None else {j: float(self.params.unit_size[capability])}

    def ground_expr(self, period: str, members: list[str] | None = None) -> Expr:
        expr: Expr = {}
        chosen = None if members is None else set(members)
        for c in self.params.contributors:
            if chosen is None or c.id in chosen:
                add_expr(expr, self.amount_expr(c.id, self.params.ground, period))
        return expr

    def add_row(
        self,
        name: str,
        coefs: Expr,
        lower: float,
        upper: float,
        family: str,
        label: str,
        unit: str = "",
        origin: Origin | None = None,
        relaxable: bool = True,
        scale: float = 1.0,
    ) -> None:
        if self.params.multi_period:
            period = self._period_of(name)
            if period is not None and period not in label:
                label = f"{label} ({period})"
        self.model.add_row(
            Row(name, dict(coefs), lower, upper, family, label, unit, origin, relaxable, scale)
        )

    def _period_of(self, name: str) -> str | None:
        """The first period (in horizon order) whose id ends the row name after a `_`.

        Looks up each `_`-suffix of the name rather than trying every period, so adding a row
        costs the same however long the horizon (a scan made the build quadratic in periods).
        """
        order = self.params.period_order
        found = [name[i + 1 :] for i, ch in enumerate(name) if ch == "_" and name[i + 1 :] in order]
        return min(found, key=order.__getitem__) if found else None


def fmt_amount(value: float) -> str:
    """Numbers in labels: thousands separators, decimals only where they matter."""
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.2f}"


def period_suffix(params: Params, period: str) -> str:
    return f"_{period}" if params.multi_period else ""


def add_variables(f: Formulation) -> None:
    """Amounts, contingent switches, funding, US tier and command choice, per period."""
    p, m = f.params, f.model
    policy = p.scenario.policy
    for period_index, period in enumerate(p.periods):
        s = period_suffix(p, period.id)
        for c in p.contributors:
            for k in p.capabilities:
                size = p.unit_size[k]
                if k == p.ground:
                    upper = INF
                elif k in c.offers:
                    upper = c.offers[k][0] / size
                else:
                    continue
                if period_index < p.lead_time[k]:
                    upper = 0.0
                if p.integer[k] and upper != INF:
                    upper = float(int(upper + 1e-9))
                f.amount[(c.id, k, period.id)] = m.add_column(f"x_{c.id}_{k}{s}", 0.0, upper, p.integer[k])
            if (policy.min_contingent is not None or p.min_contingent(c) > 0) and not c.is_us:
                f.deploy[(c.id, period.id)] = m.add_column(f"deploy_{c.id}{s}", 0.0, 1.0, True)
            f.fund[(c.id, period.id)] = m.add_column(f"fund_{c.id}{s}", 0.0, INF)
        allowed = p.allowed_tiers(period.id)
        for t in p.tiers:
            upper = 1.0 if t.id in allowed else 0.0
            f.tier[(t.id, period.id)] = m.add_column(f"us_tier_{t.id}{s}", 0.0, upper, True)
        c2_mode = p.scenario.command_and_control
        low, high = {"us_led": (1.0, 1.0), "european_led": (0.0, 0.0)}.get(c2_mode, (0.0, 1.0))
        f.c2[period.id] = m.add_column(f"us_command{s}", low, high, True)


def add_cost_expressions(f: Formulation) -> None:
    """Cost per period (USD million, constant prices with escalation) and the metrics."""
    p = f.params
    total: Expr = {}
    discounted: Expr = {}
    us_cost: Expr = {}
    risk: Expr = {}
    force: Expr = {}
    for period in p.periods:
        cost: Expr = {}
        for c in p.contributors:
            add_expr(cost, contributor_cost(f, c.id, period.id))
            if c.is_us:
                add_expr(us_cost, {f.fund[(c.id, period.id)]: 1.0 / 1000})
        add_expr(cost, us_direct_cost(f, period.id))
        f.period_cost[period.id] = cost
        add_expr(total, cost)
        add_expr(discounted, cost, p.discount[period.id])
        for t in p.tiers:
            add_expr(risk, {f.tier[(t.id, period.id)]: t.risk * period.years})
        add_expr(risk, {f.c2[period.id]: p.c2_risk * period.years})
        add_expr(force, f.ground_expr(period.id), period.years)
    f.metrics["total_cost"] = discounted if p.scenario.objective.discounted else total
    f.metrics["undiscounted_cost"] = total
    f.metrics["us_cost"] = us_cost
    f.metrics["escalation_risk"] = risk
    f.metrics["us_involvement"] = add_expr(dict(risk), us_cost)
    f.metrics["deployed_force"] = force


def contributor_cost(f: Formulation, contributor_id: str, period: str) -> Expr:
    """What a contributor's own deployments cost in a period (USD million)."""
    p = f.params
    factor = p.cost_factor[period]
    c = p.by_id[contributor_id]
    expr: Expr = {}
    for k in p.capabilities:
        unit_cost = c.troop_cost_usd_m if k == p.ground else c.offers.get(k, (0.0, 0.0))[1]
        add_expr(expr, f.amount_expr(c.id, k, period), unit_cost * factor)
    return expr


def us_direct_cost(f: Formulation, period: str) -> Expr:
    """US tier and US command costs in a period (USD million)."""
    p = f.params
    factor = p.cost_factor[period]
    expr: Expr = {f.tier[(t.id, period)]: t.cost_usd_m * factor for t in p.tiers}
    expr[f.c2[period]] = p.c2_cost_usd_m * factor
    return expr


def add_peak_cost(f: Formulation) -> None:
    """Peak annual cost needs an auxiliary column bounded below by each period's annual cost."""
    if "peak_cost" in f.metrics:
        return
    p = f.params
    peak = f.model.add_column("peak_annual_cost", 0.0, INF)
    for period in p.periods:
        coefs = {j: -v / period.years for j, v in f.period_cost[period.id].items()}
        coefs[peak] = 1.0
        f.add_row(
            f"peak_cost{period_suffix(p, period.id)}",
            coefs,
            0.0,
            INF,
            "peak_cost",
            f"Peak annual cost covers {period.id}",
            "USD m",
            relaxable=False,
        )
    f.metrics["peak_cost"] = {peak: 1.0}


def metric_sense(metric: str) -> str:
    return "max" if metric in MAXIMISED else "min"


def set_objective(f: Formulation, metric_weights: dict[str, float]) -> None:
    """Minimise a weighted sum of metrics; maximised metrics enter with a minus sign.

    The model is always a minimisation so that duals keep one sign convention;
    `objective_sign` turns the minimised value back into the metric's own sense.
    """
    objective: Expr = {}
    for metric, weight in metric_weights.items():
        if metric == "peak_cost":
            add_peak_cost(f)
        sign = -1.0 if metric_sense(metric) == "max" else 1.0
        add_expr(objective, f.metrics[metric], sign * weight)
    single_max = len(metric_weights) == 1 and metric_sense(next(iter(metric_weights))) == "max"
    f.objective_sign = -1.0 if single_max else 1.0
    f.objective_metrics = dict(metric_weights)
    f.model.sense = "min"
    f.model.objective = objective


def objective_metrics(scenario: Scenario) -> list[dict[str, float]]:
    """The sequence of objectives to solve (one entry unless lexicographic)."""
    objective = scenario.objective
    match objective.type:
        case "min_cost":
            return [{"total_cost": 1.0}]
        case "min_us_involvement":
            return [{"us_involvement": 1.0}]
        case "max_force":
            return [{"deployed_force": 1.0}]
        case "weighted":
            return [{term.metric: term.weight for term in objective.weights}]
        case _:
            return [{level.metric: 1.0} for level in objective.priorities]
