"""How firm an answer is: classify every contribution over the near-optimal plans and say so.

`near_optimal` turns the extremes of `alternatives.find_extremes` into ranges classed
firm (the same in every plan within the slack), flexible (a range; with the contributors
it trades with) or absent (zero in every such plan), picks a few maximally different
plans and checks each with the independent checker, and writes the headline sentence
`solve` prints ("France's 10,250 troops are firm; the other 1,000 can come from ...").
"""

from __future__ import annotations

import numpy as np

from guarantor.answer.alternatives import (
    FUNDING,
    HORIZON,
    Extremes,
    clean,
    find_extremes,
    items_of,
    tolerance,
)
from guarantor.answer.checker import check_solution
from guarantor.answer.explain import money
from guarantor.answer.metrics import compute_metrics, decisions_from_values
from guarantor.answer.results import AlternativePlan, ItemRange, Robustness
from guarantor.model.formulation import Formulation

FIRM, FLEXIBLE, ABSENT, UNKNOWN = "firm", "flexible", "absent", "unknown"


def classify(optimum: float, low: float, high: float) -> str:
    if abs(high) <= tolerance(high) and abs(low) <= tolerance(low):
        return ABSENT
    return FIRM if high - low <= tolerance(max(abs(high), abs(low))) else FLEXIBLE


def near_optimal(
    f: Formulation,
    values: list[float],
    slack: float = 0.0,
    which: str = "all",
    plans: int = 5,
    budget: int | None = None,
) -> Robustness:
    """Ranges of every contribution over plans within `slack` of the optimum, and a few such plans.

    With a `budget` (re-solves), contributions whose bounds were not proven within it are
    flexible when the plans found already differ, else unknown (`ItemRange.exact` False).
    """
    items = items_of(f, which)
    ex = find_extremes(f, values, slack, items, budget)
    names = {c.id: c.name for c in f.params.contributors}
    classes = [
        classify(ex.value(0, i), ex.value(ex.min_plan[i], i), ex.value(ex.max_plan[i], i))
        for i in range(len(items))
    ]
    classes = [UNKNOWN if i in ex.unsolved and cls != FLEXIBLE else cls for i, cls in enumerate(classes)]
    groups = exchange_groups(ex, [i for i, cls in enumerate(classes) if cls == FLEXIBLE])
    ranges = []
    for i, it in enumerate(items):
        low, high, now = ex.value(ex.min_plan[i], i), ex.value(ex.max_plan[i], i), ex.value(0, i)
        cls = classes[i]
        partners = groups.get(i, ())
        ranges.append(
            ItemRange(
                it.contributor,
                names[it.contributor],
                it.item,
                it.period,
                it.unit,
                clean(now),
                clean(min(low, now)),
                clean(max(high, now)),
                cls,
                partners,
                ex.min_plan[i],
                ex.max_plan[i],
                i not in ex.unsolved,
            )
        )
    chosen = _distinct_plans(ex, plans) if plans else []
    remap = {0: 0} | {old: new for new, old in enumerate(chosen, start=1)}
    checked = [_checked_plan(f, ex, 0)] + [_checked_plan(f, ex, k) for k in chosen]
    ranges = [
        _with_plans(r, remap.get(r.min_plan, -1), remap.get(r.max_plan, -1)) if plans else r for r in ranges
    ]
    result = Robustness(
        slack=slack,
        objective_value=f.objective_sign * ex.optimum,
        bound=f.objective_sign * ex.bound,
        items=ranges,
        plans=checked if plans else [],
        resolves=ex.resolves + ex.finder_polishes(),
        seconds=ex.seconds,
        headline="",
    )
    result.headline = headline(f, result)
    if ex.unsolved:
        result.headline += (
            f" (The budget of {budget} re-solves ran out before {len(ex.unsolved)} bounds were proven; "
            "`guarantor alternatives` computes them all.)"
        )
    result.search = ex
    return result


