"""`guarantor alternatives`: every contribution's range over the plans within a slack of the optimum.

The search itself is `answer.robustness.near_optimal` (the same one `solve` uses for its
robustness block); this module turns it into the analysis tables: `alternatives` (one row
per contributor, item and period with optimum, min, max and class), `plans` (the
maximally different plans, item by item) and `plan_summary` (each plan's objective and
what the independent checker found).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from guarantor.answer.alternatives import FUNDING
from guarantor.answer.assemble import solve_scenario
from guarantor.answer.results import Result, Robustness
from guarantor.errors import GuarantorError
from guarantor.scenario.loading import LoadedScenario
from guarantor.solve.solving import SolveOptions

if TYPE_CHECKING:
    import pandas as pd

PLANS = 5
"""Maximally different plans listed besides the reported one."""


@dataclass
class Alternatives:
    result: Result
    robustness: Robustness


def run_alternatives(
    loaded: LoadedScenario, options: SolveOptions, slack: float = 0.02, plans: int = PLANS
) -> Alternatives:
    """Solve, then find the min and max of every contribution within `slack` of the optimum."""
    if not 0 <= slack <= 1:
        from guarantor.errors import InputError, Origin, Problem

        raise InputError(
            [Problem(Origin("--slack"), "slack", f"expected a fraction in [0, 1], got {slack:g}")]
        )
    result = solve_scenario(loaded, options, robustness=True, slack=slack, items="all", plans=plans)
    if result.robustness is None:
        raise GuarantorError(
            f"{loaded.scenario.name}: no plan to explore (status {result.status}); "
            "`guarantor solve` explains why"
        )
    return Alternatives(result, result.robustness)


def alternatives_tables(run: Alternatives, loaded: LoadedScenario) -> dict[str, pd.DataFrame]:
    """The analysis tables, in item units (troops, capability units, USD m)."""
    import pandas as pd

    r = run.robustness
    names = {x.contributor: x.name for x in r.items}
    rows = [
        {
            "contributor": x.contributor,
            "name": x.name,
            "item": x.item,
            "period": x.period,
            "unit": x.unit,
            "optimum": x.optimum,
            "min": x.min,
            "max": x.max,
            "class": x.cls,
            "trades_with": ", ".join(names.get(c, c) for c in x.trades_with),
            "min_plan": x.min_plan,
            "max_plan": x.max_plan,
        }
        for x in r.items
    ]
    ground = loaded.scenario.model.ground_capability
    long = []
    for index, plan in enumerate(r.plans):
        d = plan.decisions
        for (c, k, period), value in sorted(d.amounts.items()):
            if value:
                long.append({"plan": index, "contributor": c, "item": k, "period": period, "value": value})
        for (c, period), value in sorted(d.funding.items()):
            if value:
                long.append(
                    {"plan": index, "contributor": c, "item": FUNDING, "period": period, "value": value}
                )
    summary = [
        {
            "plan": index,
            "label": plan.label,
            "objective_value": plan.objective_value,
            "total_cost_usd_m": plan.total_cost_usd_m,
            "troops": sum(v for (_, k, _), v in plan.decisions.amounts.items() if k == ground),
            "checker": "passes" if not plan.violations else "; ".join(plan.violations),
        }
        for index, plan in enumerate(r.plans)
    ]
    return {
        "alternatives": pd.DataFrame(rows),
        "plans": pd.DataFrame(long, columns=["plan", "contributor", "item", "period", "value"]),
        "plan_summary": pd.DataFrame(summary),
    }


def alternatives_info(run: Alternatives, loaded: LoadedScenario) -> dict[str, Any]:
    """What analysis.json records: settings, headline, counts."""
    r = run.robustness
    classes = {cls: sum(1 for x in r.items if x.cls == cls) for cls in ("firm", "flexible", "absent")}
    return {
        "slack": r.slack,
        "objective_value": r.objective_value,
        "objective_bound": r.bound,
        "headline": r.headline,
        "resolves": r.resolves,
        "seconds": round(r.seconds, 3),
        "classes": classes,
        "tie_break": run.result.tie_break,
        "periods": run.result.periods,
        "ground": loaded.scenario.model.ground_capability,
        "method": r.method,
        "options": run.result.options,
    }
