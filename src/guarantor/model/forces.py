"""Force constraint families, one `add_<family>_constraints` function each, every row named and labelled.

Money families (funding, shares, budgets, fair shares, escalation) live in `money.py`.
"""

from __future__ import annotations

from guarantor.model.formulation import Formulation, period_suffix
from guarantor.model.formulation import fmt_amount as _fmt
from guarantor.model.linear import INF, Expr, add_expr
from guarantor.scenario.schema import Stance


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
                explicit = p.explicit_troop_cap(c, period.id) is not None
                offered = not explicit and p.reported_offers and c.offer_cap == cap
                if offered:
                    origin = f.origin_of("model", "contributors", c.id, "reported_offer", "troop_cap")
                elif explicit:
                    origin = f.origin_of("contributors", rules[c.id], "troop_cap")
                else:
                    origin = f.origin_of("policy", "conditional_troop_cap")
                what = "Offer" if offered else "Cap"
                f.add_row(
                    f"troop_cap_{c.id}{s}",
                    x,
                    -INF,
                    cap,
                    "troop_cap",
                    f"{what}: {c.name} deploys at most {_fmt(cap)} troops",
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
                minimum = p.min_contingent(c)
                most = p.sustainable(c)
                low = dict(x)
                low[switch] = -minimum
                offered = p.reported_offers and c.offer_min is not None and c.offer_min == minimum
                if offered:
                    label = f"Offer: {c.name} sends at least {_fmt(minimum)} troops if it deploys"
                    origin = f.origin_of("model", "contributors", c.id, "reported_offer", "troop_min")
                else:
                    label = (
                        policy.min_contingent.label
                        if policy.min_contingent and policy.min_contingent.label
                        else f"Minimum contingent: {_fmt(minimum)} troops if {c.name} deploys"
                    )
                    origin = f.origin_of("policy", "min_contingent")
                f.add_row(
                    f"min_contingent_{c.id}{s}",
                    low,
                    0.0,
                    INF,
                    "min_contingent",
                    label,
                    "troops",
                    origin,
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


def add_lead_nation_constraints(f: Formulation) -> None:
    """Framework nations carry a minimum share of the deployed troops, together and/or each.

    Linear because the share is a constant: sum(lead troops) - share * sum(all troops) >= 0.
    """
    p = f.params
    lead = p.scenario.policy.lead_nations
    if lead is None:
        return
    present = [c for c in p.contributors if c.id in set(lead.ids)]
    names = " and ".join(c.name for c in present) or ", ".join(lead.ids)
    rules: list[tuple[str, list[str], float, str]] = []
    if lead.min_troop_share is not None:
        share = lead.min_troop_share
        text = lead.label or f"Lead nations: {names} deploy at least {share:.0%} of the troops"
        rules.append(("lead_nations", [c.id for c in present], share, text))
    if lead.min_share_each is not None:
        for c in present:
            share = lead.min_share_each
            rules.append(
                (
                    f"lead_nation_{c.id}",
                    [c.id],
                    share,
                    f"Lead nation: {c.name} deploys at least {share:.0%} of the troops",
                )
            )
    groups = [[q] for q in p.periods] if lead.per_period else [list(p.periods)]
    for name, members, share, text in rules:
        for group in groups:
            coefs: Expr = {}
            base: Expr = {}
            for period in group:
                add_expr(coefs, f.ground_expr(period.id, members), period.years)
                add_expr(coefs, f.ground_expr(period.id), -share * period.years)
                add_expr(base, f.ground_expr(period.id), period.years)
            s = period_suffix(p, group[0].id) if len(group) == 1 else "_horizon"
            f.add_row(
                f"{name}{s}",
                coefs,
                0.0,
                INF,
                "lead_nations",
                text,
                "share",
                f.origin_of("policy", "lead_nations"),
                scale=0.01,
            )
            f.model.rows[-1].share_base = base
