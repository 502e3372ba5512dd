"""Trade-off frontiers by the epsilon-constraint method, with the knee point marked.

One objective is optimised while the other is held to a level (epsilon) that steps
from one end of the frontier to the other; each point is then polished lexicographically
(the first objective held at its optimum, the second improved) so that no point is
weakly dominated. A share (Europe's share of troops or costs) is a ratio, so it is
always the held objective: "share >= s" is the linear row `europe - s * total >= 0`,
whose coefficients change with s in place. The knee is the point farthest from the
straight line between the frontier's two ends, both objectives scaled to [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from guarantor.errors import InputError, Origin, Problem
from guarantor.model.build import build
from guarantor.model.formulation import Formulation
from guarantor.model.linear import INF, Expr, Row, add_expr
from guarantor.scenario.schema import Scenario
from guarantor.solve.fast import ArrayModel, FastOptions, Layout, Solver

Progress = Callable[[int, int], None]
OBJECTIVES = {
    "cost": ("min", "Total cost (USD m)"),
    "us_involvement": ("min", "US involvement (risk points + US cost in USD bn)"),
    "deployed_force": ("max", "Deployed force (troop-years)"),
    "europe_share": ("max", "Europe's share of troops"),
    "europe_cost_share": ("max", "Europe's share of costs"),
}
SHARES = {"europe_share", "europe_cost_share"}


@dataclass
class ParetoResult:
    objectives: tuple[str, str]
    values: np.ndarray  # points x 2, in the order of `objectives`
    solutions: list[np.ndarray]
    formulation: Formulation
    knee: int
    meta: dict[str, Any] = field(default_factory=dict)


def share_parts(f: Formulation, name: str) -> tuple[Expr, Expr]:
    """Numerator (Europe) and denominator (everyone) of a share, as linear expressions."""
    p = f.params
    europe = p.group_members(
        p.share_group("europe_min_troop_share" if name == "europe_share" else "europe_min_cost_share")
    )
    num: Expr = {}
    den: Expr = {}
    for c in p.contributors:
        for q in p.periods:
            part = f.ground_expr(q.id, [c.id]) if name == "europe_share" else {f.fund[(c.id, q.id)]: 1.0}
            weight = q.years if name == "europe_share" else 1.0
            add_expr(den, part, weight)
            if c.id in europe:
                add_expr(num, part, weight)
    return num, den


def metric_expr(f: Formulation, name: str) -> Expr:
    return dict(f.metrics["total_cost" if name == "cost" else name])


def evaluate(f: Formulation, name: str, x: np.ndarray) -> float:
    if name in SHARES:
        num, den = share_parts(f, name)
        total = sum(v * x[j] for j, v in den.items())
        return float(sum(v * x[j] for j, v in num.items()) / total) if total > 1e-9 else 0.0
    return float(sum(v * x[j] for j, v in metric_expr(f, name).items()))


class Frontier:
    """The scenario's model plus an epsilon row and a hold row, solved in place."""

    def __init__(self, f: Formulation, primary: str, held: str, options: FastOptions) -> None:
        self.f, self.primary, self.held = f, primary, held
        model = f.model.copy()
        n_rows = len(model.rows)
        if held in SHARES:
            num, den = share_parts(f, held)
            coefs = add_expr(dict(num), den, -0.5)  # any s in (0, 1) gives the same sparsity
            model.add_row(Row("pareto_epsilon", coefs, -INF, INF, "pareto", "epsilon"))
            self.num, self.den = num, den
        else:
            model.add_row(Row("pareto_epsilon", metric_expr(f, held), -INF, INF, "pareto", "epsilon"))
        model.add_row(Row("pareto_hold", metric_expr(f, primary), -INF, INF, "pareto", "hold"))
        self.eps_row, self.hold_row = n_rows, n_rows + 1
        self.arrays = ArrayModel.from_linear(model)
        self.lay = Layout(self.arrays)
        self.flat = self.arrays.flat()
        self.solver = Solver(self.arrays, options)
        self.n = len(f.model.columns)

    def _objective(self, name: str) -> np.ndarray:
        vec = np.zeros(self.arrays.n)
        sign = 1.0 if OBJECTIVES[name][0] == "min" else -1.0
        for j, v in metric_expr(self.f, name).items():
            vec[j] = sign * v
        return vec

    def set_epsilon(self, eps: float | None) -> None:
        lo, hi = self.lay.row_lower.start + self.eps_row, self.lay.row_upper.start + self.eps_row
        if eps is None:
            self.flat[lo], self.flat[hi] = -np.inf, np.inf
        elif self.held in SHARES:
            cols = self.arrays.entry_columns()
            for k in np.flatnonzero(self.arrays.a_index == self.eps_row):
                j = int(cols[k])
                self.flat[self.lay.matrix.start + k] = self.num.get(j, 0.0) - eps * self.den.get(j, 0.0)
            self.flat[lo], self.flat[hi] = 0.0, np.inf
        elif OBJECTIVES[self.held][0] == "min":
            self.flat[lo], self.flat[hi] = -np.inf, eps
        else:
            self.flat[lo], self.flat[hi] = eps, np.inf

    def optimise(self, name: str, hold: float | None = None) -> np.ndarray | None:
        """Optimise one objective (the primary held at `hold` if given); the solution or None."""
        self.flat[self.lay.cost] = self._objective(name)
        lo, hi = self.lay.row_lower.start + self.hold_row, self.lay.row_upper.start + self.hold_row
        self.flat[lo], self.flat[hi] = -np.inf, np.inf
        if hold is not None:
            slack = 1e-7 * max(1.0, abs(hold))
            if OBJECTIVES[self.primary][0] == "min":
                self.flat[hi] = hold + slack
            else:
                self.flat[lo] = hold - slack
        solution = self.solver.solve(self.flat)
        return None if solution.x is None else solution.x[: self.n]

    def point(self, eps: float | None) -> np.ndarray | None:
        """Best primary at this epsilon, then the best held objective without losing it."""
        self.set_epsilon(eps)
        x = self.optimise(self.primary)
        if x is None or self.held in SHARES:
            return x
        polished = self.optimise(self.held, evaluate(self.f, self.primary, x))
        return polished if polished is not None else x


