"""What each solve reports, as one row of numbers: objective, cost, US tier, shares, contributions.

Computed with a few matrix products over the solution vector so that ten thousand
samples cost milliseconds, not a loop over decisions per sample. The numbers match
`metrics.compute_metrics` (a test holds them together).
"""

from __future__ import annotations

import numpy as np

from guarantor.model.formulation import Formulation
from guarantor.model.linear import Expr
from guarantor.solve.fast import Solution

STATUS_CODES = ("optimal", "feasible", "infeasible", "unbounded", "no_solution", "invalid")
METRICS = ("total_cost_usd_m", "us_cost_usd_m", "escalation_risk", "deployed_force")


def status_code(status: str) -> int:
    return STATUS_CODES.index(status) if status in STATUS_CODES else STATUS_CODES.index("no_solution")


def _vector(expr: Expr, n: int) -> np.ndarray:
    v = np.zeros(n)
    for j, coef in expr.items():
        v[j] += coef
    return v


class Extractor:
    """Output columns of one formulation: names, and the linear forms that compute them.

    The total cost is read from the funding columns (everything is paid by someone, each
    period's funding equals its cost), so it follows in-place cost changes without any
    extra row. Escalation risk and deployed force come from metric rows of the model
    when it has them (`engine.add_metric_rows`), for the same reason.
    """

    def __init__(self, f: Formulation) -> None:
        p, n = f.params, len(f.model.columns)
        self.sign = f.objective_sign
        self.tiers = [t.id for t in p.tiers]
        self.periods = [q.id for q in p.periods]
        self.contributors = [c.id for c in p.contributors]
        years = {q.id: q.years for q in p.periods}
        horizon = sum(years.values())
        weight = {q.id: p.discount[q.id] if p.scenario.objective.discounted else 1.0 for q in p.periods}
        total, us_funding = np.zeros(n), np.zeros(n)
        troops, europe_troops, funding, europe_funding = [], np.zeros(n), [], np.zeros(n)
        troop_group = p.group_members(p.share_group("europe_min_troop_share"))  # as in answer/metrics
        cost_group = p.group_members(p.share_group("europe_min_cost_share"))
        for c in p.contributors:
            t, fund = np.zeros(n), np.zeros(n)
            for q in p.periods:
                j = f.amount.get((c.id, p.ground, q.id))
                if j is not None:
                    t[j] += p.unit_size[p.ground] * years[q.id]
                fund[f.fund[(c.id, q.id)]] += 1.0
                total[f.fund[(c.id, q.id)]] += weight[q.id]
            troops.append(t)
            funding.append(fund)
            if c.id in troop_group:
                europe_troops += t
            if c.id in cost_group:
                europe_funding += fund
            if c.is_us:
                us_funding += fund
        metrics = f.metrics
        linear = [
            total,
            us_funding,
            _vector(metrics["escalation_risk"], n),
            _vector(metrics["deployed_force"], n),
        ]
        self.linear = np.vstack([*linear, *(t / horizon for t in troops), *funding])
        index = f.model.row_index
        rows = [index.get(f"metric_{m}") for m in ("escalation_risk", "deployed_force")]
        self.metric_rows = np.array(rows) if all(r is not None for r in rows) else None
        self.shares = np.vstack([europe_troops, sum(troops, np.zeros(n)), europe_funding, sum(funding)])
        self.tier_columns = np.array([[f.tier[(t, q)] for t in self.tiers] for q in self.periods])
        self.c2_columns = np.array([f.c2[q] for q in self.periods])
        self.n = n
        self.names = [
            "objective",
            *METRICS,
            *(f"troops_{c}" for c in self.contributors),
            *(f"funding_{c}" for c in self.contributors),
            "europe_troop_share",
            "europe_cost_share",
            "us_tier_rank",
            *([f"us_tier_rank_{q}" for q in self.periods] if len(self.periods) > 1 else []),
            "us_command",
        ]

    def row(self, solution: Solution) -> np.ndarray:
        """The output row of one solve (NaN everywhere when there is no solution)."""
        if solution.x is None:
            return np.full(len(self.names), np.nan)
        rows = solution.rows[None, :] if solution.rows is not None else None
        return self.rows(solution.x[None, :], np.array([solution.objective]), rows)[0]

    def rows(self, x: np.ndarray, objective: np.ndarray, activities: np.ndarray | None) -> np.ndarray:
        """Output rows of many solves at once (x: solves x columns; NaN rows stay NaN)."""
        x = x[:, : self.n]
        linear = x @ self.linear.T
        if self.metric_rows is not None and activities is not None:
            linear[:, [2, 3]] = activities[:, self.metric_rows]  # perturbed coefficients live in the model
        num = x @ self.shares.T
        with np.errstate(invalid="ignore", divide="ignore"):
            troop_share = np.where(num[:, 1] > 1e-9, num[:, 0] / num[:, 1], 0.0)
            cost_share = np.where(num[:, 3] > 1e-9, num[:, 2] / num[:, 3], 0.0)
        ranks = np.argmax(x[:, self.tier_columns], axis=2).astype(float)
        command = np.any(x[:, self.c2_columns] > 0.5, axis=1).astype(float)
        parts = [self.sign * objective[:, None], linear, troop_share[:, None], cost_share[:, None]]
        parts.append(ranks.max(axis=1)[:, None])
        if len(self.periods) > 1:
            parts.append(ranks)
        parts.append(command[:, None])
        out = np.hstack(parts)
        out[np.isnan(x).any(axis=1)] = np.nan
        return out
