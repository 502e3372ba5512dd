"""Guarantor's figures beside published estimates, on the same cost basis and scaled to the same force.

Readers have seen other numbers (Bloomberg Economics' 40,000-troop costing, IISS force
options, CSBA's no-fly-zone range): a figure three times higher or lower needs a reason on
the page. Each `published_estimates:` entry of the model becomes one row: what it said,
what that means for this plan's force size, Guarantor's figure on the same basis, the
ratio, and one line on why they differ where they do.
"""

from __future__ import annotations

from dataclasses import dataclass

from guarantor.answer.basis import BASIS_NAMES, ground_cost, has_incremental, params_on
from guarantor.answer.explain import money
from guarantor.answer.results import Decisions
from guarantor.model.params import Params
from guarantor.report.markup import Heading, Paragraph, Table
from guarantor.scenario.schema import PublishedEstimate, Scenario

CLOSE = 1.25
"""Within this factor either way, Guarantor's figure and an estimate are called close."""


@dataclass(frozen=True)
class EstimateRow:
    """One published estimate beside Guarantor's figure for the same plan."""

    id: str
    label: str
    source: str
    grade: str
    year: int
    basis: str  # the basis the comparison uses (full or incremental), or "" when not a cost
    published: str
    scaled_usd_m: float | None  # the estimate scaled to this plan's force (low end)
    scaled_high_usd_m: float | None
    guarantor_usd_m: float | None
    ratio: float | None  # Guarantor / scaled estimate (middle of a range)
    why: str


def plan_troops(params: Params, d: Decisions) -> float:
    """Average deployed troops a year."""
    years = sum(q.years for q in params.periods)
    return (
        sum(d.ground(params, c.id, q.id) * q.years for c in params.contributors for q in params.periods)
        / years
    )


def _verdict(ratio: float | None, caveat: str) -> str:
    if ratio is None:
        return caveat
    if 1 / CLOSE <= ratio <= CLOSE:
        return f"close (within {CLOSE - 1:.0%}); {caveat}"
    direction = "above" if ratio > 1 else "below"
    return f"Guarantor is {ratio:.1f}x the scaled estimate ({direction}): {caveat}"


def _grade(scenario: Scenario, estimate: PublishedEstimate) -> str:
    entry = scenario.model.sources.get(estimate.source)
    return str(entry.grade) if entry is not None else "C"


def _published(e: PublishedEstimate) -> str:
    if e.troops is not None and e.annual_cost_usd_m is None:
        top = e.troops_high or e.troops
        return f"{e.troops:,.0f}" + (f"-{top:,.0f}" if top != e.troops else "") + " troops"
    if e.annual_cost_usd_m is None:
        return "-"
    top = e.annual_cost_high_usd_m or e.annual_cost_usd_m
    span = f"-{money(top)}" if top != e.annual_cost_usd_m else ""
    size = f" for {e.troops:,.0f} troops" if e.troops else ""
    return f"{money(e.annual_cost_usd_m)}{span} a year{size}"


def _basis(estimate: PublishedEstimate) -> str:
    return "incremental" if estimate.basis == "not_stated" else estimate.basis


def estimate_rows(scenario: Scenario, d: Decisions | None) -> list[EstimateRow]:
    """Every published estimate of the model, compared with the plan `d` where it is comparable.

    Without a plan (an infeasible scenario) the estimates are listed with nothing to compare.
    """
    model = scenario.model
    bases = {b: params_on(scenario, b) for b in ("full", "incremental")}
    full = bases["full"]
    if d is None:
        return [
            EstimateRow(
                e.id,
                e.label,
                e.source,
                _grade(scenario, e),
                e.year,
                "",
                _published(e),
                None,
                None,
                None,
                None,
                f"no plan to compare; {e.caveat}",
            )
            for e in model.published_estimates
        ]
    troops = plan_troops(full, d)
    tier = d.tier[full.periods[0].id]
    labels = {t.id: t.label for t in full.tiers}
    rows = []
    for e in model.published_estimates:
        grade = _grade(scenario, e)
        basis = _basis(e)
        priced = basis == "full" or has_incremental(scenario)
        scaled = high = ours = ratio = None
        basis_shown = ""
        if e.measures == "force_cost" and e.troops and e.annual_cost_usd_m is not None:
            per = e.annual_cost_usd_m / e.troops
            published = f"{_published(e)} ({money(per, 'USD m')} per soldier-year)"
            if troops > 0 and priced:
                scaled = per * troops
                ours = ground_cost(bases[basis], d)
                ratio = ours / scaled if scaled > 0 else None
                basis_shown = basis
            why = _verdict(ratio, e.caveat) if priced else "no incremental figures in the model"
        elif e.measures == "force_size" and e.troops is not None:
            top = e.troops_high or e.troops
            published = _published(e)
            inside = e.troops * 0.8 <= troops <= top * 1.25
            verb = "match" if inside else "differ from"
            why = f"the plan's {troops:,.0f} troops {verb} this option; {e.caveat}"
        elif e.measures == "air_cost" and e.annual_cost_usd_m is not None:
            top = e.annual_cost_high_usd_m or e.annual_cost_usd_m
            published = (
                money(e.annual_cost_usd_m)
                + (f"-{money(top)}" if top != e.annual_cost_usd_m else "")
                + " a year"
            )
            if e.tier == tier and priced:
                chosen = next(t for t in bases[basis].tiers if t.id == tier)
                scaled, high, ours = e.annual_cost_usd_m, top, chosen.cost_usd_m
                ratio = ours / ((scaled + top) / 2)
                basis_shown = basis
                inside = scaled <= ours <= top
                why = f"inside the published range; {e.caveat}" if inside else _verdict(ratio, e.caveat)
            else:
                theirs = labels.get(e.tier or "", e.tier)
                why = f"not comparable: the plan's US tier is {labels.get(tier, tier)}, not {theirs}"
        else:
            published = _published(e)
            why = f"context only: {e.caveat}"
        rows.append(
            EstimateRow(
                e.id, e.label, e.source, grade, e.year, basis_shown, published, scaled, high, ours, ratio, why
            )
        )
    return rows


