"""Why this plan: marginal claims confirmed by re-solving, with the range over which they hold.

Duals of the LP with integers fixed are not facts about a model with minimum contingents,
whole units and a US tier: allowing Poland 1 troop saves nothing when contingents come in
1,000s. Every claim here is a re-solve of the full model (integers free) on one live HiGHS
model, changing one bound or a few coefficients at a time:

- requirements: the cost of each extra unit, how far that price holds (doubling, then
  bisection on where the optimum leaves the straight line) and the average beyond;
- **What if not X?** for every contributor used: the cost if it sent nothing;
- **Why not X?** for every eligible contributor left out: the cost of forcing its smallest
  allowed contingent, and how much cheaper its troops would have to be for a plan using them
  to be cheaper (bisection on its cost per soldier-year);
- stances and caps: the discrete truth (what allowing one contingent saves);
- every other binding constraint the summary prints: its price checked by moving the limit one
  unit, the sentence kept only when the re-solve agrees, else replaced by what it found.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from guarantor.answer.alternatives import TIGHT
from guarantor.answer.explain import DEFINITIONAL, money, singular
from guarantor.answer.results import ConstraintReport, Explanation, Result
from guarantor.model.formulation import Formulation
from guarantor.model.linear import Row
from guarantor.scenario.schema import Stance
from guarantor.solve.fast import ArrayModel, FastOptions, Layout, LiveModel

COST_FAMILIES = {"funding", "budget", "peak_cost"}
"""Rows whose coefficients on a deployment are its unit cost (scaled with it when a cost changes)."""
REL = 1e-6


def same(a: float, b: float) -> bool:
    return abs(a - b) <= REL * max(1.0, abs(a), abs(b))


class Resolver:
    """The scenario's model on one live HiGHS instance; `z(changes)` re-solves with some numbers changed."""

    def __init__(self, f: Formulation, budget: int = 10**9) -> None:
        self.f = f
        self.budget = budget
        self.arrays = ArrayModel.from_linear(f.model)
        self.layout = Layout(self.arrays)
        self.live = LiveModel(self.arrays, FastOptions(gap=1e-9))
        self.live.read_rows = False
        for key, value in TIGHT.items():
            if key != "mip_rel_gap" or self.live.mip:
                self.live.highs.setOptionValue(key, value)
        self.flat = self.arrays.flat()
        self.resolves = 0
        self.z0 = self.z({})

    @property
    def spent(self) -> bool:
        """The budget is used up: loops stop before their next subject (a count, so deterministic)."""
        return self.resolves >= self.budget

    def z(self, changes: dict[int, float]) -> float:
        """The optimal objective (model sense, minimised) with flat entries changed; inf when infeasible."""
        return self.solve(changes)[0]

    def solve(self, changes: dict[int, float]) -> tuple[float, np.ndarray | None]:
        """The optimal objective and plan with flat entries changed; (inf, None) when infeasible."""
        flat = self.flat.copy()
        for slot, value in changes.items():
            flat[slot] = value
        self.live.load(flat)
        found = self.live.run()
        self.resolves += 1
        return (found.objective, found.x) if found.x is not None else (float("inf"), None)

    def row_lower(self, i: int) -> int:
        return self.layout.row_lower.start + i

    def row_upper(self, i: int) -> int:
        return self.layout.row_upper.start + i

    def col_lower(self, j: int) -> int:
        return self.layout.col_lower.start + j

    def col_upper(self, j: int) -> int:
        return self.layout.col_upper.start + j

    def cost_scaled(self, columns: list[int], ratio: float) -> dict[int, float]:
        """Changes making these columns' unit cost `ratio` times as large (objective and cost rows)."""
        changes = {j: self.flat[j] * ratio for j in columns}
        families = [r.family for r in self.f.model.rows]
        starts, matrix = self.arrays.a_start, self.layout.matrix.start
        for j in columns:
            for k in range(int(starts[j]), int(starts[j + 1])):
                if families[int(self.arrays.a_index[k])] in COST_FAMILIES:
                    changes[matrix + k] = self.flat[matrix + k] * ratio
        return changes


