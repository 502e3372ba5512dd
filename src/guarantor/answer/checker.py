"""Solver-independent solution checker.

Recomputes every rule of a scenario directly from its parameters and a set of
decisions, without the linear model, so a formulation bug cannot hide itself.
Violations are reported in each rule's own units and traced to the YAML line.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from guarantor.answer.coalition_rules import coalition_bounds
from guarantor.answer.metrics import period_cost
from guarantor.answer.results import Decisions
from guarantor.errors import Origin
from guarantor.gcpause import gc_paused
from guarantor.model.params import ContributorParams, Params
from guarantor.scenario.schema import Stance

OriginLookup = Callable[..., Origin | None]


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    amount: float
    unit: str
    origin: str = ""

    def __str__(self) -> str:
        where = f" ({self.origin})" if self.origin else ""
        return f"{self.rule}{where}: {self.message}"


class _Check:
    def __init__(
        self, params: Params, d: Decisions, origin_of: OriginLookup | None, tolerance: float
    ) -> None:
        self.p, self.d = params, d
        self.origin_of = origin_of or (lambda *path: None)
        self.tol = tolerance
        self.found: list[Violation] = []

    def at_least(self, rule: str, value: float, bound: float, unit: str, what: str, *path: str | int) -> None:
        if value < bound - self.tol * max(1.0, abs(bound)):
            short = bound - value
            self._add(
                rule, f"{what}: {value:,.6g} < {bound:,.6g} (short {short:,.6g} {unit})", short, unit, path
            )

    def at_most(self, rule: str, value: float, bound: float, unit: str, what: str, *path: str | int) -> None:
        if value > bound + self.tol * max(1.0, abs(bound)):
            excess = value - bound
            self._add(
                rule,
                f"{what}: {value:,.6g} > {bound:,.6g} (over by {excess:,.6g} {unit})",
                excess,
                unit,
                path,
            )

    def _add(self, rule: str, message: str, amount: float, unit: str, path: tuple[str | int, ...]) -> None:
        origin = self.origin_of(*path) if path else None
        self.found.append(Violation(rule, message, amount, unit, str(origin) if origin else ""))

    def ground(self, contributor: str, period: str) -> float:
        return self.d.amounts.get((contributor, self.p.ground, period), 0.0)


def check_solution(
    params: Params, d: Decisions, origin_of: OriginLookup | None = None, tolerance: float = 1e-6
) -> list[Violation]:
    """Every rule the decisions break, in the rule's own units (empty list: all satisfied)."""
    with gc_paused():  # one object per term checked (`gcpause`)
        return _check_all(params, d, origin_of, tolerance)


def _check_all(
    params: Params, d: Decisions, origin_of: OriginLookup | None, tolerance: float
) -> list[Violation]:
    ck = _Check(params, d, origin_of, tolerance)
    problems = malformed(params, d)
    if problems:  # the rules below cannot be evaluated on NaN or on names the scenario lacks
        return [Violation("malformed", problem, math.inf, "") for problem in problems]
    for check in (_amounts, _requirements, _ground_rules, _us_role, _funding, _shares, _budgets, _horizon):
        check(ck)
    for b in coalition_bounds(params, d):
        (ck.at_least if b.at_least else ck.at_most)(b.rule, b.value, b.bound, b.unit, b.what, *b.path)
    return ck.found


def malformed(params: Params, d: Decisions) -> list[str]:
    """Decisions that no rule can judge: non-finite numbers, unknown names, a period without a tier.

    The values are scanned in their own order, and again sorted only when something is wrong, so
    that the messages come in a stable order without a sort of every value on every check."""
    found = _malformed(params, d, ordered=False)
    return _malformed(params, d, ordered=True) if found else found


def _malformed(params: Params, d: Decisions, ordered: bool) -> list[str]:
    periods = {q.id for q in params.periods}
    tiers = {t.id for t in params.tiers}
    capabilities = set(params.capabilities)
    found = []
    amounts = sorted(d.amounts.items()) if ordered else d.amounts.items()
    for (c_id, k, period), amount in amounts:
        if not math.isfinite(amount):
            found.append(f"{c_id} {k} in {period} is {amount}, not a finite number")
        if k not in capabilities:
            found.append(f"unknown capability {k!r} (for {c_id})")
        if period not in periods:
            found.append(f"unknown period {period!r} (for {c_id} {k})")
    funding = sorted(d.funding.items()) if ordered else d.funding.items()
    for (c_id, period), amount in funding:
        if not math.isfinite(amount):
            found.append(f"{c_id} funding in {period} is {amount}, not a finite number")
        if period not in periods:
            found.append(f"unknown period {period!r} (for {c_id} funding)")
    for q in sorted(periods):
        tier = d.tier.get(q)
        if tier not in tiers:
            known = ", ".join(t.id for t in params.tiers)
            found.append(f"US tier in {q} is {tier!r}, not one of the scenario's tiers ({known})")
    return list(dict.fromkeys(found))