def published_range(scenario: Scenario, basis: str) -> tuple[float, float] | None:
    """Lowest and highest published cost per soldier-year on `basis` (not stated counts as incremental)."""
    per = [
        e.annual_cost_usd_m / e.troops
        for e in scenario.model.published_estimates
        if e.measures == "force_cost" and e.troops and e.annual_cost_usd_m is not None and _basis(e) == basis
    ]
    return (min(per), max(per)) if per else None


def estimate_blocks(scenario: Scenario, d: Decisions | None) -> list[Heading | Paragraph | Table]:
    """The report's panel: a sentence on how the comparison is made, then one row per estimate."""
    rows = estimate_rows(scenario, d)
    if not rows:
        return []
    troops = plan_troops(params_on(scenario, "full"), d) if d is not None else 0.0
    cells = [
        [
            r.label,
            f"{r.source} ({r.grade}), {r.year}",
            BASIS_NAMES.get(r.basis, "-"),
            r.published,
            "-"
            if r.scaled_usd_m is None
            else money(r.scaled_usd_m)
            + (
                f"-{money(r.scaled_high_usd_m)}"
                if r.scaled_high_usd_m and r.scaled_high_usd_m != r.scaled_usd_m
                else ""
            ),
            "-" if r.guarantor_usd_m is None else money(r.guarantor_usd_m),
            "-" if r.ratio is None else f"{r.ratio:.2f}",
            r.why,
        ]
        for r in rows
    ]
    columns = [
        "estimate",
        "source (grade), year",
        "basis",
        "published",
        "scaled to this plan",
        "Guarantor",
        "ratio",
        "why they differ",
    ]
    return [
        Heading("Published estimates beside Guarantor's figures"),
        Paragraph(
            f"Each cost estimate is scaled to this plan's {troops:,.0f} troops at its own cost per "
            "soldier-year and set beside Guarantor's cost of the plan's ground troops on the same basis "
            "(an estimate that does not state its basis is compared as incremental); an air-operations "
            "estimate is compared with the US tier it describes. Ratio = Guarantor / published."
        ),
        Table(
            columns,
            cells,
            frozenset({"scaled to this plan", "Guarantor", "ratio"}),
            "Published estimates",
            compact=True,
        ),
    ]


def _scaled(r: EstimateRow) -> str:
    if r.scaled_usd_m is None:
        return "-"
    high = r.scaled_high_usd_m
    return money(r.scaled_usd_m) + (f"-{money(high)}" if high and high != r.scaled_usd_m else "")


def estimate_line(scenario: Scenario, d: Decisions) -> str:
    """One terminal line: the closest-sized force costing and how Guarantor compares."""
    rows = [r for r in estimate_rows(scenario, d) if r.ratio is not None and r.scaled_usd_m is not None]
    if not rows:
        return ""
    troops = plan_troops(params_on(scenario, "full"), d)
    sizes = {e.id: e.troops or 0.0 for e in scenario.model.published_estimates}
    best = min(rows, key=lambda r: (abs(sizes.get(r.id, 0.0) - troops), r.id))
    assert best.scaled_usd_m is not None and best.guarantor_usd_m is not None and best.ratio is not None
    return (
        f"published: {best.label} -> {money(best.scaled_usd_m)} scaled to this plan; Guarantor "
        f"{money(best.guarantor_usd_m)} {BASIS_NAMES[best.basis]} ({best.ratio:.1f}x); "
        f"{len(rows)} estimates compared in report.md"
    )