def usd(value_usd_m: float) -> str:
    return money(value_usd_m)


def per(value_usd_m: float) -> str:
    """Per-unit money: $202,500 rather than $0.2 m; $125.9 m for a battery."""
    return money(value_usd_m) if abs(value_usd_m) >= 1 else f"${abs(value_usd_m) * 1e6:,.0f}"


BUDGET = 600
"""Re-solves at most (a count, not seconds, so identical input gives identical output); the baseline
needs about 250."""
KINDS = ("requirement", "what_if_not", "why_not", "stance", "troop_cap")


def explain_plan(f: Formulation, result: Result, budget: int = BUDGET) -> list[Explanation]:
    """Confirmed explanations of a solved cost-minimising plan (others get none: their units differ).

    The first of each kind leads (the ground requirement, the costliest absence, the nearest
    entrant, the dearest stance), then the rest in the same order; steps stop at the budget.
    """
    if result.decisions is None or list(f.objective_metrics) != ["total_cost"]:
        return []
    r = Resolver(f, budget)
    if not np.isfinite(r.z0):
        return []
    found: list[Explanation] = []
    for step in (_requirements, _what_if_not, _why_not, _stances_and_caps):
        if not r.spent:
            found += step(f, r, result)
    _confirm_printed(f, r, result, found)
    leads = [next(e for e in found if e.kind == kind) for kind in KINDS if any(e.kind == kind for e in found)]
    return leads + [e for e in found if e not in leads]


def _ground_columns(f: Formulation, contributor: str) -> list[int]:
    p = f.params
    return [j for (c, k, _), j in f.amount.items() if c == contributor and k == p.ground]


def _requirements(f: Formulation, r: Resolver, result: Result) -> list[Explanation]:
    found = []
    for i, row in enumerate(f.model.rows):
        if r.spent:
            break
        if row.family != "requirement":
            continue
        report = next(c for c in result.constraints if c.name == row.name)
        if not report.binding:
            continue
        capability = next(k for k in f.params.capabilities if row.name.startswith(f"requirement_{k}"))
        step = float(f.params.unit_size[capability])
        rhs = row.lower
        first = r.z({r.row_lower(i): rhs + step}) - r.z0
        unit = row.unit or capability
        one = singular(unit)
        if not np.isfinite(first):
            claim = f"{row.label}: requiring one more {one} makes the scenario infeasible (re-solved)."
            found.append(
                Explanation(claim, "requirement", row.name, float("inf"), f"USD per {one}", rhs, rhs)
            )
            continue
        price = first / step
        if same(first, 0.0):
            continue
        reach = _linear_reach(r, r.row_lower(i), rhs, step, price, cap=2**15)
        claim = f"{row.label}: each extra {one} required costs {per(price)}"
        if reach >= step * 2**15:
            claim += f", for at least {reach:,.0f} more."
        else:
            claim += f", for up to {reach:,.0f} more"
            chunk = 1000 * step if capability == f.params.ground else step
            after = r.z({r.row_lower(i): rhs + reach + chunk}) - r.z({r.row_lower(i): rhs + reach})
            if np.isfinite(after):
                claim += f"; beyond that {per(after / chunk)} a {one} on average for the next {chunk:,.0f}."
            else:
                claim += "; beyond that the scenario becomes infeasible."
        found.append(
            Explanation(claim, "requirement", row.name, price * 1e6, f"USD per {one}", rhs, rhs + reach)
        )
    return found


def _linear_reach(r: Resolver, slot: int, start: float, step: float, price: float, cap: int) -> float:
    """How far (a multiple of `step`) the number at `slot` can rise with the cost following `price`."""

    def linear(k: int) -> bool:
        value = r.z({slot: start + k * step})
        return np.isfinite(value) and same(value - r.z0, price * k * step)

    good, probe = 1, 2
    while probe <= cap and linear(probe):
        good, probe = probe, probe * 2
    if probe > cap:
        return good * step
    bad = probe
    while bad - good > 1:
        mid = (good + bad) // 2
        good, bad = (mid, bad) if linear(mid) else (good, mid)
    return good * step


