"""Money constraint families: who pays, Europe's shares, budgets, fair shares, escalation."""

from __future__ import annotations

from guarantor.model.formulation import Formulation, contributor_cost, period_suffix, us_direct_cost
from guarantor.model.formulation import fmt_amount as _fmt
from guarantor.model.linear import INF, Expr, add_expr


def add_funding_constraints(f: Formulation) -> None:
    """Who pays: each its own costs, or a common pool whose shares the model chooses."""

    p = f.params
    rule = p.scenario.policy.funding_rule
    for period in p.periods:
        s = period_suffix(p, period.id)
        if rule == "own_costs":
            for c in p.contributors:
                coefs = {f.fund[(c.id, period.id)]: 1.0}
                add_expr(coefs, contributor_cost(f, c.id, period.id), -1.0)
                if c.is_us:
                    add_expr(coefs, us_direct_cost(f, period.id), -1.0)
                f.add_row(
                    f"own_costs_{c.id}{s}",
                    coefs,
                    0.0,
                    0.0,
                    "funding",
                    f"{c.name} pays for what it supplies",
                    "USD m",
                    f.origin_of("policy", "funding_rule"),
                    relaxable=False,
                )
        else:
            coefs = {f.fund[(c.id, period.id)]: 1.0 for c in p.contributors}
            add_expr(coefs, f.period_cost[period.id], -1.0)
            f.add_row(
                f"common_pool{s}",
                coefs,
                0.0,
                0.0,
                "funding",
                "Common pool covers all costs",
                "USD m",
                f.origin_of("policy", "funding_rule"),
                relaxable=False,
            )
            add_payer_rows(f, period.id)
            for c in p.contributors:
                if c.is_us:
                    coefs = add_expr({f.fund[(c.id, period.id)]: 1.0}, us_direct_cost(f, period.id), -1.0)
                    f.add_row(
                        f"us_pays_own_role{s}",
                        coefs,
                        0.0,
                        0.0,
                        "funding",
                        "The US pays for its own air support and command role",
                        "USD m",
                        f.origin_of("policy", "funding_rule"),
                        relaxable=False,
                    )


def cost_ceiling(f: Formulation, period: str) -> float:
    """An upper bound on a period's total cost: everything every contributor could supply, dearest tier."""
    p = f.params
    bound = max((t.cost_usd_m for t in p.tiers), default=0.0) + p.c2_cost_usd_m
    for c in p.contributors:
        bound += p.sustainable(c) * c.troop_cost_usd_m
        bound += sum(units * cost for units, cost in c.offers.values())
    return max(bound * p.cost_factor[period], 1.0)


def add_payer_rows(f: Formulation, period: str) -> None:
    """Common pool: only payers pay. Participants pay only if they supply something (no binary needed:
    a payment is bounded by the cost ceiling times the units supplied, so supplying nothing means 0)."""
    p = f.params
    s = period_suffix(p, period)
    payers = p.payers()
    origin = f.origin_of("policy", "payers")
    ceiling = cost_ceiling(f, period)
    for c in p.contributors:
        if c.is_us:
            continue
        fund = f.fund[(c.id, period)]
        if payers is not None:
            if c.id not in payers:
                f.add_row(
                    f"payer_{c.id}{s}",
                    {fund: 1.0},
                    -INF,
                    0.0,
                    "payers",
                    f"Payers: {c.name} is not a payer of the common pool",
                    "USD m",
                    origin,
                    relaxable=False,
                )
            continue
        coefs: Expr = {fund: 1.0}
        for k in p.capabilities:
            per_unit = 1.0 / max(p.min_contingent(c), 1.0) if k == p.ground else 1.0
            add_expr(coefs, f.amount_expr(c.id, k, period), -ceiling * per_unit)
        f.add_row(
            f"payer_{c.id}{s}",
            coefs,
            -INF,
            0.0,
            "payers",
            f"Payers: {c.name} pays into the pool only if it takes part",
            "USD m",
            origin,
            relaxable=False,
            scale=ceiling,
        )


def add_burden_balance(f: Formulation) -> None:
    """Second stage for a common pool: spread the bill so the largest burden (share of GDP) is smallest.

    Minimising cost leaves the split of a common pool arbitrary; this makes it meaningful
    and reproducible without changing the cost (held by the caller).
    """
    p = f.params
    worst = f.model.add_column("max_burden_pct_gdp", 0.0, INF)
    for period in p.periods:
        for c in p.contributors:
            if c.is_us or c.gdp_usd_m <= 0:
                continue
            coefs = {f.fund[(c.id, period.id)]: 100.0 / (c.gdp_usd_m * period.years), worst: -1.0}
            f.add_row(
                f"burden_{c.id}{period_suffix(p, period.id)}",
                coefs,
                -INF,
                0.0,
                "burden",
                f"{c.name}'s payment as a share of its GDP is at most the largest burden",
                "% of GDP",
                f.origin_of("policy", "funding_rule"),
                relaxable=False,
            )
    f.model.objective = {worst: 1.0}


