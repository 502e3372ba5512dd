"""Evaluate a hand-made plan: its cost, every rule it breaks, and an optimal completion.

The plan's decisions are fixed as column bounds and the rest is optimised. If no
completion exists, the plan is taken literally (unlisted amounts zero) and the
independent checker lists every violation in its own units, traced to YAML lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from guarantor.answer.checker import Violation, check_solution
from guarantor.answer.metrics import compute_metrics, decisions_from_values
from guarantor.answer.results import Decisions, Metrics
from guarantor.model.build import formulate
from guarantor.model.formulation import Formulation
from guarantor.plans.plan import Plan, complete_decisions
from guarantor.scenario.loading import LoadedScenario
from guarantor.solve.pipeline import solve_formulation
from guarantor.solve.solving import SolveOptions


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


def _fix(f: Formulation, plan: Plan) -> list[str]:
    """Fix plan decisions as bounds; return the decisions that fall outside what the model allows."""
    p, model = f.params, f.model
    outside = []

    def pin(j: int, value: float, what: str) -> None:
        column = model.columns[j]
        if value < column.lower - 1e-9 or value > column.upper + 1e-9:
            outside.append(
                f"{what} = {value:g} is outside the allowed range [{column.lower:g}, {column.upper:g}]"
            )
            return
        column.lower = column.upper = value

    for (c, k, period), amount in plan.amounts.items():
        j = f.amount.get((c, k, period))
        if j is None:
            if amount > 0:
                outside.append(f"{c} cannot supply {k} (not offered in the model)")
            continue
        pin(j, amount / p.unit_size[k], f"{c} {k} in {period}")
    for (c, period), amount in plan.funding.items():
        pin(f.fund[(c, period)], amount, f"{c} funding in {period}")
    for period, tier in plan.tier.items():
        for t in p.tiers:
            pin(f.tier[(t.id, period)], 1.0 if t.id == tier else 0.0, f"US tier {t.id} in {period}")
    for period, command in plan.us_command.items():
        pin(f.c2[period], 1.0 if command else 0.0, f"US command in {period}")
    return outside


def _added(plan: Plan, d: Decisions) -> list[str]:
    """What the optimiser chose where the plan was silent."""
    added = []
    for (c, k, period), amount in sorted(d.amounts.items()):
        if (c, k, period) not in plan.amounts and amount > 1e-9:
            added.append(f"{c}: {amount:,.6g} {k} in {period}")
    for period, tier in sorted(d.tier.items()):
        if period not in plan.tier:
            added.append(f"US tier {tier} in {period}")
    for period, command in sorted(d.us_command.items()):
        if period not in plan.us_command and command:
            added.append(f"US-led command and control in {period}")
    return added


def evaluate_plan(loaded: LoadedScenario, plan: Plan, options: SolveOptions) -> Evaluation:
    """Complete the plan optimally if possible; otherwise list what it violates."""
    f = formulate(loaded)
    params = f.params
    outside = _fix(f, plan)
    if not outside:
        raw = solve_formulation(f, options)
        if raw.status.has_solution:
            d = decisions_from_values(f, raw.values)
            violations = check_solution(params, d, loaded.origin_of)
            return Evaluation(
                loaded.scenario.name,
                plan.file,
                not violations,
                bool(_added(plan, d)),
                d,
                compute_metrics(params, d),
                violations,
                _added(plan, d),
            )
    literal = complete_decisions(params, plan)
    violations = check_solution(params, literal, loaded.origin_of)
    return Evaluation(
        loaded.scenario.name,
        plan.file,
        False,
        False,
        literal,
        compute_metrics(params, literal),
        violations,
        [],
        outside,
    )
