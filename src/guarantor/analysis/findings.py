"""The key findings of each analysis, as the few lines a command prints in the terminal.

The reports hold every table; the terminal says what an analyst would look for first:
where the US tier tips, which inputs swing the answer most, the spread of the cost and
how often each tier is chosen, and whether two objectives trade off at all.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from guarantor.analysis.pareto import OBJECTIVES, ParetoResult
from guarantor.analysis.sensitivity import SensitivityResult, label
from guarantor.analysis.sweep import SweepResult
from guarantor.answer.explain import money


def tier_labels(data: dict[str, Any]) -> dict[str, str]:
    """US tier id -> its label in the model, for messages."""
    tiers = data.get("model", {}).get("us_air_support_tiers", [])
    return {str(t["id"]): str(t.get("label", t["id"])) for t in tiers if isinstance(t, dict) and "id" in t}


def _tier(labels: dict[str, str], tier: str | None) -> str:
    if tier in (None, "", "infeasible", "none feasible"):
        return "no solution"
    return labels.get(str(tier), str(tier))


def _value(x: float) -> str:
    return f"{x:,.6g}"


def sweep_findings(result: SweepResult, labels: dict[str, str]) -> list[str]:
    """Points, the cost range and where it is reached, tiers chosen, unsolved points, tipping points."""
    names = result.output_names
    cost = result.outputs[:, names.index("total_cost_usd_m")]
    rank = result.outputs[:, names.index("us_tier_rank")]
    paths = [a.path for a in result.axes]

    def at(i: int) -> str:
        return ", ".join(f"{label(p)} = {_value(v)}" for p, v in zip(paths, result.grid[i], strict=True))

    lines = [f"{len(result.grid)} points, {len(result.tipping)} tipping point(s)"]
    solved = ~np.isnan(cost)
    if solved.any():
        low, high = int(np.nanargmin(cost)), int(np.nanargmax(cost))
        lines.append(f"  total cost from {money(cost[low])} ({at(low)}) to {money(cost[high])} ({at(high)})")
        counts = {int(r): int((rank == r).sum()) for r in np.unique(rank[solved])}
        chosen = ", ".join(f"{_tier(labels, result.tiers[r])} at {n}" for r, n in counts.items())
        lines.append(f"  US tier chosen: {chosen} point(s)")
    unsolved = np.flatnonzero(~solved)
    if len(unsolved):
        lines.append(f"  {len(unsolved)} point(s) without a solution, first at {at(int(unsolved[0]))}")
    for t in result.tipping:
        fixed = "".join(f" (with {label(k[3:])} = {_value(v)})" for k, v in t.items() if k.startswith("at_"))
        lines.append(
            f"  US tier {_tier(labels, t['tier_below'])} -> {_tier(labels, t['tier_above'])} "
            f"at {label(t['path'])} = {_value(t['value'])}{fixed}"
        )
    return lines


def sensitivity_findings(
    result: SensitivityResult, labels: dict[str, str], in_money: bool = True, top: int = 5
) -> list[str]:
    """The base optimum, the largest swings, the tipping points and any warning about Sobol indices.

    `in_money`: the objective is a cost in USD million (else it is printed as a plain number).
    """
    amount = money if in_money else _value
    delta = result.meta.get("delta", 0.0)
    lines = [f"base optimum {amount(result.base_objective)} (US tier {_tier(labels, result.base_tier)})"]
    if result.tornado:
        lines.append(f"largest swings of the optimum when one input moves by ±{delta:.0%}:")
    for r in result.tornado[:top]:
        ends = [r.get("low_objective"), r.get("high_objective")]
        span = " to ".join(amount(v) if v is not None else "no solution" for v in ends)
        lines.append(f"  {r['label']}: {span} (swing {amount(r['swing'])})")
    tips = [t for t in result.tipping if t.get("tipping_value") is not None]
    if tips:
        lines.append("US tier tipping points:")
    for t in tips:
        change = f" ({t['change_pct']:+.0f} %)" if t.get("change_pct") is not None else ""
        lines.append(
            f"  {_tier(labels, t['tier_below'])} -> {_tier(labels, t['tier_above'])} at "
            f"{t['label']} = {_value(t['tipping_value'])}{change}"
        )
        if t.get("note"):
            lines.append(f"    {t['note']}")
    lines += [f"  {n}" for n in result.meta.get("notes", []) if "Warning" in n]
    return lines


def uncertainty_findings(tables: dict[str, Any], meta: dict[str, Any], labels: dict[str, str]) -> list[str]:
    """Samples and speed, feasible share, cost percentiles, how often each tier is chosen."""
    samples = tables["samples"]
    feasible = float(samples["feasible"].mean()) if len(samples) else 0.0
    lines = [
        f"{meta['samples']:,} samples in {meta['seconds']:.2f} s ({meta['solves_per_second']:,} solves/s), "
        f"feasible in {feasible:.1%}"
    ]
    summary = tables["summary"].set_index("output")
    if "total_cost_usd_m" in summary.index:
        row = summary.loc["total_cost_usd_m"]
        cuts = [c for c in row.index if c.startswith("p") and c[1:].isdigit()]
        parts = [f"P{c[1:]} {money(row[c])}" for c in cuts if row[c] is not None and not math.isnan(row[c])]
        if parts:
            lines.append("  total cost: " + ", ".join(parts))
    lines.append("  US tier chosen:")
    lines += [
        f"    {_tier(labels, r.us_tier) if r.us_tier != 'no solution' else 'no solution'}: {r.share:.1%}"
        for r in tables["tier_frequency"].itertuples()
        if r.samples
    ]
    return lines


def pareto_findings(result: ParetoResult, suggestion: tuple[str, str] | None) -> list[str]:
    """Points and knee; a warning when the two objectives do not conflict, with a pair that does."""
    names = [OBJECTIVES[o][1] for o in result.objectives]
    lines = [f"{len(result.values)} frontier point(s), knee at point {result.knee}"]
    knee = result.values[result.knee]
    lines.append(
        "  knee: " + ", ".join(f"{n} = {_value(float(v))}" for n, v in zip(names, knee, strict=True))
    )
    if len(result.values) == 1:
        hint = (
            f"; try --objectives {','.join(suggestion)}, which do conflict"
            if suggestion
            else "; no other pair of objectives conflicts in this scenario either"
        )
        lines.append(
            f"warning: {' and '.join(result.objectives)} do not conflict here: one plan is best for both, "
            f"so the frontier is a single point{hint}"
        )
    return lines