def _what_if_not(f: Formulation, r: Resolver, result: Result) -> list[Explanation]:
    d = result.decisions
    assert d is not None
    found = []
    for c in f.params.contributors:
        if r.spent:
            break
        columns = [j for (cid, _, _), j in f.amount.items() if cid == c.id]
        if not any(d.amounts.get(key, 0.0) > 0 for key in f.amount if key[0] == c.id):
            continue
        delta = r.z({r.col_upper(j): 0.0 for j in columns}) - r.z0
        what = _what(f, result, c.id)
        if not np.isfinite(delta):
            claim = f"What if not {c.name}? Without its {what}, no plan meets every constraint."
        elif same(delta, 0.0):
            claim = f"What if not {c.name}? Others could replace its {what} at no extra cost."
        else:
            claim = f"What if not {c.name}? Without its {what}, the cheapest plan costs {usd(delta)} more."
        found.append(
            Explanation(
                claim, "what_if_not", c.id, delta * 1e6 if np.isfinite(delta) else float("inf"), "USD"
            )
        )
    found.sort(key=lambda e: -e.value)
    return found


def _what(f: Formulation, result: Result, contributor: str) -> str:
    d = result.decisions
    assert d is not None
    units = {c.id: c.unit for c in f.params.scenario.model.capabilities}
    first = result.periods[0]
    parts = []
    for k in f.params.capabilities:
        v = d.amounts.get((contributor, k, first), 0.0)
        if v:
            unit = units.get(k, k) if k != f.params.ground else "troops"
            parts.append(f"{v:,.0f} {singular(unit) if round(v) == 1 else unit}")
    if len(parts) > 1:
        return f"{', '.join(parts[:-1])} and {parts[-1]}"
    return parts[0] if parts else "contribution"


def _why_not(f: Formulation, r: Resolver, result: Result) -> list[Explanation]:
    p, d = f.params, result.decisions
    assert d is not None
    policy = p.scenario.policy
    minimum = policy.min_contingent.troops if policy.min_contingent is not None else 0.0
    size = p.unit_size[p.ground]
    found = []
    for c in p.contributors:
        if r.spent:
            break
        columns = _ground_columns(f, c.id)
        if c.is_us or c.stance == Stance.ruled_out or not columns:
            continue
        if any(d.ground(p, c.id, q) > 0 for q in result.periods):
            continue
        smallest = max(minimum, float(size))
        most = min(p.sustainable(c), p.troop_cap(c, result.periods[0]) or float("inf"))
        if most < smallest:
            continue
        first = columns[0]
        forced = r.z({r.col_lower(first): smallest / size}) - r.z0
        if not np.isfinite(forced):
            continue
        cost = c.troop_cost_usd_m
        claim = f"Why not {c.name}? "
        if same(forced, 0.0):
            claim += (
                f"It could send {smallest:,.0f} troops at no extra cost (an equally cheap plan; "
                "the tie-break rule chose another)."
            )
            found.append(Explanation(claim, "why_not", c.id, 0.0, "USD", 0.0, 0.0))
            continue
        claim += f"Making it send its smallest contingent ({smallest:,.0f} troops) costs {usd(forced)} more"
        cut = _entry_cut(r, columns, cost)
        if cut is None:
            claim += "; it would not be worth using even if its troops cost nothing."
            found.append(Explanation(claim, "why_not", c.id, forced * 1e6, "USD"))
            continue
        claim += (
            f"; its troops would have to cost more than {per(cut)} less per soldier-year "
            f"(below {per(cost - cut)}) for a plan using them to be cheaper."
        )
        found.append(Explanation(claim, "why_not", c.id, cut * 1e6, "USD per soldier-year", 0.0, cut * 1e6))
    found.sort(key=lambda e: e.value)
    return found


