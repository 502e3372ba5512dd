"""Alternative optima and the near-optimal space: the least and most of every contribution.

Over all plans whose objective is within `slack` of the optimum, each contributor's troops,
capabilities and payment range from a minimum to a maximum. Each bound is one re-solve of a
single live HiGHS model (`solve.fast.LiveModel`) to which one row is added once, "objective
<= optimum * (1 + slack)"; between re-solves only the objective changes (one item's column,
minimised or maximised). Mixed-integer extremes are polished: the integers are fixed at
their values and the LP re-solved on a second live model, so every reported bound is
attained by a plan whose numbers are exact, and which the independent checker can verify.

Re-solves are skipped when a plan already found attains a bound the rows imply (a simple
bound propagation: a contributor at its sustainment limit cannot send more, one already at
zero in some near-optimal plan has minimum zero), which halves the count on the baseline.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from guarantor.model.formulation import Formulation
from guarantor.model.linear import INF, LinearModel, Row, evaluate
from guarantor.solve.fast import ArrayModel, FastOptions, LiveModel

FUNDING = "funding_usd_m"
TIGHT = {"mip_feasibility_tolerance": 1e-9, "primal_feasibility_tolerance": 1e-9, "mip_rel_gap": 1e-9}
"""Extremes are exact optima, not incumbents within HiGHS's default 0.01 % gap."""
HOLD_TOLERANCE = 1e-9
"""Room on the held objective at slack 0, in objective units (USD m: a tenth of a cent): rounding only."""


HORIZON = "horizon"
"""The period name of an item summed over a horizon (troop-years, total payment)."""


@dataclass(frozen=True)
class Item:
    """One contribution as a linear expression of model columns, in the item's own units."""

    contributor: str
    item: str
    period: str
    coefs: tuple[tuple[int, float], ...]
    unit: str


def items_of(f: Formulation, which: str = "all") -> list[Item]:
    """Every contribution with a column: troops, capabilities (not for `troops_payments`), funding.

    `troops_payments` over a horizon gives each contributor's troop-years and total payment over
    the whole horizon (two items each, whatever the number of periods): what `solve` reports.
    """
    p = f.params
    units = {c.id: c.unit for c in p.scenario.model.capabilities}
    found = []
    if which == "troops_payments" and p.multi_period:
        for c in p.contributors:
            troops = [
                (f.amount[(c.id, p.ground, q.id)], p.unit_size[p.ground] * q.years)
                for q in p.periods
                if (c.id, p.ground, q.id) in f.amount
            ]
            found.append(Item(c.id, p.ground, HORIZON, tuple(troops), "troop-years"))
            found.append(
                Item(c.id, FUNDING, HORIZON, tuple((f.fund[(c.id, q.id)], 1.0) for q in p.periods), "USD m")
            )
        return found
    for period in p.periods:
        for c in p.contributors:
            for k in p.capabilities:
                j = f.amount.get((c.id, k, period.id))
                if j is None or (which == "troops_payments" and k != p.ground):
                    continue
                found.append(Item(c.id, k, period.id, ((j, float(p.unit_size[k])),), units.get(k, k)))
            found.append(Item(c.id, FUNDING, period.id, ((f.fund[(c.id, period.id)], 1.0),), "USD m"))
    return found


def tolerance(value: float) -> float:
    """Two values of an item closer than this are the same (a thousandth of a troop or of USD 1 m)."""
    return 1e-3 + 1e-7 * abs(value)


def clean(value: float) -> float:
    rounded = round(value, 3)
    return 0.0 if rounded == 0 else rounded


def _rest(terms: np.ndarray, infinite: float) -> np.ndarray:
    """For each term, the sum of the others (infinite when another term is)."""
    inf = np.isinf(terms)
    finite_sum = float(terms[~inf].sum())
    count = int(inf.sum())
    rest = np.where(inf, finite_sum if count == 1 else infinite, finite_sum - np.where(inf, 0.0, terms))
    if count >= 1:
        rest = np.where(inf, rest, infinite)
    return rest


