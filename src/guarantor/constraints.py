"""Constraint families, one `add_<family>_constraints` function each, every row named and labelled."""

from __future__ import annotations

from guarantor.formulation import Formulation, period_suffix, us_direct_cost
from guarantor.linear import INF, Expr, add_expr
from guarantor.schema import Stance


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.2f}"


def add_requirement_constraints(f: Formulation) -> None:
    """Contributors plus what the US tier and US command provide cover each requirement."""
    p = f.params
    labels = {c.id: (c.label, c.unit) for c in p.scenario.model.capabilities}
    for period in p.periods:
        s = period_suffix(p, period.id)
        for k in p.capabilities:
            need = p.requirement(k, period.id)
            if need <= 0 and k not in p.scenario.requirements:
                continue
            coefs: Expr = {}
            for c in p.contributors:
                add_expr(coefs, f.amount_expr(c.id, k, period.id))
            for t in p.tiers:
                if t.provides.get(k):
                    coefs[f.tier[(t.id, period.id)]] = t.provides[k]
            if p.c2_provides.get(k):
                coefs[f.c2[period.id]] = p.c2_provides[k]
            label, unit = labels[k]
            f.add_row(
                f"requirement_{k}{s}",
                coefs,
                need,
                INF,
                "requirement",
                f"Requirement: {label.lower()} >= {_fmt(need)} {unit}",
                unit,
                f.origin_of("requirements", k),
                scale=max(need, 1.0),
            )


def add_us_tier_constraints(f: Formulation) -> None:
    """Exactly one US tier per period, and the switching rule across periods."""
    p = f.params
    horizon = p.scenario.horizon
    for i, period in enumerate(p.periods):
        s = period_suffix(p, period.id)
        coefs = {f.tier[(t.id, period.id)]: 1.0 for t in p.tiers}
        f.add_row(
            f"one_us_tier{s}",
            coefs,
            1.0,
            1.0,
            "us_tier",
            "Exactly one US air-support tier",
            "tier",
            f.origin_of("us_air_support"),
            relaxable=False,
        )
        if i == 0 or horizon is None or horizon.tier_switching == "free":
            continue
        previous = p.periods[i - 1].id
        if horizon.tier_switching == "forbid":
            for t in p.tiers:
                f.add_row(
                    f"no_tier_switch_{t.id}{s}",
                    {f.tier[(t.id, period.id)]: 1.0, f.tier[(t.id, previous)]: -1.0},
                    0.0,
                    0.0,
                    "tier_switching",
                    "US tier may not change",
                    "tier",
                    f.origin_of("horizon", "tier_switching"),
                    relaxable=False,
                )
        else:
            coefs = {f.tier[(t.id, period.id)]: float(t.rank) for t in p.tiers}
            add_expr(coefs, {f.tier[(t.id, previous)]: float(t.rank) for t in p.tiers}, -1.0)
            f.add_row(
                f"tier_escalation_step{s}",
                coefs,
                -INF,
                1.0,
                "tier_switching",
                "US tier escalates at most one step per period",
                "tier steps",
                f.origin_of("horizon", "tier_switching"),
                relaxable=False,
            )


def add_ground_force_constraints(f: Formulation) -> None:
    """Sustainment (pool / rotation), no US ground troops, stance rules, caps, min contingent."""
    p = f.params
    policy = p.scenario.policy
    rules = {r.id: i for i, r in enumerate(p.scenario.contributors)}
    g = p.ground
    for period in p.periods:
        s = period_suffix(p, period.id)
        for c in p.contributors:
            x = f.amount_expr(c.id, g, period.id)
            f.add_row(
                f"sustainment_{c.id}{s}",
                {j: v * p.rotation for j, v in x.items()},
                -INF,
                c.pool,
                "sustainment",
                f"Sustainment: {c.name} can keep {_fmt(p.sustainable(c))} deployed "
                f"(pool {_fmt(c.pool)} / rotation {p.rotation:g})",
                "troops in pool",
                f.origin_of("model", "contributors", c.id, "deployable_ground_force"),
                relaxable=False,
            )
            if c.is_us and policy.no_us_ground_troops.value:
                label = policy.no_us_ground_troops.label or "No US ground troops"
                f.add_row(
                    f"no_us_ground_troops{s}",
                    x,
                    -INF,
                    0.0,
                    "policy_no_us_ground",
                    label,
                    "troops",
                    f.origin_of("policy", "no_us_ground_troops"),
                    relaxable=False,
                )
            elif c.stance == Stance.ruled_out:
                origin = (
                    f.origin_of("contributors", rules[c.id], "stance")
                    if c.id in rules
                    else f.origin_of("model", "contributors", c.id, "stance")
                )
                f.add_row(
                    f"stance_{c.id}{s}",
                    x,
                    -INF,
                    0.0,
                    "stance",
                    f"Stance: {c.name} has ruled out sending troops",
                    "troops",
                    origin,
                    scale=1000.0,
                )
            cap = p.troop_cap(c, period.id)
            if cap is not None and c.stance != Stance.ruled_out:
                origin = (
                    f.origin_of("contributors", rules[c.id], "troop_cap")
                    if c.id in rules
                    else f.origin_of("policy", "conditional_troop_cap")
                )
                f.add_row(
                    f"troop_cap_{c.id}{s}",
                    x,
                    -INF,
                    cap,
                    "troop_cap",
                    f"Cap: {c.name} deploys at most {_fmt(cap)} troops",
                    "troops",
                    origin,
                    scale=max(cap, 1000.0),
                )
            pledge = p.troop_min(c, period.id)
            if pledge is not None:
                f.add_row(
                    f"troop_min_{c.id}{s}",
                    x,
                    pledge,
                    INF,
                    "troop_min",
                    f"Pledge: {c.name} deploys at least {_fmt(pledge)} troops",
                    "troops",
                    f.origin_of("contributors", rules[c.id], "troop_min"),
                    scale=max(pledge, 1000.0),
                )
            switch = f.deploy.get((c.id, period.id))
            if switch is not None:
                minimum = policy.min_contingent.troops if policy.min_contingent else 0.0
                most = p.sustainable(c)
                low = dict(x)
                low[switch] = -minimum
                f.add_row(
                    f"min_contingent_{c.id}{s}",
                    low,
                    0.0,
                    INF,
                    "min_contingent",
                    (
                        policy.min_contingent.label
                        if policy.min_contingent and policy.min_contingent.label
                        else f"Minimum contingent: {_fmt(minimum)} troops if {c.name} deploys"
                    ),
                    "troops",
                    f.origin_of("policy", "min_contingent"),
                    relaxable=False,
                )
                high = dict(x)
                high[switch] = -most
                f.add_row(
                    f"deploy_switch_{c.id}{s}",
                    high,
                    -INF,
                    0.0,
                    "min_contingent",
                    f"{c.name} deploys only if switched on",
                    "troops",
                    f.origin_of("policy", "min_contingent"),
                    relaxable=False,
                )


