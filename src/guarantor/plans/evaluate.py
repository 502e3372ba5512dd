"""Evaluate a hand-made plan: its cost, every rule it breaks, and an optimal completion.

A plan is judged only on what it fixes: its decisions are fixed as column bounds (widened
where the plan goes beyond what the model allows, which the checker then reports) and
everything it leaves open is optimised. When no completion satisfies every rule, the open
decisions are chosen to break the rules as little as possible (an elastic completion, the
smallest weighted violation, then the cheapest such plan), so a plan is never blamed for
shortfalls in items it left open. The independent checker lists every violation in its
own units, traced to YAML lines, and the plan is compared with the unconstrained optimum.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NoReturn

from guarantor.answer.checker import Violation, check_solution
from guarantor.answer.diagnosis import elastic_model
from guarantor.answer.metrics import compute_metrics, decisions_from_values
from guarantor.answer.results import Decisions, Metrics
from guarantor.model.build import formulate
from guarantor.model.formulation import Formulation
from guarantor.model.linear import Row
from guarantor.model.params import Params
from guarantor.plans.plan import Plan
from guarantor.scenario.loading import LoadedScenario
from guarantor.solve.pipeline import solve_formulation
from guarantor.solve.solving import SolveOptions, solve_linear

STRUCTURAL = ("us_tier", "funding", "burden", "peak_cost", "lexicographic")
"""Row families that define the decisions (one tier, funding balance) rather than rules a plan can break."""

DEFINITIONS = ("us_tier", "burden", "peak_cost", "lexicographic")
"""Rows that hold even in the last resort (a plan's own funding may break the funding rule)."""

AGGREGATE = ("europe_troop_share", "europe_cost_share", "budget", "budget_cap", "fair_share", "escalation")
"""Rules about the whole plan (shares, budgets, risk), which any fixed decision can push over."""


@dataclass
class Evaluation:
    scenario: str
    plan_file: str
    feasible: bool
    completed: bool  # the optimiser filled in decisions the plan left open
    decisions: Decisions
    metrics: Metrics
    violations: list[Violation] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    optimum_cost_usd_m: float | None = None
    moved: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def cost_above_optimum_usd_m(self) -> float | None:
        if self.optimum_cost_usd_m is None:
            return None
        return self.metrics.total_cost_usd_m - self.optimum_cost_usd_m


class _Names:
    """Contributors, capabilities and periods by name, as reports show them."""

    def __init__(self, params: Params) -> None:
        self.contributor = {c.id: c.name for c in params.contributors}
        self.capability = {c.id: c.label.lower() for c in params.scenario.model.capabilities}
        self.tier = {t.id: t.label for t in params.tiers}
        self.single = len(params.periods) == 1

    def when(self, period: str) -> str:
        return "" if self.single else f" in {period}"

    def amount(self, k: str, amount: float) -> str:
        return f"{amount:,.6g} {self.capability.get(k, k)}"


def _fix(f: Formulation, plan: Plan, names: _Names) -> list[str]:
    """Fix plan decisions as bounds; return those beyond what the model allows (bounds widened)."""
    p, model = f.params, f.model
    outside = []

    def pin(j: int, value: float, what: str) -> None:
        column = model.columns[j]
        if value < column.lower - 1e-9 or value > column.upper + 1e-9:
            outside.append(
                f"{what} = {value:g} is outside the allowed range [{column.lower:g}, {column.upper:g}]"
            )
        if column.integer and abs(value - round(value)) > 1e-9:
            outside.append(f"{what} = {value:g} blocks is not a whole number")
            column.integer = False  # fixed anyway; the checker reports the broken whole-units rule
        column.lower = column.upper = value

    for (c, k, period), amount in plan.amounts.items():
        j = f.amount.get((c, k, period))
        who = names.contributor.get(c, c)
        if j is None:
            if amount > 0:
                outside.append(f"{who} cannot supply {names.capability.get(k, k)} (not offered in the model)")
            continue
        pin(j, amount / p.unit_size[k], f"{who} {names.capability.get(k, k)}{names.when(period)}")
    for (c, period), amount in plan.funding.items():
        pin(f.fund[(c, period)], amount, f"{names.contributor.get(c, c)} funding{names.when(period)}")
    for period, tier in plan.tier.items():
        for t in p.tiers:
            pin(
                f.tier[(t.id, period)],
                1.0 if t.id == tier else 0.0,
                f"US tier {t.label!r}{names.when(period)}",
            )
    for period, command in plan.us_command.items():
        pin(f.c2[period], 1.0 if command else 0.0, f"US command{names.when(period)}")
    return outside


def _added(plan: Plan, d: Decisions, names: _Names) -> list[str]:
    """What the optimiser chose where the plan was silent."""
    added = []
    for (c, k, period), amount in sorted(d.amounts.items()):
        if (c, k, period) not in plan.amounts and amount > 1e-9:
            added.append(f"{names.contributor.get(c, c)}: {names.amount(k, amount)}{names.when(period)}")
    for period, tier in sorted(d.tier.items()):
        if period not in plan.tier:
            added.append(f"US tier: {names.tier.get(tier, tier)}{names.when(period)}")
    for period, command in sorted(d.us_command.items()):
        if period not in plan.us_command and command:
            added.append(f"US-led command and control{names.when(period)}")
    return added


def _moved(optimum: Decisions, d: Decisions, names: _Names) -> list[str]:
    """Who deploys more or less than at the optimum, and a different US role."""
    moved = []
    for key in sorted(set(optimum.amounts) | set(d.amounts)):
        c, k, period = key
        change = d.amounts.get(key, 0.0) - optimum.amounts.get(key, 0.0)
        if abs(change) > 1e-6:
            sign = "+" if change > 0 else "−"
            moved.append(
                f"{names.contributor.get(c, c)}: {sign}{names.amount(k, abs(change))}{names.when(period)}"
            )
    for period, tier in sorted(d.tier.items()):
        if optimum.tier.get(period) != tier:
            before = names.tier.get(optimum.tier.get(period, ""), "?")
            moved.append(f"US tier: {names.tier.get(tier, tier)} instead of {before}{names.when(period)}")
    for period, command in sorted(d.us_command.items()):
        if optimum.us_command.get(period) != command:
            moved.append(
                f"US-led command and control {'added' if command else 'dropped'}{names.when(period)}"
            )
    return moved


def _elastic_completion(f: Formulation, options: SolveOptions) -> list[float] | None:
    """Open decisions that break the rules least (weighted as in the diagnosis), then cost least.

    Only rules the plan's own decisions take part in (or rules about the whole plan) may
    give: a contributor the plan leaves alone keeps its stance, pool and caps. Only if that
    is not enough are all rules allowed to give.
    """
    fixed = {j for j, c in enumerate(f.model.columns) if c.lower == c.upper}
    values = _least_violation(
        f,
        options,
        lambda row: (
            row.family not in STRUCTURAL and (row.family in AGGREGATE or not fixed.isdisjoint(row.coefs))
        ),
    )
    if values is None:  # last resort: every rule may give, the plan's funding included
        values = _least_violation(f, options, lambda row: row.family not in DEFINITIONS)
    return values


def _least_violation(
    f: Formulation, options: SolveOptions, may_give: Callable[[Row], bool]
) -> list[float] | None:
    rules = f.model.copy()
    for row in rules.rows:
        row.relaxable = may_give(row)
    elastic, added = elastic_model(rules)
    first = solve_linear(elastic, options)
    if not first.status.has_solution:
        return None
    for columns in added.values():  # no rule may give more than it had to; now find the cheapest plan
        for j, _ in columns:
            elastic.columns[j].upper = first.values[j] + 1e-9
    elastic.objective = dict(f.model.objective)
    elastic.objective_constant = f.model.objective_constant
    elastic.sense = f.model.sense
    second = solve_linear(elastic, options)
    values = second.values if second.status.has_solution else first.values
    return values[: len(f.model.columns)]


def _optimum(loaded: LoadedScenario, options: SolveOptions) -> tuple[Decisions | None, Metrics | None]:
    f = formulate(loaded)
    raw = solve_formulation(f, options)
    if not raw.status.has_solution:
        return None, None
    d = decisions_from_values(f, raw.values)
    return d, compute_metrics(f.params, d)


def evaluate_plan(loaded: LoadedScenario, plan: Plan, options: SolveOptions) -> Evaluation:
    """Complete the plan optimally (elastically when it breaks a rule); list what it violates."""
    f = formulate(loaded)
    params = f.params
    names = _Names(params)
    outside = _fix(f, plan, names)
    notes = []
    raw = solve_formulation(f, options)
    if raw.status.has_solution:
        values: list[float] | None = raw.values
    else:
        values = _elastic_completion(f, options)
        notes.append(
            "No completion satisfies every rule with this plan fixed: the decisions it leaves open "
            "were chosen to break the rules as little as possible, then at least cost."
        )
    if values is None:
        raise_unevaluable(loaded, plan)
    d = decisions_from_values(f, values)
    violations = check_solution(params, d, loaded.origin_of)
    added = _added(plan, d, names)
    optimum, optimum_metrics = _optimum(loaded, options)
    if plan.scenario is not None and plan.scenario != loaded.scenario.name:
        notes.append(
            f"{plan.scenario_origin}: the plan was written for scenario {plan.scenario!r}, "
            f"evaluated here against {loaded.scenario.name!r}"
        )
    return Evaluation(
        loaded.scenario.name,
        plan.file,
        not violations and not outside,
        bool(added),
        d,
        compute_metrics(params, d),
        violations,
        added,
        outside,
        optimum_metrics.total_cost_usd_m if optimum_metrics is not None else None,
        _moved(optimum, d, names) if optimum is not None else [],
        notes,
    )


def raise_unevaluable(loaded: LoadedScenario, plan: Plan) -> NoReturn:
    """Even an elastic completion failed: the plan breaks a structural rule (funding balance)."""
    from guarantor.errors import InputError, Origin, Problem

    raise InputError(
        [
            Problem(
                Origin(plan.file),
                "",
                f"the plan cannot be evaluated against {loaded.scenario.name}: even breaking rules, no "
                "completion balances its funding; check funding_usd_m",
            )
        ]
    )
