"""The solve report's content: question, three-sentence answer, tables, what binds, sources, manifest.

Built once as a `markup.Document` and rendered to report.md and report.html. Numbers come
from `tables` (the same numbers as the CSV files and charts); text comes from the result's
own explanations, so the report never says anything the solver did not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from guarantor.answer.basis import basis_headline
from guarantor.answer.explain import money
from guarantor.answer.results import Result
from guarantor.model.params import Params
from guarantor.report.estimates import estimate_blocks
from guarantor.report.inputs import per_scenario
from guarantor.report.markup import Block, Bullets, Document, Heading, Image, Paragraph, Table, rendered
from guarantor.report.sources import evidence_blocks, located_inventory

if TYPE_CHECKING:
    import pandas as pd

    from guarantor.scenario.loading import LoadedScenario

CHART_CAPTIONS = {
    "troops": "Ground troops per contributor (peak over the horizon) and the other capabilities it sends.",
    "funding": "Each European member's part of the shared bill next to its GDP-proportional fair share.",
    "shares": "Shares of troops and funding by bloc; dashed lines mark Europe's policy minimum.",
    "coverage": "Share of each requirement covered by Europe, other partners and the US (100% = met).",
    "tiers": "Every US air-support tier with its annual cost and escalation risk.",
    "troops_over_time": "Deployed ground troops by contributor in each period of the horizon.",
    "funding_over_time": "Annual funding by bloc in each period, with the annual budget when one is set.",
    "us_tier_over_time": "The US air-support tier chosen in each period (and where the US commands).",
}
OBJECTIVES = {
    "min_cost": "The cheapest plan that meets every constraint",
    "min_us_involvement": "The plan with the least US involvement",
    "max_force": "The largest force the budget allows",
    "weighted": "The best plan by the weighted objective",
    "lexicographic": "The best plan by the ranked objectives",
}


def _missing(value: Any) -> bool:
    import pandas as pd

    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


Columns = list[tuple[str, str, str]]
"""(DataFrame column, header, kind for `fmt`)."""
FUNDING_COLUMNS: Columns = [
    ("name", "contributor", "text"),
    ("amount_usd", "pays", "usd"),
    ("share", "share of bill", "pct"),
    ("share_of_gdp", "share of GDP a year", "pct3"),
    ("gdp_fair_share", "GDP fair share", "pct"),
    ("shared_bill_share", "share of shared bill", "pct"),
    ("deviation", "vs fair share", "pp"),
]
SHARES_COLUMNS: Columns = [
    ("europe", "Europe", "pct"),
    ("other", "other partners", "pct"),
    ("united_states", "United States", "pct"),
    ("europe_minimum", "Europe's minimum", "pct"),
]
TIER_COLUMNS: Columns = [
    ("label", "tier", "text"),
    ("annual_cost_usd_m", "annual cost", "usd_m"),
    ("escalation_risk", "escalation risk", "num"),
    ("allowed", "allowed", "text"),
    ("chosen_in", "chosen in", "text"),
]
BINDING_COLUMNS: Columns = [
    ("label", "constraint", "text"),
    ("price", "shadow price", "num"),
    ("price_unit", "unit", "text"),
    ("origin", "set in", "text"),
]
SCENARIO_FIGURE_COLUMNS: Columns = [
    ("input", "input", "text"),
    ("value", "value", "num"),
    ("set_in", "set in", "text"),
]
MODEL_FIGURE_COLUMNS: Columns = [
    ("figure", "figure", "text"),
    ("value", "value", "num"),
    ("basis_text", "source or assumption", "text"),
    ("year", "year", "text"),
    ("note", "note", "text"),
    ("set_in", "set in", "text"),
]
SOURCE_COLUMNS: Columns = [
    ("key", "key", "text"),
    ("citation", "citation", "text"),
    ("year", "year", "text"),
    ("url", "url", "text"),
    ("figures", "figures citing it", "int"),
]


def fmt(value: Any, kind: str = "num") -> str:
    """One cell: `int` 1,000; `pct` 12.3%; `pct3` 0.071%; `pp` +1.2 pp; `usd`/`usd_m` money; `num`; `text`."""
    import numpy as np

    if _missing(value):
        return "–"
    if kind == "int":
        return f"{value:,.0f}"
    if kind == "pct":
        return f"{value:.1%}"
    if kind == "pct3":
        return f"{value:.3%}"
    if kind == "pp":
        return f"{value * 100:+.1f} pp"
    if kind == "usd":
        return money(value / 1e6)
    if kind == "usd_m":
        return money(value)
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if kind == "num" and isinstance(value, int | float):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"
    return str(value)


def table_block(
    df: pd.DataFrame, spec: Sequence[tuple[str, str, str]], caption: str = "", index: str = ""
) -> Table:
    """A markup table from DataFrame columns: (column, header, kind); `index` heads the index column."""
    columns = ([index] if index else []) + [header for _, header, _ in spec]
    # the values `iterrows` gave (it reads `to_numpy()`: a mixed table as objects, an all-numeric
    # one upcast alike), without building a Series per row (3 s for the appendix at 1,600 contributors)
    values = df.to_numpy()
    where = [(df.columns.get_loc(col), kind) for col, _, kind in spec]
    rows = [
        ([str(key)] if index else []) + [fmt(row[j], kind) for j, kind in where]
        for key, row in zip(df.index, values, strict=True)
    ]
    numeric = frozenset(h for _, h, k in spec if k != "text")
    return Table(columns, rows, numeric, caption)


def answer(result: Result, params: Params, t: Mapping[str, pd.DataFrame]) -> list[str]:
    """The answer in three sentences (or what went wrong, when there is no plan)."""
    if result.diagnosis is not None and result.diagnosis.numerical:
        return [
            "The solver could not settle whether a plan exists: the model is badly scaled.",
            result.diagnosis.summary,
            "No decisions are reported; the diagnosis is also in results.json.",
        ]
    if result.diagnosis is not None:
        relax = result.diagnosis.relaxations
        return [
            "No plan meets every constraint of this scenario.",
            result.diagnosis.summary.removeprefix("Infeasible. "),
            f"Relaxing the {len(relax)} constraint(s) listed under *Why no plan exists* restores "
            "feasibility; the diagnosis is also in results.json.",
        ]
    if result.decisions is None or result.metrics is None:
        limit = result.options.get("time_limit")
        return [
            f"The solver ({result.solver or result.options.get('solver')}) returned no solution "
            f"(status: {result.status}).",
            f"It stopped at {'the time limit of ' + format(limit, 'g') + ' s' if limit else 'its limits'}.",
            "Re-run with a longer `--time-limit` or a larger `--gap`; no decisions are reported.",
        ]
    m, d = result.metrics, result.decisions
    deploy = t["deployments"].sort_values(params.ground, ascending=False, kind="stable")
    leaders = [f"{n} ({v:,.0f})" for n, v in deploy[params.ground].items() if v > 0][:3]
    horizon = " a year" if len(result.periods) == 1 else " over the horizon"
    first = (
        f"{OBJECTIVES.get(result.objective, 'The optimal plan')} deploys {m.deployed_force:,.0f} "
        f"troop{'s' if len(result.periods) == 1 else '-years'} from {len(deploy)} contributors and costs "
        f"{money(m.total_cost_usd_m)}{horizon}; the largest contingents are {', '.join(leaders) or 'none'}."
    )
    labels = {tier.id: tier.label for tier in params.tiers}
    tiers = [labels[d.tier[p]] for p in result.periods]
    us = tiers[0] if len(set(tiers)) == 1 else f"{tiers[0]} at first, {tiers[-1]} at the end"
    command = "leads" if d.us_command[result.periods[0]] else "does not lead"
    floors = [f"{what} {v:.0%}" for what, v in t["shares"]["europe_minimum"].items() if v == v]
    troop_group = params.group_label(params.share_group("europe_min_troop_share"))
    cost_group = params.group_label(params.share_group("europe_min_cost_share"))
    pays = "pay" if cost_group == troop_group else f"{cost_group} pay"
    second = (
        f"US air support: {us}; the US {command} command and control; {troop_group} deploy "
        f"{m.europe_troop_share:.0%} of the troops and {pays} {m.europe_cost_share:.0%} of the costs"
        + (f" (policy minimums: {', '.join(floors)})." if floors else ".")
    )
    binding = t["binding"]
    priced = binding[binding["shadow_price"].abs() > 1e-9]
    third = (
        f"What binds hardest: {priced['explanation'].iloc[0]}"
        if len(priced)
        else "No binding constraint has a price: moving any limit a little would not change the value."
    )
    return [first, second, third]


def _manifest_rows(manifest: Mapping[str, Any]) -> list[list[str]]:
    """Every manifest field but the (long) resolved scenario, which stays in results.json."""
    flat = {
        k: ", ".join(f"{a}={b}" for a, b in v.items()) if isinstance(v, dict) else v
        for k, v in manifest.items()
    }
    return [
        [k, ", ".join(map(str, v)) if isinstance(v, list) else str(v)]
        for k, v in flat.items()
        if k != "resolved_scenario"
    ]


def sources_appendix(loaded: LoadedScenario) -> tuple[Block, ...]:
    """The report's appendix of inputs, built once per scenario and process (a report worker
    builds it while the command solves: ~0.8 s at 1,600 contributors)."""
    return per_scenario("appendix", loaded, _sources_appendix)


def _sources_appendix(loaded: LoadedScenario) -> tuple[Block, ...]:
    """A compact appendix: small print, one line per figure, each citation once (in Sources)."""
    doc = Document("appendix")
    _sources_section(doc, loaded)
    return tuple(rendered(b) if isinstance(b, Table) else b for b in doc.blocks)


def _sources_section(doc: Document, loaded: LoadedScenario) -> None:
    from dataclasses import replace

    from guarantor.report.inputs import scenario_figures, source_list, sourced_figures

    doc.add(
        Heading("Appendix: assumptions and sources"),
        Paragraph(
            "Every figure the model uses, with the source key (cited in full under Sources) or the stated "
            "assumption behind it, and the file and line that set it (after `extends:`, `model_overrides` "
            "and `--set` are merged)."
        ),
    )
    table = table_block(scenario_figures(loaded), SCENARIO_FIGURE_COLUMNS, "Figures the scenario sets")
    doc.add(replace(table, compact=True))
    figures = sourced_figures(loaded)
    figures["basis_text"] = [
        r.source if r.basis == "source" else f"Assumption: {r.assumption}" for r in figures.itertuples()
    ]
    doc.add(replace(table_block(figures, MODEL_FIGURE_COLUMNS, "Figures of the base model"), compact=True))
    doc.add(replace(table_block(source_list(loaded, figures), SOURCE_COLUMNS, "Sources"), compact=True))


def solve_document(
    result: Result,
    loaded: LoadedScenario,
    params: Params,
    t: Mapping[str, pd.DataFrame],
    payload: Mapping[str, Any],
    charts: Sequence[str],
) -> Document:
    """The whole report for one scenario; `t` are the tables of `tables.solve_tables`."""
    doc = Document(f"Guarantor report: {result.scenario}")
    from guarantor.report.overrides import override_lines, text_note, with_note

    if loaded.overrides:
        doc.add(Heading("Overrides (--set)"), Bullets(override_lines(loaded)))
    doc.add(Heading("The question"), Paragraph(with_note(result.question, text_note(loaded, "question"))))
    if loaded.scenario.description:
        doc.add(Paragraph(with_note(loaded.scenario.description, text_note(loaded, "description"))))
    doc.add(Heading("The answer"), Paragraph(" ".join(answer(result, params, t)), emphasis=True))
    if result.decisions is not None:
        headline = basis_headline(loaded.scenario, result.decisions)
        doc.add(Paragraph(f"**{headline[0].upper()}{headline[1:]}**."))
    doc.add(
        Paragraph(
            f"Status: **{result.status}**; objective: `{result.objective}` = {fmt(result.objective_value)}."
        )
    )
    from guarantor.report.why import robustness_section, why_section

    robustness_section(doc, result, {k: label for k, (label, _) in _labels(params).items()})
    for name in charts:
        doc.add(Image(name, CHART_CAPTIONS.get(name, name), CHART_CAPTIONS.get(name, "")))
    if result.decisions is not None:
        capabilities = [(k, label, "num") for k, (label, _) in _labels(params).items()]
        doc.add(Heading("Who deploys what"), table_block(t["deployments"], capabilities, index="contributor"))
        paying = t["funding"][(t["funding"]["amount_usd"] > 0) | t["funding"]["gdp_fair_share"].notna()]
        doc.add(Heading("Who pays"), table_block(paying, FUNDING_COLUMNS))
        group = params.group_label(params.share_group("europe_min_troop_share"))
        named = {"europe": group, "europe_minimum": f"minimum for {group}"}
        spec = [(k, named.get(k, header), kind) for k, header, kind in SHARES_COLUMNS]
        shares = table_block(t["shares"], spec, index="share")
        doc.add(Heading("Shares against the policy thresholds"), shares)
        doc.add(Heading("US air support"), table_block(t["tiers"], TIER_COLUMNS))
        if "troops_by_period" in t:
            _timeline_section(doc, t)
        why_section(doc, result)
        _binding_section(doc, result, t["binding"])
    if result.diagnosis is not None:
        _diagnosis_section(doc, result)
    if result.notes:
        doc.add(Heading("Notes"), Bullets(result.notes))
    doc.add(*estimate_blocks(loaded.scenario, result.decisions))
    doc.add(*evidence_blocks(result, params, located_inventory(loaded)))
    doc.add(*sources_appendix(loaded))
    doc.add(
        Heading("Run manifest"),
        Paragraph(
            "Rerun with the same inputs (same `inputs_sha256`) and options to reproduce every file; the "
            "fully merged scenario is stored under `manifest.resolved_scenario` in results.json."
        ),
    )
    doc.add(Table(["field", "value"], _manifest_rows(payload["manifest"]), compact=True))
    return doc


def _timeline_section(doc: Document, t: Mapping[str, pd.DataFrame]) -> None:
    """Per-period tables of a horizon scenario."""
    troops = t["troops_by_period"]
    doc.add(
        Heading("Over time"), table_block(troops, [(c, c, "num") for c in troops.columns], index="period")
    )
    funding = t["funding_by_period"]
    spec = [
        ("europe", "Europe (USD m a year)", "num"),
        ("united_states", "United States", "num"),
        ("other", "Others", "num"),
    ]
    doc.add(table_block(funding, spec, "Annual funding by bloc", index="period"))
    tiers = t["us_tier_by_period"]
    doc.add(
        table_block(
            tiers,
            [("label", "US air support", "text"), ("us_command", "US command", "text")],
            "US role by period",
            index="period",
        )
    )


def _labels(params: Params) -> dict[str, tuple[str, str]]:
    from guarantor.report.tables import capability_labels

    return capability_labels(params)


def _binding_section(doc: Document, result: Result, binding: pd.DataFrame) -> None:
    doc.add(Heading("What binds, and what it costs"))
    if binding.empty:
        doc.add(Paragraph("No policy constraint binds."))
        return
    doc.add(
        Paragraph(
            "Binding constraints hold the plan where it is; the shadow price is how much the objective "
            "changes per unit the limit moves (largest first)."
            + (" " + result.notes[0] if result.duals_method == "fixed_integers" else "")
        ),
        Bullets([e for e in binding["explanation"] if e]),
    )
    doc.add(table_block(binding, BINDING_COLUMNS))


def _diagnosis_section(doc: Document, result: Result) -> None:
    diagnosis = result.diagnosis
    assert diagnosis is not None
    title = "Why the solver found no plan" if diagnosis.numerical else "Why no plan exists"
    doc.add(Heading(title), Paragraph(diagnosis.summary))
    rows = [[r.label, f"{r.amount:,.6g}", r.unit, r.origin] for r in diagnosis.relaxations]
    doc.add(
        Table(
            ["constraint to relax", "by", "unit", "set in"],
            rows,
            frozenset({"by"}),
            "Smallest relaxation that makes the scenario feasible",
        ),
        Paragraph(f"Method: {diagnosis.method}."),
    )
    if diagnosis.conflicting:
        doc.add(
            Paragraph("Constraints in conflict: " + ", ".join(f"`{c}`" for c in diagnosis.conflicting) + ".")
        )