def _amounts(ck: _Check) -> None:
    p = ck.p
    position = {q.id: i for i, q in enumerate(p.periods)}  # a scan per value was O(periods) each
    for (c_id, k, period), amount in ck.d.amounts.items():
        c = p.by_id.get(c_id)
        if c is None:
            ck._add("contributor", f"{c_id} is not a contributor in this scenario", abs(amount), "units", ())
            continue
        ck.at_least("non_negative", amount, 0.0, "units", f"{c.name} {k}")
        if p.integer[k]:
            units = amount / p.unit_size[k]
            if abs(units - round(units)) > 1e-6:
                ck._add(
                    "whole_units",
                    f"{c.name} {k}: {amount:g} is not a whole number of {p.unit_size[k]}-unit blocks",
                    abs(units - round(units)),
                    "units",
                    ("model", "capabilities", k),
                )
        if k != p.ground:
            available = c.offers.get(k, (0.0, 0.0))[0]
            ck.at_most(
                "availability",
                amount,
                available,
                "units",
                f"{c.name} {k} available",
                "model",
                "contributors",
                c.id,
                "capabilities",
                k,
            )
        if position[period] < p.lead_time[k] and amount > 0:
            ck._add(
                "lead_time",
                f"{c.name} {k} in {period} before its lead time of {p.lead_time[k]} periods",
                amount,
                "units",
                (),
            )
    for (c_id, period), amount in ck.d.funding.items():
        ck.at_least("non_negative", amount, 0.0, "USD m", f"{c_id} funding in {period}")


def _requirements(ck: _Check) -> None:
    p = ck.p
    units = {c.id: c.unit for c in p.scenario.model.capabilities}
    for period in p.periods:
        tier = p.tier_by_id[ck.d.tier[period.id]]
        for k in p.capabilities:
            need = p.requirement(k, period.id)
            supplied = sum(ck.d.amounts.get((c.id, k, period.id), 0.0) for c in p.contributors)
            supplied += tier.provides.get(k, 0.0)
            if ck.d.us_command.get(period.id):
                supplied += p.c2_provides.get(k, 0.0)
            unit = units.get(k, k)
            ck.at_least(f"requirement_{k}", supplied, need, unit, f"{k} in {period.id}", "requirements", k)


def _ground_rules(ck: _Check) -> None:
    p = ck.p
    policy = p.scenario.policy
    for period in p.periods:
        for c in p.contributors:
            troops = ck.ground(c.id, period.id)
            ck.at_most(
                "sustainment",
                troops * p.rotation,
                c.pool,
                "troops in pool",
                f"{c.name} pool needed in {period.id}",
                "model",
                "contributors",
                c.id,
                "deployable_ground_force",
            )
            if c.is_us and policy.no_us_ground_troops.value:
                ck.at_most(
                    "no_us_ground_troops",
                    troops,
                    0.0,
                    "troops",
                    "US ground troops",
                    "policy",
                    "no_us_ground_troops",
                )
            elif c.stance == Stance.ruled_out:
                ck.at_most(
                    "stance",
                    troops,
                    0.0,
                    "troops",
                    f"{c.name} has ruled out troops",
                    "model",
                    "contributors",
                    c.id,
                    "stance",
                )
            cap = p.troop_cap(c, period.id)
            if cap is not None:
                ck.at_most(
                    "troop_cap", troops, cap, "troops", f"{c.name} troops in {period.id}", "contributors"
                )
            pledge = p.troop_min(c, period.id)
            if pledge is not None:
                ck.at_least(
                    "troop_min",
                    troops,
                    pledge,
                    "troops",
                    f"{c.name} pledged troops in {period.id}",
                    "contributors",
                )
            minimum = p.min_contingent(c)
            if minimum > 0 and not c.is_us and 1e-6 < troops < minimum - 1e-6:
                ck._add(
                    "min_contingent",
                    f"{c.name} deploys {troops:,.6g} troops, below the minimum contingent of {minimum:,.0f}",
                    minimum - troops,
                    "troops",
                    ("policy", "min_contingent"),
                )