def run_pareto(
    data: dict[str, Any],
    objectives: tuple[str, str],
    points: int = 11,
    options: FastOptions | None = None,
    progress: Progress | None = None,
) -> ParetoResult:
    """Frontier between two objectives: `points` epsilon levels from one end to the other."""
    unknown = [o for o in objectives if o not in OBJECTIVES]
    if unknown or len(set(objectives)) != 2:
        raise InputError(
            [
                Problem(
                    Origin("--objectives"),
                    ",".join(objectives),
                    f"give two different objectives from: {', '.join(OBJECTIVES)}",
                )
            ]
        )
    if set(objectives) <= SHARES:
        raise InputError([Problem(Origin("--objectives"), "", "at most one of the two may be a share")])
    a, b = objectives
    primary, held = (b, a) if a in SHARES else (a, b)
    f = build(Scenario.model_validate(data))
    base = options or FastOptions()
    frontier = Frontier(
        f, primary, held, FastOptions(base.time_limit, base.gap if base.gap else 1e-6, base.split)
    )
    first = frontier.point(None)
    if first is None:
        raise InputError(
            [Problem(Origin("pareto"), "", "the scenario has no solution: no frontier to trace")]
        )
    start = evaluate(f, held, first)
    end = _best_held(frontier, start)
    levels = np.linspace(start, end, max(points, 2))
    found = []
    for i, eps in enumerate(levels):
        x = first if i == 0 else frontier.point(float(eps))
        if x is not None:
            found.append(x)
        if progress is not None:
            progress(i + 1, len(levels))
    values = np.array([[evaluate(f, o, x) for o in objectives] for x in found])
    keep = nondominated(values, tuple(OBJECTIVES[o][0] for o in objectives))
    values, found = values[keep], [found[i] for i in keep]
    order = np.argsort(values[:, 0], kind="stable")
    values, found = values[order], [found[i] for i in order]
    meta = {"objectives": list(objectives), "held": held, "levels": len(levels), "points": len(found)}
    return ParetoResult((a, b), values, found, f, knee_point(values), meta)


def _best_held(frontier: Frontier, start: float) -> float:
    """The best value the held objective can reach (bisection on feasibility for a share)."""
    if frontier.held not in SHARES:
        frontier.set_epsilon(None)
        x = frontier.optimise(frontier.held)
        return evaluate(frontier.f, frontier.held, x) if x is not None else start
    lo, hi = start, 1.0
    frontier.set_epsilon(hi)
    if frontier.optimise(frontier.primary) is not None:
        return hi
    for _ in range(30):
        mid = (lo + hi) / 2
        frontier.set_epsilon(mid)
        lo, hi = (mid, hi) if frontier.optimise(frontier.primary) is not None else (lo, mid)
    return lo


def nondominated(values: np.ndarray, senses: tuple[str, ...], rel: float = 1e-6) -> list[int]:
    """Indices of points no other point dominates (duplicates kept once)."""
    signs = np.array([1.0 if s == "min" else -1.0 for s in senses])
    scaled = values * signs  # smaller is better in every column
    tol = rel * np.maximum(1.0, np.abs(values).max(axis=0))
    keep: list[int] = []
    for i, p in enumerate(scaled):
        dominated = any(np.all(q <= p + tol) and np.any(q < p - tol) for k, q in enumerate(scaled) if k != i)
        duplicate = any(np.all(np.abs(scaled[k] - p) <= tol) for k in keep)
        if not dominated and not duplicate:
            keep.append(i)
    return keep


def knee_point(values: np.ndarray) -> int:
    """Index of the point farthest from the line joining the frontier's ends (scaled to [0, 1])."""
    if len(values) < 3:
        return 0
    span = np.ptp(values, axis=0)
    span[span == 0] = 1.0
    scaled = (values - values.min(axis=0)) / span
    p, q = scaled[0], scaled[-1]
    direction = (q - p) / max(float(np.linalg.norm(q - p)), 1e-12)
    offsets = scaled - p
    distance = np.abs(offsets[:, 0] * direction[1] - offsets[:, 1] * direction[0])
    return int(np.argmax(distance))


def conflicting_pair(
    data: dict[str, Any], tried: tuple[str, str], options: FastOptions | None = None
) -> tuple[str, str] | None:
    """A pair of objectives whose frontier has more than one point (pairs keeping one of `tried` first)."""
    import itertools

    pairs = [
        pair
        for pair in itertools.combinations(OBJECTIVES, 2)
        if set(pair) != set(tried) and not set(pair) <= SHARES
    ]
    pairs.sort(key=lambda pair: not set(pair) & set(tried))  # stable: keeps the listed order
    for pair in pairs:
        try:
            if len(run_pareto(data, pair, 3, options).values) > 1:
                return pair
        except InputError:
            continue
    return None