def add_share_constraints(f: Formulation) -> None:
    """Europe's minimum share of deployed troops and of costs (linear: the share is a constant)."""
    p = f.params
    policy = p.scenario.policy
    for key, family in (
        ("europe_min_troop_share", "europe_troop_share"),
        ("europe_min_cost_share", "europe_cost_share"),
    ):
        rule = getattr(policy, key)
        if rule is None:
            continue
        gid = p.share_group(key)
        europe = [c.id for c in p.contributors if c.id in p.group_members(gid)]
        groups = [[q] for q in p.periods] if rule.per_period else [list(p.periods)]
        for group in groups:
            coefs: Expr = {}
            base: Expr = {}
            for period in group:
                weight = period.years
                if family == "europe_troop_share":
                    add_expr(coefs, f.ground_expr(period.id, europe), weight)
                    add_expr(coefs, f.ground_expr(period.id), -rule.value * weight)
                    add_expr(base, f.ground_expr(period.id), weight)
                else:
                    add_expr(coefs, {f.fund[(c, period.id)]: 1.0 for c in europe})
                    add_expr(coefs, {f.fund[(c.id, period.id)]: -rule.value for c in p.contributors})
                    add_expr(base, {f.fund[(c.id, period.id)]: 1.0 for c in p.contributors})
            s = period_suffix(p, group[0].id) if len(group) == 1 else "_horizon"
            what = "troops" if family == "europe_troop_share" else "costs"
            label = rule.label or f"{p.group_label(gid)} provide at least {rule.value:.0%} of {what}"
            f.add_row(
                f"{family}{s}",
                coefs,
                0.0,
                INF,
                family,
                label,
                "share",
                f.origin_of("policy", key),
                scale=0.01,
            )
            f.model.rows[-1].share_base = base


def add_budget_constraints(f: Formulation) -> None:
    """Budget caps (fraction of GDP or defence budget), funding caps, total budgets."""
    p = f.params
    policy = p.scenario.policy
    cap = policy.budget_cap
    rules = {r.id: i for i, r in enumerate(p.scenario.contributors)}
    for period in p.periods:
        s = period_suffix(p, period.id)
        for c in p.contributors:
            fund = {f.fund[(c.id, period.id)]: 1.0}
            if cap is not None and (cap.applies_to == "all" or c.is_europe):
                base = c.gdp_usd_m if cap.of == "gdp" else c.defence_budget_usd_m
                limit = cap.fraction * base * period.years
                what = "GDP" if cap.of == "gdp" else "defence budget"
                f.add_row(
                    f"budget_cap_{c.id}{s}",
                    fund,
                    -INF,
                    limit,
                    "budget_cap",
                    cap.label or f"Budget cap: {c.name} pays at most {cap.fraction:.1%} of its {what}",
                    "USD m",
                    f.origin_of("policy", "budget_cap"),
                    scale=max(limit, 1.0),
                )
            own_cap = p.funding_cap(c, period.id)
            if own_cap is not None:
                f.add_row(
                    f"funding_cap_{c.id}{s}",
                    fund,
                    -INF,
                    own_cap * period.years,
                    "funding_cap",
                    f"Funding cap: {c.name} pays at most {_fmt(own_cap)} USD m a year",
                    "USD m",
                    f.origin_of("contributors", rules[c.id], "funding_cap_usd_m"),
                    scale=max(own_cap, 1.0),
                )
        if policy.total_budget_usd_m is not None:
            limit = policy.total_budget_usd_m * period.years
            f.add_row(
                f"annual_budget{s}",
                f.period_cost[period.id],
                -INF,
                limit,
                "budget",
                f"Budget: total cost at most {_fmt(policy.total_budget_usd_m)} USD m a year",
                "USD m",
                f.origin_of("policy", "total_budget_usd_m"),
                scale=max(limit, 1.0),
            )
    budgets: list[tuple[str, str, float | None]] = [
        ("objective", "budget_usd_m", p.scenario.objective.budget_usd_m)
    ]
    if p.scenario.horizon is not None:
        budgets.append(("horizon", "total_budget_usd_m", p.scenario.horizon.total_budget_usd_m))
    for section, key, total in budgets:
        if total is None:
            continue
        f.add_row(
            f"budget_{section}",
            f.metrics["undiscounted_cost"],
            -INF,
            total,
            "budget",
            f"Budget: total cost at most {_fmt(total)} USD m",
            "USD m",
            f.origin_of(section, key),
            scale=max(total, 1.0),
        )


def add_fair_share_constraints(f: Formulation) -> None:
    """Each member's funding within +/- band of its GDP share of the members' total."""
    p = f.params
    fair = p.scenario.policy.fair_share
    members = p.fair_share_members()
    if fair is None or not members:
        return
    gdp_total = sum(c.gdp_usd_m for c in members)
    for period in p.periods:
        s = period_suffix(p, period.id)
        total = {f.fund[(c.id, period.id)]: 1.0 for c in members}
        for c in members:
            share = c.gdp_usd_m / gdp_total
            for side, factor, lower, upper in (
                ("upper", 1 + fair.band, -INF, 0.0),
                ("lower", 1 - fair.band, 0.0, INF),
            ):
                coefs = add_expr({f.fund[(c.id, period.id)]: 1.0}, total, -factor * share)
                word = "at most" if side == "upper" else "at least"
                f.add_row(
                    f"fair_share_{side}_{c.id}{s}",
                    coefs,
                    lower,
                    upper,
                    "fair_share",
                    fair.label or f"Fair share: {c.name} pays {word} {factor * share:.1%} of the shared bill",
                    "USD m",
                    f.origin_of("policy", "fair_share"),
                    scale=100.0,
                )


def add_escalation_constraints(f: Formulation) -> None:
    """Optional ceiling on the escalation risk of the US role."""
    p = f.params
    ceiling = p.scenario.policy.escalation_ceiling
    if ceiling is None:
        return
    for period in p.periods:
        s = period_suffix(p, period.id)
        coefs = {f.tier[(t.id, period.id)]: t.risk for t in p.tiers}
        coefs[f.c2[period.id]] = p.c2_risk
        f.add_row(
            f"escalation_ceiling{s}",
            coefs,
            -INF,
            ceiling.value,
            "escalation",
            ceiling.label or f"Escalation risk at most {ceiling.value:g}",
            "risk points",
            f.origin_of("policy", "escalation_ceiling"),
            scale=1.0,
        )