def _us_role(ck: _Check) -> None:
    p = ck.p
    mode = p.scenario.command_and_control
    for period in p.periods:
        tier = ck.d.tier.get(period.id)
        if tier not in p.allowed_tiers(period.id):
            ck._add(
                "us_tier", f"US tier {tier!r} is not allowed in {period.id}", 1.0, "tier", ("us_air_support",)
            )
        command = ck.d.us_command.get(period.id, False)
        if (mode == "us_led" and not command) or (mode == "european_led" and command):
            ck._add(
                "command_and_control",
                f"command and control must be {mode}",
                1.0,
                "choice",
                ("command_and_control",),
            )
        ceiling = p.scenario.policy.escalation_ceiling
        if ceiling is not None and tier in {t.id for t in p.tiers}:
            risk = p.tier_by_id[tier].risk + (p.c2_risk if command else 0.0)
            ck.at_most(
                "escalation_ceiling",
                risk,
                ceiling.value,
                "risk points",
                f"escalation risk in {period.id}",
                "policy",
                "escalation_ceiling",
            )


def own_cost(p: Params, d: Decisions, contributor: str, period: str) -> float:
    """What a contributor's own deployments cost (and, for the US, its tier and command)."""
    factor = p.cost_factor[period]
    c = p.by_id[contributor]
    cost = 0.0
    for k in p.capabilities:
        unit_cost = c.troop_cost_usd_m if k == p.ground else c.offers.get(k, (0.0, 0.0))[1]
        cost += d.amounts.get((c.id, k, period), 0.0) * unit_cost * factor  # per unit, not per block
    if c.is_us:
        tier = p.tier_by_id[d.tier[period]]
        cost += tier.cost_usd_m * factor + (p.c2_cost_usd_m * factor if d.us_command.get(period) else 0.0)
    return cost


def _pays_own_costs(ck: _Check, c: ContributorParams, period: str, paid: float, rule: str) -> None:
    due = own_cost(ck.p, ck.d, c.id, period)
    if abs(paid - due) > ck.tol * max(1.0, due) + 1e-6:
        what = "its own costs are" if rule == "own_costs" else "its role costs"
        ck._add(
            rule,
            f"{c.name} pays {paid:,.6g} but {what} {due:,.6g} USD m",
            abs(paid - due),
            "USD m",
            ("policy", "funding_rule"),
        )


def _funding(ck: _Check) -> None:
    p = ck.p
    rule = p.scenario.policy.funding_rule
    for period in p.periods:
        paid = {c.id: ck.d.funding.get((c.id, period.id), 0.0) for c in p.contributors}
        if rule == "own_costs":
            for c in p.contributors:
                _pays_own_costs(ck, c, period.id, paid[c.id], "own_costs")
        else:
            cost = period_cost(p, ck.d, period.id)
            for c in p.contributors:
                if c.is_us:
                    _pays_own_costs(ck, c, period.id, paid[c.id], "us_pays_own_role")
            total = sum(paid.values())
            if abs(total - cost) > ck.tol * max(1.0, cost) + 1e-6:
                ck._add(
                    "common_pool",
                    f"funding {total:,.6g} does not cover cost {cost:,.6g} USD m in {period.id}",
                    abs(total - cost),
                    "USD m",
                    ("policy", "funding_rule"),
                )


def _shares(ck: _Check) -> None:
    p = ck.p
    policy = p.scenario.policy
    for key, what in (("europe_min_troop_share", "troops"), ("europe_min_cost_share", "cost")):
        rule = getattr(policy, key)
        if rule is None:
            continue
        members = p.group_members(p.share_group(key))
        groups = [[q] for q in p.periods] if rule.per_period else [list(p.periods)]
        for group in groups:
            europe = whole = 0.0
            for period in group:
                for c in p.contributors:
                    amount = (
                        ck.ground(c.id, period.id) * period.years
                        if what == "troops"
                        else ck.d.funding.get((c.id, period.id), 0.0)
                    )
                    whole += amount
                    europe += amount if c.id in members else 0.0
            if whole > 1e-9:
                ck.at_least(
                    key, europe / whole, rule.value - 1e-7, "share", f"Europe's {what} share", "policy", key
                )