def _entry_cut(r: Resolver, columns: list[int], cost: float, precision: float = 1e-4) -> float | None:
    """Smallest cut of the cost per soldier-year (USD m) at which using this contributor is cheaper.

    Newton's method on the plans found (Dinkelbach's iteration): a plan that is cheaper at some cut
    becomes so exactly where its objective, linear in the cut, meets the optimum. Re-solving just
    below that point either finds a plan that enters earlier (the next step) or nothing cheaper;
    then one re-solve just above it confirms the point, which is the answer. About three re-solves
    in all where bisection took fourteen. If a step does not settle (costs also move budget rows,
    so a plan's objective need not be linear), bisection finishes between the last point known
    to be cheaper and the last known not to be.
    """
    tol = REL * max(1.0, abs(r.z0))

    def solve_at(cut: float) -> tuple[bool, np.ndarray | None]:
        value, x = r.solve(r.cost_scaled(columns, 1 - cut / cost))
        return value < r.z0 - tol and x is not None, x

    lo, hi = 0.0, cost * 0.999  # invariant: not cheaper at lo (the optimum), cheaper at hi
    better, x = solve_at(hi)
    if not better:
        return None
    for _ in range(8):
        entry = _entry_point(r, columns, cost, x) if x is not None else None
        if entry is None or not lo + precision / 2 < entry < hi - precision / 2:
            break
        better, found = solve_at(entry - precision / 2)
        if better:
            hi, x = entry - precision / 2, found
            continue
        lo = entry - precision / 2
        if solve_at(entry + precision / 2)[0]:
            return entry
        break
    while hi - lo > precision:
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if solve_at(mid)[0] else (mid, hi)
    return hi


def _entry_point(r: Resolver, columns: list[int], cost: float, x: np.ndarray) -> float | None:
    """The cut at which plan `x`'s objective equals the optimum (its objective is linear in the cut)."""
    troops = sum(r.arrays.cost[j] * x[j] for j in columns)  # the part of its objective that scales
    if troops <= 0:
        return None
    at_zero = float(np.dot(r.arrays.cost, x)) + r.arrays.offset
    return (at_zero - r.z0) * cost / troops


def _stances_and_caps(f: Formulation, r: Resolver, result: Result) -> list[Explanation]:
    p = f.params
    policy = p.scenario.policy
    minimum = policy.min_contingent.troops if policy.min_contingent is not None else 0.0
    names = {c.id: c for c in p.contributors}
    found = []
    for i, row in enumerate(f.model.rows):
        if r.spent:
            break
        if row.family not in ("stance", "troop_cap"):
            continue
        report = next(c for c in result.constraints if c.name == row.name)
        if not report.binding:
            continue
        cid = row.name.removeprefix(f"{row.family}_")
        c = next((x for x in names.values() if cid == x.id or cid.startswith(f"{x.id}_")), None)
        if c is None:
            continue
        limit = row.upper
        allowed = max(minimum, float(p.unit_size[p.ground]))
        if limit + allowed > p.sustainable(c) + 1e-9:
            continue
        saving = r.z0 - r.z({r.row_upper(i): limit + allowed})
        if row.family == "stance":
            lead = f"Allowing {c.name} to send troops"
            if minimum > 1 and same(saving, 0.0):
                claim = f"{lead} would save nothing, even a full contingent of {allowed:,.0f} (re-solved)."
            elif minimum > 1:
                below = r.z0 - r.z({r.row_upper(i): limit + allowed - 1})
                note = "saves nothing" if same(below, 0.0) else f"saves {usd(below)}"
                claim = (
                    f"{lead} {note} below {allowed:,.0f} (the minimum contingent); "
                    f"allowing {allowed:,.0f} saves {usd(saving)}."
                )
            else:
                reach = _linear_reach(r, r.row_upper(i), limit, allowed, -saving / allowed, cap=2**15)
                claim = (
                    f"{lead}: each troop it were allowed to send would save {per(saving / allowed)}, "
                    f"for up to {reach:,.0f} troops (re-solved)."
                )
        else:
            claim = (
                f"Raising {c.name}'s cap of {limit:,.0f} troops by {allowed:,.0f} would save {usd(saving)}."
            )
        found.append(
            Explanation(
                claim,
                row.family,
                c.id,
                saving * 1e6,
                f"USD per {allowed:,.0f} troops",
                limit,
                limit + allowed,
            )
        )
    return found


