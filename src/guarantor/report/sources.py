"""The evidence behind a model's figures: each figure's value, source, grade, year and age.

An analyst who cites Guarantor must know which figures rest on weak evidence and which of
those move the answer. `figure_inventory` lists every figure with its grade (A, B, C, or
`assumption`); `sort_by_weakness` puts the weakest evidence that moves the answer most
first (given tornado swings from `analysis/`); `evidence_mix` and `binding_weak_figures`
give the solve report its one-line summary and its list of weak figures that bind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from guarantor.answer.results import Decisions, Result
from guarantor.model.params import Params
from guarantor.report.inputs import figure_mappings, per_scenario
from guarantor.report.markup import Heading, Paragraph, Table
from guarantor.scenario.loading import LoadedScenario

ASSUMPTION = "assumption"
WEAKNESS = {ASSUMPTION: 0, "C": 1, "B": 2, "A": 3}
"""Lower is weaker; an assumption is weaker than any graded source."""
URL_GRADE = "C"
"""A figure citing a bare URL has no registry entry and so no grade: it counts as C."""


@dataclass(frozen=True)
class FigureRow:
    """One figure of the model and the evidence behind it."""

    path: str  # key path inside the model, e.g. contributors.france.gdp_usd_bn
    value: float | str
    grade: str  # A, B, C or "assumption"
    source: str  # registry key or URL ("" for an assumption)
    citation: str  # the citation, or the assumption's rationale
    kind: str
    year: int | None
    cost_basis: str  # full / incremental for cost figures, else ""
    set_in: str
    swing: float | None = None  # tornado swing of the objective (USD m), when measured

    def age(self, as_of: int) -> int | None:
        return None if self.year is None else as_of - self.year

    def as_dict(self, as_of: int) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data["age"] = self.age(as_of)
        return data


def figure_inventory(
    model: Mapping[str, Any],
    origin: Callable[[str], str] | None = None,
    excluded: frozenset[str] = frozenset(),
) -> list[FigureRow]:
    """Every `{value, source | assumption}` figure of the (plain) model data, in document order.

    `origin(path)` gives the file:line of a figure; `excluded` contributors are left out.
    """
    sources = model.get("sources", {}) or {}
    rows = []
    for path, figure in figure_mappings(model):
        parts = path.split(".")
        if len(parts) > 1 and parts[0] == "contributors" and parts[1] in excluded:
            continue
        key = figure.get("source")
        entry = sources.get(key, {}) if isinstance(key, str) else {}
        if key is None:
            grade, citation, kind = ASSUMPTION, str(figure.get("assumption", "")), ""
        elif entry:
            grade, citation, kind = (
                str(entry.get("grade", URL_GRADE)),
                str(entry.get("citation", "")),
                str(entry.get("kind", "")),
            )
        else:
            grade, citation, kind = URL_GRADE, str(key), ""
        year = figure.get("year") or entry.get("year")
        rows.append(
            FigureRow(
                path=path,
                value=figure["value"],
                grade=grade,
                source=key or "",
                citation=citation,
                kind=kind,
                year=int(year) if isinstance(year, int) else None,
                cost_basis=str(figure.get("basis") or ""),
                set_in=origin(path) if origin else "",
            )
        )
    return rows


def scenario_inventory(loaded: LoadedScenario) -> list[FigureRow]:
    """The inventory of a loaded scenario's merged model, located, without excluded contributors."""
    excluded = frozenset(r.id for r in loaded.scenario.contributors if r.exclude)

    def origin(path: str) -> str:
        keys = [int(p) if p.isdigit() else p for p in path.split(".")]
        return str(loaded.origin_of("model", *keys, "value"))

    return figure_inventory(loaded.resolved.read_only()["model"], origin, excluded)


def located_inventory(loaded: LoadedScenario) -> list[FigureRow]:
    """`scenario_inventory`, built once per scenario and process (a report worker builds it while
    the command solves: ~0.7 s at 1,600 contributors, an origin lookup per figure)."""
    return list(per_scenario("inventory", loaded, scenario_inventory))


def with_swings(rows: list[FigureRow], swings: Mapping[str, float]) -> list[FigureRow]:
    """Attach tornado swings, keyed by the scenario path `model.<figure>.value`."""
    from dataclasses import replace

    return [replace(r, swing=round(swings.get(f"model.{r.path}.value", 0.0), 6)) for r in rows]