def _budgets(ck: _Check) -> None:
    p = ck.p
    policy = p.scenario.policy
    cap = policy.budget_cap
    members = p.fair_share_members()
    gdp_total = sum(c.gdp_usd_m for c in members)
    for period in p.periods:
        paid = {c.id: ck.d.funding.get((c.id, period.id), 0.0) for c in p.contributors}
        for c in p.contributors:
            if cap is not None and (cap.applies_to == "all" or c.is_europe):
                base = c.gdp_usd_m if cap.of == "gdp" else c.defence_budget_usd_m
                ck.at_most(
                    "budget_cap",
                    paid[c.id],
                    cap.fraction * base * period.years,
                    "USD m",
                    f"{c.name} funding",
                    "policy",
                    "budget_cap",
                )
            own = p.funding_cap(c, period.id)
            if own is not None:
                ck.at_most(
                    "funding_cap",
                    paid[c.id],
                    own * period.years,
                    "USD m",
                    f"{c.name} funding",
                    "contributors",
                )
        if policy.total_budget_usd_m is not None:
            ck.at_most(
                "annual_budget",
                period_cost(p, ck.d, period.id),
                policy.total_budget_usd_m * period.years,
                "USD m",
                f"cost in {period.id}",
                "policy",
                "total_budget_usd_m",
            )
        if policy.fair_share is not None and members:
            shared = sum(paid[c.id] for c in members)
            band = policy.fair_share.band
            for c in members:
                share = c.gdp_usd_m / gdp_total
                ck.at_most(
                    "fair_share",
                    paid[c.id],
                    (1 + band) * share * shared + 1e-6,
                    "USD m",
                    f"{c.name} funding",
                    "policy",
                    "fair_share",
                )
                ck.at_least(
                    "fair_share",
                    paid[c.id],
                    (1 - band) * share * shared - 1e-6,
                    "USD m",
                    f"{c.name} funding",
                    "policy",
                    "fair_share",
                )
    total = sum(period_cost(p, ck.d, q.id) for q in p.periods)
    if p.scenario.objective.budget_usd_m is not None:
        ck.at_most(
            "budget",
            total,
            p.scenario.objective.budget_usd_m,
            "USD m",
            "total cost",
            "objective",
            "budget_usd_m",
        )
    if p.scenario.horizon is not None and p.scenario.horizon.total_budget_usd_m is not None:
        ck.at_most(
            "budget",
            total,
            p.scenario.horizon.total_budget_usd_m,
            "USD m",
            "total cost",
            "horizon",
            "total_budget_usd_m",
        )


def _horizon(ck: _Check) -> None:
    p = ck.p
    horizon = p.scenario.horizon
    if horizon is None:
        return
    ramp = horizon.max_ramp_up
    ranks = {t.id: t.rank for t in p.tiers}
    for c in p.contributors:
        limit = None if ramp is None else ramp.by_contributor.get(c.id, ramp.default)
        previous = 0.0
        for period in p.periods:
            troops = ck.ground(c.id, period.id)
            if limit is not None:
                ck.at_most(
                    "ramp_up",
                    troops - previous,
                    limit,
                    "troops",
                    f"{c.name} build-up in {period.id}",
                    "horizon",
                    "max_ramp_up",
                )
            previous = troops
    n = horizon.min_tour_periods
    for c in p.contributors:
        series = [ck.ground(c.id, q.id) for q in p.periods]
        for t in range(len(series)):
            arrivals = series[t] - (series[t - 1] if t > 0 else 0.0)
            for q in range(t + 1, min(t + n, len(series))):
                ck.at_least(
                    "min_tour",
                    series[q],
                    arrivals,
                    "troops",
                    f"{c.name} arrivals in {p.periods[t].id} still there in {p.periods[q].id}",
                    "horizon",
                    "min_tour_periods",
                )
    for before, after in zip(p.periods, p.periods[1:], strict=False):
        step = ranks[ck.d.tier[after.id]] - ranks[ck.d.tier[before.id]]
        if horizon.tier_switching == "forbid" and step != 0:
            ck._add(
                "tier_switching",
                f"US tier changes between {before.id} and {after.id}",
                abs(step),
                "tier steps",
                ("horizon", "tier_switching"),
            )
        if horizon.tier_switching == "one_step" and step > 1:
            ck._add(
                "tier_switching",
                f"US tier escalates {step} steps into {after.id}",
                step - 1,
                "tier steps",
                ("horizon", "tier_switching"),
            )