def _confirm_printed(f: Formulation, r: Resolver, result: Result, found: list[Explanation]) -> None:
    """Binding-constraint sentences are kept only when a one-unit re-solve agrees; else replaced."""
    claims = {e.subject: e.claim for e in found if e.kind in ("stance", "troop_cap")}
    rows = {row.name: (i, row) for i, row in enumerate(f.model.rows)}
    for n, report in enumerate(result.constraints):
        if not report.binding or not report.explanation or report.family in DEFINITIONAL:
            continue
        i, row = rows[report.name]
        if row.family == "requirement":
            claim = next((e.claim for e in found if e.subject == row.name), None)
            result.constraints[n] = replace(report, explanation=claim or _checked(r, i, row, report))
            continue
        owner = row.name.removeprefix(f"{row.family}_")
        if row.family in ("stance", "troop_cap") and owner in claims:
            result.constraints[n] = replace(report, explanation=claims[owner])
            continue
        result.constraints[n] = replace(report, explanation=_checked(r, i, row, report))
    why = {e.subject: e.claim for e in found if e.kind == "why_not"}
    result.reduced_costs = [
        replace(x, explanation=why.get(x.contributor, ""))
        for x in result.reduced_costs
        if x.contributor in why
    ]


def _checked(r: Resolver, i: int, row: Row, report: ConstraintReport) -> str:
    """The row's sentence if moving its limit one unit moves the cost by its price; else what it does."""
    price = report.shadow_price or 0.0
    unit = report.unit or "unit"
    if row.family in ("europe_troop_share", "europe_cost_share"):
        return _share_checked(r, i, row, report)
    if report.upper is not None and report.lower is None:
        moved = r.z({r.row_upper(i): report.upper + 1.0}) - r.z0
        verb = "raising"
    elif report.lower is not None and report.upper is None:
        moved = r.z({r.row_lower(i): report.lower + 1.0}) - r.z0
        verb = "raising"
    else:
        return ""
    if np.isfinite(moved) and same(moved, price):
        return report.explanation + " (confirmed by re-solving)"
    if not np.isfinite(moved):
        return f"{report.label}: {verb} this limit by one {singular(unit)} makes the scenario infeasible."
    effect = (
        "changes nothing" if same(moved, 0.0) else f"{'saves' if moved < 0 else 'costs'} {usd(abs(moved))}"
    )
    return f"{report.label}: {verb} this limit by one {singular(unit)} {effect} (re-solved)."


def _share_checked(r: Resolver, i: int, row: Row, report: ConstraintReport) -> str:
    """Re-solve with the share one point higher (the row's coefficients move by 0.01 x its base)."""
    changes = {}
    matrix = r.layout.matrix.start
    for j, b in (row.share_base or {}).items():
        for k in range(int(r.arrays.a_start[j]), int(r.arrays.a_start[j + 1])):
            if int(r.arrays.a_index[k]) == i:
                changes[matrix + k] = r.flat[matrix + k] - 0.01 * b
    moved = r.z(changes) - r.z0
    what = "troop" if row.family == "europe_troop_share" else "cost"
    if not np.isfinite(moved):
        return f"{report.label}: one more point of Europe's {what} share makes the scenario infeasible."
    effect = (
        "changes nothing"
        if same(moved, 0.0)
        else f"costs {usd(moved)} a year"
        if moved > 0
        else f"saves {usd(-moved)}"
    )
    return f"{report.label}: one more point of Europe's {what} share {effect} (re-solved)."