def sort_by_weakness(rows: list[FigureRow]) -> list[FigureRow]:
    """Weakest evidence first; within a grade, the largest swing first; then by path."""
    return sorted(rows, key=lambda r: (WEAKNESS.get(r.grade, 1), -(r.swing or 0.0), r.path))


def at_most(rows: list[FigureRow], grade: str) -> list[FigureRow]:
    """Figures whose evidence is `grade` or weaker (`C` keeps C-graded figures and assumptions)."""
    limit = WEAKNESS[grade]
    return [r for r in rows if WEAKNESS.get(r.grade, 1) <= limit]


def evidence_mix(rows: list[FigureRow]) -> str:
    """'62 figures: 21 A, 30 B, 4 C, 7 assumptions'."""
    count = {g: sum(r.grade == g for r in rows) for g in WEAKNESS}
    return (
        f"{len(rows)} figures: {count['A']} A, {count['B']} B, {count['C']} C, "
        f"{count[ASSUMPTION]} assumption{'s' if count[ASSUMPTION] != 1 else ''}"
    )


def _line(origin: str) -> str:
    """file:line of a 'file:line:column' origin."""
    return origin.rsplit(":", 1)[0] if origin.count(":") >= 2 else origin


def binding_paths(result: Result, params: Params, rows: list[FigureRow]) -> set[str]:
    """Figures that shape this answer: those behind a binding row, and the unit costs of what is used."""
    lines = {_line(c.origin) for c in result.constraints if c.binding and c.origin}
    found = {r.path for r in rows if r.set_in and _line(r.set_in) in lines}
    d = result.decisions
    if d is not None:
        found |= used_cost_paths(params, d)
    return found


def used_cost_paths(params: Params, d: Decisions) -> set[str]:
    """Cost figures (on the scenario's basis) multiplied by a non-zero decision."""
    incremental = params.basis == "incremental"
    troop = "incremental_cost_per_soldier_year_usd" if incremental else "cost_per_soldier_year_usd"
    unit = "incremental_unit_cost_usd_m" if incremental else "unit_cost_usd_m"
    annual = "incremental_annual_cost_usd_m" if incremental else "annual_cost_usd_m"
    paths = set()
    for (c, k, _), amount in d.amounts.items():
        if amount:
            paths.add(
                f"contributors.{c}.{troop}"
                if k == params.ground
                else f"contributors.{c}.capabilities.{k}.{unit}"
            )
    for tier in set(d.tier.values()):
        paths.add(f"us_air_support_tiers.{tier}.{annual}")
    if any(d.us_command.values()):
        paths.add(f"us_command_and_control.{annual}")
    return paths


def evidence_blocks(
    result: Result, params: Params, rows: list[FigureRow]
) -> list[Heading | Paragraph | Table]:
    """The solve report's section: the mix of evidence, and the weak figures that shape this answer."""
    bound = binding_paths(result, params, rows)
    weak = sort_by_weakness([r for r in at_most(rows, "C") if r.path in bound])
    blocks: list[Heading | Paragraph | Table] = [
        Heading("How strong is the evidence"),
        Paragraph(
            f"{evidence_mix(rows)} (A: official body or primary dataset; B: reputable analysis or major "
            "outlet; C: aggregator or copy). "
            f"{len(weak)} C-grade or assumed figure{'s' if len(weak) != 1 else ''} shape this answer "
            "(a binding constraint rests on it, or it prices something the plan uses); re-check them "
            "before publishing. "
            "`guarantor sources SCENARIO --grade C` lists every weak figure, the most influential first."
        ),
    ]
    if weak:
        # the citation or rationale of each is in the appendix (Figures of the base model)
        cells = [[r.path, _value(r.value), r.grade, r.source or "-", str(r.year or "-")] for r in weak]
        blocks.append(
            Table(
                ["figure", "value", "grade", "source", "year"],
                cells,
                frozenset({"value"}),
                "Weak figures that shape the answer",
                compact=True,
            )
        )
    return blocks


def _value(value: float | str) -> str:
    return f"{value:,.6g}" if isinstance(value, int | float) else str(value)