def add_ramp_up_constraints(f: Formulation) -> None:
    """Force generation: a contributor's deployed troops grow at most `max_ramp_up` per period."""
    p = f.params
    horizon = p.scenario.horizon
    if horizon is None or horizon.max_ramp_up is None:
        return
    ramp = horizon.max_ramp_up
    for c in p.contributors:
        limit = ramp.by_contributor.get(c.id, ramp.default)
        if limit is None:
            continue
        previous: Expr = {}
        for period in p.periods:
            coefs = add_expr(dict(f.amount_expr(c.id, p.ground, period.id)), previous, -1.0)
            f.add_row(
                f"ramp_up_{c.id}_{period.id}",
                coefs,
                -INF,
                limit,
                "ramp_up",
                f"Ramp-up: {c.name} adds at most {_fmt(limit)} troops per period",
                "troops",
                f.origin_of("horizon", "max_ramp_up"),
                scale=max(limit, 1000.0),
            )
            previous = f.amount_expr(c.id, p.ground, period.id)


def add_tour_constraints(f: Formulation) -> None:
    """Minimum time in theatre: troops that arrive in a period stay for `min_tour_periods` periods.

    For arrivals in period t (x_t - x_{t-1}), every later period q < t + N keeps x_q >= x_t - x_{t-1}.
    """
    p = f.params
    horizon = p.scenario.horizon
    if horizon is None or horizon.min_tour_periods <= 1:
        return
    n = horizon.min_tour_periods
    for c in p.contributors:
        for t, period in enumerate(p.periods):
            arrivals = dict(f.amount_expr(c.id, p.ground, period.id))
            if t > 0:
                add_expr(arrivals, f.amount_expr(c.id, p.ground, p.periods[t - 1].id), -1.0)
            for later in p.periods[t + 1 : t + n]:
                coefs = add_expr(dict(f.amount_expr(c.id, p.ground, later.id)), arrivals, -1.0)
                f.add_row(
                    f"tour_{c.id}_{period.id}_{later.id}",
                    coefs,
                    0.0,
                    INF,
                    "min_tour",
                    f"Tour: {c.name}'s arrivals in {period.id} stay through {later.id}",
                    "troops",
                    f.origin_of("horizon", "min_tour_periods"),
                    scale=1000.0,
                )


def add_funding_constraints(f: Formulation) -> None:
    """Who pays: each its own costs, or a common pool whose shares the model chooses."""
    from guarantor.formulation import contributor_cost

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
    europe = [c.id for c in p.contributors if c.is_europe]
    for key, family in (
        ("europe_min_troop_share", "europe_troop_share"),
        ("europe_min_cost_share", "europe_cost_share"),
    ):
        rule = getattr(policy, key)
        if rule is None:
            continue
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
            label = rule.label or f"Europe provides at least {rule.value:.0%} of {what}"
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


FAMILIES = (
    add_requirement_constraints,
    add_us_tier_constraints,
    add_ground_force_constraints,
    add_ramp_up_constraints,
    add_tour_constraints,
    add_funding_constraints,
    add_share_constraints,
    add_budget_constraints,
    add_fair_share_constraints,
    add_escalation_constraints,
)


def add_all_constraints(f: Formulation) -> None:
    for add in FAMILIES:
        add(f)


FAMILY_NAMES = (
    "requirement",
    "us_tier",
    "tier_switching",
    "sustainment",
    "policy_no_us_ground",
    "stance",
    "troop_cap",
    "troop_min",
    "min_contingent",
    "ramp_up",
    "min_tour",
    "funding",
    "europe_troop_share",
    "europe_cost_share",
    "budget_cap",
    "funding_cap",
    "budget",
    "fair_share",
    "escalation",
    "peak_cost",
)
"""Every row family `build` can emit; each has a golden LP file in tests/golden/."""