def implied_bounds(a: ArrayModel, passes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Column bounds the rows imply (activity-based propagation, as a presolve does); always valid."""
    lower, upper = a.col_lower.copy(), a.col_upper.copy()
    order = np.argsort(a.a_index, kind="stable")
    rows_of, cols_of, vals_of = a.a_index[order], a.entry_columns()[order], a.a_value[order]
    starts = np.searchsorted(rows_of, np.arange(a.m + 1))
    with np.errstate(invalid="ignore"):
        for _ in range(passes):
            changed = False
            for i in range(a.m):
                s, e = starts[i], starts[i + 1]
                row_lo, row_hi = a.row_lower[i], a.row_upper[i]
                if e == s or (row_lo == -INF and row_hi == INF):
                    continue
                cols, vals = cols_of[s:e], vals_of[s:e]
                pos = vals > 0
                lo_rest = _rest(np.where(pos, vals * lower[cols], vals * upper[cols]), -INF)
                hi_rest = _rest(np.where(pos, vals * upper[cols], vals * lower[cols]), INF)
                from_hi = (row_hi - lo_rest) / vals if row_hi < INF else np.where(pos, INF, -INF)
                from_lo = (row_lo - hi_rest) / vals if row_lo > -INF else np.where(pos, -INF, INF)
                new_hi = np.where(pos, from_hi, from_lo)
                new_lo = np.where(pos, from_lo, from_hi)
                new_hi = np.where(np.isnan(new_hi), INF, new_hi)
                new_lo = np.where(np.isnan(new_lo), -INF, new_lo)
                room = 1e-7 * np.maximum(1.0, np.abs(np.where(np.isinf(new_hi), 1.0, new_hi)))
                tighter = new_hi + room < upper[cols]
                if tighter.any():
                    upper[cols[tighter]] = (new_hi + room)[tighter]
                    changed = True
                room = 1e-7 * np.maximum(1.0, np.abs(np.where(np.isinf(new_lo), 1.0, new_lo)))
                tighter = new_lo - room > lower[cols]
                if tighter.any():
                    lower[cols[tighter]] = (new_lo - room)[tighter]
                    changed = True
            if not changed:
                break
    return lower, upper


class RangeFinder:
    """One live model holding the objective within the slack; minimise or maximise one column at a time."""

    def __init__(self, f: Formulation, values: list[float], slack: float) -> None:
        model = f.model
        objective = {j: v for j, v in model.objective.items() if v}
        self.optimum = evaluate(objective, values, model.objective_constant)
        self.bound = self.optimum + slack * abs(self.optimum) + HOLD_TOLERANCE
        hold = Row(
            "hold_objective",
            objective,
            -INF,
            self.bound - model.objective_constant,
            "alternatives",
            "Objective within the slack of its optimum",
            relaxable=False,
        )
        view = LinearModel(columns=model.columns, rows=[*model.rows, hold], objective=objective)
        self.arrays = ArrayModel.from_linear(view)
        self.n = self.arrays.n
        self.integers = np.flatnonzero(self.arrays.integer)
        self.live = _live(self.arrays, {})
        self.polisher = (
            _live(self.arrays, dict.fromkeys(self.integers.tolist(), 0.0)) if len(self.integers) else None
        )
        self.flat = self.arrays.flat()
        self.flat[: self.n] = 0.0
        self.flat[-1] = 0.0
        self.resolves = 0
        self.polishes = 0

    def extreme(self, coefs: tuple[tuple[int, float], ...], maximise: bool) -> np.ndarray | None:
        """A plan within the slack with the least (or most) of one item; polished when integers exist."""
        flat = self.flat.copy()
        for j, v in coefs:
            flat[j] = -v if maximise else v
        self.live.load(flat)
        found = self.live.run()
        self.resolves += 1
        if found.x is None:
            return None
        return self._polish(found.x, flat)

    def _polish(self, x: np.ndarray, flat: np.ndarray) -> np.ndarray:
        """The same plan with its integers exactly whole: the LP re-solved with them fixed, same objective.

        HiGHS accepts integers within a tolerance, which can leak a hundred-thousandth of a troop
        past a contingent switch; polished plans are exact, so the checker can verify them, and
        the optimised item keeps its value (other items may move, so this is done before any
        of them is recorded).
        """
        if self.polisher is None:
            return x
        self.polisher.fixed = {j: float(round(x[j])) for j in self.integers.tolist()}
        self.polisher.load(flat)
        polished = self.polisher.run()
        self.polishes += 1
        return polished.x if polished.x is not None else x


def _bound(it: Item, lower: np.ndarray, upper: np.ndarray, maximise: bool) -> float:
    """The most (or least) an item can be by the implied column bounds."""
    if maximise:
        return float(sum(v * (upper[j] if v > 0 else lower[j]) for j, v in it.coefs))
    return float(sum(v * (lower[j] if v > 0 else upper[j]) for j, v in it.coefs))


def _live(arrays: ArrayModel, fixed: dict[int, float]) -> LiveModel:
    live = LiveModel(arrays, FastOptions(gap=1e-9), fixed)
    live.read_rows = False
    for key, value in TIGHT.items():
        if key != "mip_rel_gap" or live.mip:
            live.highs.setOptionValue(key, value)
    return live


@dataclass
class Extremes:
    """What the search found: every plan (0 = the reported one) and, per item, which attain its bounds."""

    items: list[Item]
    plans: list[np.ndarray]
    labels: list[str]
    min_plan: list[int]
    max_plan: list[int]
    optimum: float
    bound: float
    resolves: int
    seconds: float
    finder: RangeFinder
    ground: str
    unsolved: set[int]

    def value(self, plan: int, i: int) -> float:
        return float(sum(v * self.plans[plan][j] for j, v in self.items[i].coefs))

    def finder_polishes(self) -> int:
        return self.finder.polishes


def find_extremes(
    f: Formulation, values: list[float], slack: float, items: list[Item], budget: int | None = None
) -> Extremes:
    """Min and max of every item over plans within `slack`, each attained by a stored plan.

    Troops come first, then capabilities, then payments. With a `budget` (re-solves, a count so
    that identical input gives identical output) the search stops when it is spent;
    `Extremes.unsolved` lists the bounds it did not prove.
    """
    start = time.perf_counter()
    finder = RangeFinder(f, values, slack)
    lower, upper = implied_bounds(finder.arrays)
    weights = np.zeros((len(items), finder.n))
    for i, it in enumerate(items):
        for j, v in it.coefs:
            weights[i, j] = v
    reported = np.asarray(values[: finder.n], dtype=float)
    plans, labels = [reported], ["reported plan"]
    low = weights @ reported
    high = low.copy()
    min_plan = [0] * len(items)
    max_plan = [0] * len(items)

    def record(x: np.ndarray, label: str) -> None:
        index = len(plans)
        plans.append(x)
        labels.append(label)
        v = weights @ x
        for i in np.flatnonzero(v < low - 1e-9).tolist():
            low[i], min_plan[i] = v[i], index
        for i in np.flatnonzero(v > high + 1e-9).tolist():
            high[i], max_plan[i] = v[i], index

    def rank(i: int) -> int:
        return 0 if items[i].item == f.params.ground else 2 if items[i].item == FUNDING else 1

    unsolved: set[int] = set()
    for group in (0, 1, 2):
        for maximise in (True, False):
            for i in (i for i in range(len(items)) if rank(i) == group):
                it = items[i]
                known = _bound(it, lower, upper, maximise)
                reached = high[i] if maximise else low[i]
                if abs(known) < INF and abs(reached - known) <= tolerance(known):
                    continue  # a plan already attains what the rows allow: no re-solve needed
                if budget is not None and finder.resolves >= budget:
                    unsolved.add(i)
                    continue
                x = finder.extreme(it.coefs, maximise)
                if x is None:
                    unsolved.add(i)
                else:
                    record(x, f"{it.contributor} {it.item} at its {'maximum' if maximise else 'minimum'}")
    return Extremes(
        items,
        plans,
        labels,
        min_plan,
        max_plan,
        finder.optimum,
        finder.bound,
        finder.resolves,
        time.perf_counter() - start,
        finder,
        f.params.ground,
        unsolved,
    )