def _with_plans(r: ItemRange, low: int, high: int) -> ItemRange:
    from dataclasses import replace

    return replace(r, min_plan=low, max_plan=high)


def plan_of(f: Formulation, robustness: Robustness, item: ItemRange, maximum: bool) -> AlternativePlan:
    """The checked plan attaining an item's min or max."""
    ex: Extremes = robustness.search
    i = next(
        k
        for k, it in enumerate(ex.items)
        if (it.contributor, it.item, it.period) == (item.contributor, item.item, item.period)
    )
    return _checked_plan(f, ex, ex.max_plan[i] if maximum else ex.min_plan[i])


def _checked_plan(f: Formulation, ex: Extremes, index: int) -> AlternativePlan:
    x = ex.plans[index]
    d = decisions_from_values(f, list(x))
    violations = check_solution(f.params, d, f.origin_of)
    objective = float(sum(v * x[j] for j, v in f.model.objective.items()) + f.model.objective_constant)
    label = _label(f, ex.labels[index])
    metrics = compute_metrics(f.params, d)
    return AlternativePlan(
        label, d, f.objective_sign * objective, metrics.total_cost_usd_m, tuple(map(str, violations))
    )


def _label(f: Formulation, raw: str) -> str:
    """'france ground_troops at its maximum' -> 'France: most ground troops'."""
    parts = raw.split(" ")
    if len(parts) < 4:
        return raw
    names = {c.id: c.name for c in f.params.contributors}
    labels = {c.id: c.label.lower() for c in f.params.scenario.model.capabilities} | {FUNDING: "payment"}
    what = labels.get(parts[1], parts[1])
    return f"{names.get(parts[0], parts[0])}: {'most' if parts[-1] == 'maximum' else 'least'} {what}"


def _partners(ex: Extremes, i: int) -> list[tuple[float, int]]:
    """Items of the same kind that move the other way between item `i`'s min and max plans."""
    it = ex.items[i]
    low, high = ex.min_plan[i], ex.max_plan[i]
    moves = []
    for j, other in enumerate(ex.items):
        if j == i or other.item != it.item or other.period != it.period:
            continue
        delta = ex.value(high, j) - ex.value(low, j)
        if delta < -tolerance(ex.value(low, j)):
            moves.append((delta, j))
    return moves


def exchange_groups(ex: Extremes, flexible: list[int]) -> dict[int, tuple[str, ...]]:
    """For each flexible item, the contributors it trades with: its exchange group, largest move first.

    Two items trade when one moves the other way as the other goes from its min to its max plan;
    an exchange group is everything linked by such trades (the UK and Germany both replacing the
    Netherlands' 1,000 troops are one group, though no single plan swaps the UK for Germany).
    """
    parent = {i: i for i in flexible}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    size: dict[int, float] = {}
    for i in flexible:
        for delta, j in _partners(ex, i):
            if j in parent:
                parent[root(i)] = root(j)
                size[j] = max(size.get(j, 0.0), -delta)
    groups: dict[int, list[int]] = {}
    for i in flexible:
        groups.setdefault(root(i), []).append(i)
    found = {}
    for members in groups.values():
        for i in members:
            others = sorted((j for j in members if j != i), key=lambda j: (-size.get(j, 0.0), j))
            found[i] = tuple(ex.items[j].contributor for j in others)
    return found


def _distinct_plans(ex: Extremes, count: int) -> list[int]:
    """Greedy farthest-point choice among the extreme plans, items measured as shares of their totals."""
    if len(ex.plans) <= 1:
        return []
    matrix = np.array([[ex.value(k, i) for i in range(len(ex.items))] for k in range(len(ex.plans))])
    kinds = sorted({(it.item, it.period) for it in ex.items})
    capabilities = {k for k, _ in kinds} - {FUNDING, ex.ground}
    for kind in kinds:
        cols = [i for i, it in enumerate(ex.items) if (it.item, it.period) == kind]
        total = max(float(np.abs(matrix[0, cols]).sum()), 1.0)
        weight = 1.0 / len(capabilities) if kind[0] in capabilities else 1.0  # troops and payments first
        matrix[:, cols] *= weight / total
    chosen = [0]
    picked: list[int] = []
    while len(picked) < count:
        distance = np.min([np.abs(matrix - matrix[k]).sum(axis=1) for k in chosen], axis=0)
        best = int(np.argmax(distance))
        if distance[best] <= 1e-6:
            break
        chosen.append(best)
        picked.append(best)
    return sorted(picked)


