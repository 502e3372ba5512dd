"""How firm the answer is and why it is what it is: the solve report's robustness and explanation parts.

One place renders `Result.robustness` and `Result.explanations` for results.json, the
terminal and report.md/html, so the three never disagree.
"""

from __future__ import annotations

from typing import Any

from guarantor.answer.explain import money
from guarantor.answer.results import Explanation, ItemRange, Result, Robustness
from guarantor.report.markup import Bullets, Document, Heading, Paragraph, Table

RULES = {
    "spread_by_gdp": "of the plans at the optimal cost, the one whose troops and payments come closest to "
    "GDP-proportional shares (the cost does not move).",
    "fewest_contributors": "of the plans at the optimal cost, one with the fewest national contingents.",
    "none": "the solver's pick among the plans at the optimal cost.",
}
EXPLANATIONS_SHOWN = 5
"""Explanations in the terminal summary; the report and results.json have them all."""


def item_payload(r: ItemRange) -> dict[str, Any]:
    return {
        "contributor": r.contributor,
        "name": r.name,
        "item": r.item,
        "period": r.period,
        "unit": r.unit,
        "optimum": r.optimum,
        "min": r.min,
        "max": r.max,
        "class": r.cls,
        "trades_with": list(r.trades_with),
    }


def robustness_payload(r: Robustness) -> dict[str, Any]:
    """results.json `robustness`: the headline and every contribution's range and class."""
    return {
        "slack": r.slack,
        "objective_value": round(r.objective_value, 6),
        "objective_bound": round(r.bound, 6),
        "headline": r.headline,
        "method": r.method,
        "resolves": r.resolves,
        "items": [item_payload(x) for x in r.items],
    }


def explanation_payload(e: Explanation) -> dict[str, Any]:
    return {
        "claim": e.claim,
        "kind": e.kind,
        "subject": e.subject,
        "value": round(e.value, 6),
        "unit": e.unit,
        "holds_from": e.holds_from,
        "holds_to": e.holds_to,
        "checked_by_resolve": e.checked_by_resolve,
    }


def why_payload(result: Result) -> dict[str, Any]:
    """The keys this module adds to results.json."""
    found: dict[str, Any] = {"tie_break": result.tie_break}
    if result.robustness is not None:
        found["robustness"] = robustness_payload(result.robustness)
    found["explanations"] = [explanation_payload(e) for e in result.explanations]
    return found


def amount(value: float, unit: str) -> str:
    return money(value) if unit == "USD m" else f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.3g}"


def item_label(r: ItemRange, labels: dict[str, str]) -> str:
    what = "payment" if r.item == "funding_usd_m" else labels.get(r.item, r.item)
    return what


def robustness_section(doc: Document, result: Result, labels: dict[str, str]) -> None:
    """'How firm is this answer?': the headline, the flexible contributions, and what is firm."""
    r = result.robustness
    if r is None:
        return
    doc.add(Heading("How firm is this answer?"), Paragraph(r.headline, emphasis=True))
    flexible = [x for x in r.items if x.cls == "flexible"]
    names = {x.contributor: x.name for x in r.items}
    multi = len({x.period for x in r.items}) > 1
    if flexible:
        rows = [
            [x.name, item_label(x, labels)]
            + ([x.period] if multi else [])
            + [amount(x.optimum, x.unit), amount(x.min, x.unit), amount(x.max, x.unit)]
            + [
                ", ".join(names.get(c, c) for c in x.trades_with[:4])
                + ("…" if len(x.trades_with) > 4 else "")
            ]
            for x in flexible
        ]
        columns = [
            "contributor",
            "item",
            *(["period"] if multi else []),
            "this plan",
            "min",
            "max",
            "trades with",
        ]
        doc.add(
            Table(
                columns,
                rows,
                frozenset({"this plan", "min", "max"}),
                "Contributions that vary at the same cost",
            )
        )
    firm = [x for x in r.items if x.cls == "firm" and x.optimum]
    if firm:
        doc.add(
            Paragraph(
                "Firm (the same in every equally cheap plan): "
                + "; ".join(
                    f"{x.name} {item_label(x, labels)} {amount(x.optimum, x.unit)}"
                    + (f" ({x.period})" if multi else "")
                    for x in firm
                )
                + "."
            )
        )
    doc.add(
        Paragraph(
            f"Method: {r.method}; {r.resolves} re-solves. *Firm*: the same in every plan at the optimal "
            "cost; *flexible*: differs between such plans (the range is attained by a plan that passes the "
            "independent checker); *absent*: zero in every such plan. `guarantor alternatives` explores "
            "plans within a slack of the optimum and lists them."
        )
    )


def why_section(doc: Document, result: Result) -> None:
    """'Why this plan': every explanation, each confirmed by a re-solve."""
    if not result.explanations and result.decisions is None:
        return
    doc.add(Heading("Why this plan"))
    if result.tie_break:
        doc.add(
            Paragraph(
                f"Tie-break rule among equally cheap plans: `{result.tie_break}` — "
                + RULES.get(result.tie_break, "")
            )
        )
    if result.explanations:
        doc.add(
            Paragraph(
                "Each sentence was confirmed by re-solving the scenario with the change it describes; "
                "ranges say how far it holds."
            ),
            Bullets([e.claim for e in result.explanations]),
        )


def summary_lines(result: Result) -> list[str]:
    """The robustness headline and the top explanations, for the terminal."""
    lines = []
    if result.robustness is not None:
        lines.append(result.robustness.headline)
    lines.append(f"Tie-break among equally cheap plans: {result.tie_break}.")
    if result.explanations:
        lines.append("Why this plan (each confirmed by a re-solve):")
        lines += [f"  - {e.claim}" for e in result.explanations[:EXPLANATIONS_SHOWN]]
        if len(result.explanations) > EXPLANATIONS_SHOWN:
            lines.append(f"  ... and {len(result.explanations) - EXPLANATIONS_SHOWN} more in report.md")
    return lines