def _join(names: list[str], word: str = "and") -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {word} " + names[-1]


def headline(f: Formulation, r: Robustness) -> str:
    """One or two sentences: what is firm, what is a choice, at what cost."""
    p = f.params
    troops = [x for x in r.items if x.item == p.ground]
    at = "at the same cost" if r.slack == 0 else f"within {r.slack:.0%} of the optimum"
    periods = list(dict.fromkeys(x.period for x in troops)) or [q.id for q in p.periods]
    noun = "troop-years" if periods == [HORIZON] else "troops"
    by_period = {q: [x for x in troops if x.period == q] for q in periods}
    flexible_volume = {q: sum(x.max - x.min for x in xs if x.cls == FLEXIBLE) for q, xs in by_period.items()}
    period = max(periods, key=lambda q: (flexible_volume[q], -periods.index(q)))
    shown = by_period[period]
    where = f"In {period}, " if len(periods) > 1 else "Over the horizon, " if period == HORIZON else ""
    firm = sorted((x for x in shown if x.cls == FIRM and x.optimum > 0), key=lambda x: -x.optimum)
    flexible = sorted((x for x in shown if x.cls == FLEXIBLE), key=lambda x: (-x.max, x.name))
    total = sum(x.optimum for x in shown)
    parts = []
    if firm:
        listed = [f"{x.name}'s {x.optimum:,.0f}" for x in firm[: 5 if len(firm) == 5 else 4]]
        if len(firm) > 5:
            rest = sum(x.optimum for x in firm[4:])
            listed.append(f"{len(firm) - 4} others' {rest:,.0f}")
        parts.append(f"{_join(listed)} {noun} are firm")
    if flexible:
        other = total - sum(x.optimum for x in firm) - sum(x.optimum for x in shown if x.cls == UNKNOWN)
        names = _join([x.name for x in flexible], "or")
        lead = f"the other {other:,.0f}" if firm else f"all {other:,.0f} {noun}"
        parts.append(f"{lead} can come from {names} {at}")
    elif troops:
        parts.append(
            f"no other plan {at} moves a single troop"
            if noun == "troops"
            else f"no other plan {at} changes anyone's troop-years"
        )
    sentence = where + "; ".join(parts) + "." if parts else ""
    if sentence:
        sentence = sentence[0].upper() + sentence[1:]
    pays = [x for x in r.items if x.item == FUNDING and x.cls == FLEXIBLE]
    if pays:
        widest = max(pays, key=lambda x: (x.max - x.min, x.name))
        sentence += (
            f" Payments of {len(pays)} contributor{'s' if len(pays) != 1 else ''} can differ {at} "
            f"(widest: {widest.name}, {money(widest.min)} to {money(widest.max)})."
        )
    else:
        sentence += f" Every payment is firm {at}." if r.items else ""
    return (_objective_phrase(f, r) + " " + sentence).strip()


def _objective_phrase(f: Formulation, r: Robustness) -> str:
    metrics = list(f.objective_metrics)
    if metrics == ["total_cost"]:
        what = f"Total {money(r.objective_value)}"
    else:
        what = f"The objective value {r.objective_value:,.6g}"
    if r.slack == 0:
        return f"{what} is the optimum."
    bound = money(r.bound) if metrics == ["total_cost"] else f"{r.bound:,.6g}"
    return f"{what} is the optimum; among plans within {r.slack:.0%} of it (up to {bound}):"
