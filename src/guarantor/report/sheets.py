"""Which sheets each report.xlsx holds, with headers that name units: solve, compare, evaluate, analyses.

`xlsx` writes sheets; this module decides what they are, from the same tables that feed
the CSV files, charts and documents, so the workbook never disagrees with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from guarantor.report.xlsx import Column, Sheet, frame_sheets, key_values, manifest_sheet

if TYPE_CHECKING:
    import pandas as pd

    from guarantor.answer.results import Result
    from guarantor.model.params import Params
    from guarantor.report.compare import Run
    from guarantor.scenario.loading import LoadedScenario

T = "text"
FUNDING: list[Column] = [
    Column("contributor", "contributor id", T),
    Column("name", "contributor", T),
    Column("bloc", "bloc", T),
    Column("amount_usd", "pays (USD, whole horizon)", "usd"),
    Column("share", "share of the bill (%)", "fraction"),
    Column("share_of_gdp", "share of GDP a year (%)", "fraction3"),
    Column("gdp_fair_share", "GDP fair share (%)", "fraction"),
    Column("shared_bill_share", "share of the shared bill (%)", "fraction"),
    Column("deviation", "vs fair share (share points, fraction)", "fraction"),
    Column("relative_deviation", "vs fair share (relative, %)", "fraction"),
]
SHARES = [
    Column("europe", "Europe (%)", "fraction"),
    Column("other", "other partners (%)", "fraction"),
    Column("united_states", "United States (%)", "fraction"),
    Column("europe_minimum", "Europe's policy minimum (%)", "fraction"),
]
TIERS = [
    Column("label", "US air-support tier", T),
    Column("annual_cost_usd_m", "annual cost (USD m)", "usd_m"),
    Column("escalation_risk", "escalation risk (points)", "number"),
    Column("allowed", "allowed", "bool"),
    Column("chosen", "chosen", "bool"),
    Column("chosen_in", "chosen in periods", T),
]
BINDING = [
    Column("label", "constraint", T),
    Column("family", "family", T),
    Column("price", "shadow price (scenario units)", "price_usd"),
    Column("price_unit", "shadow price unit", T),
    Column("shadow_price", "dual value (objective units per unit of the row)", "number"),
    Column("unit", "row unit", T),
    Column("origin", "set in (file:line)", T),
    Column("explanation", "explanation", T),
]
FIGURES = [
    Column("figure", "figure (key path)", T),
    Column("value", "value", "number"),
    Column("basis", "basis", T),
    Column("grade", "source grade", T),
    Column("source", "source key", T),
    Column("citation", "citation", T),
    Column("year", "year", "count"),
    Column("url", "url", T),
    Column("assumption", "assumption", T),
    Column("note", "note", T),
    Column("set_in", "set in (file:line)", T),
]
REDUCED_COSTS = [
    Column("contributor", "contributor id", T),
    Column("capability", "capability", T),
    Column("period", "period", T),
    Column("reduced_cost", "reduced cost (objective units per unit)", "number"),
    Column("explanation", "explanation", T),
]
SOURCES = [
    Column("key", "source key", T),
    Column("grade", "grade", T),
    Column("citation", "citation", T),
    Column("year", "year", "count"),
    Column("url", "url", T),
    Column("figures", "figures citing it (count)", "count"),
]
SCENARIO_FIGURES = [
    Column("input", "input (key path)", T),
    Column("value", "value", "number"),
    Column("set_in", "set in (file:line or --set)", T),
]


def _summary(rows: list[tuple[str, Any, str]]) -> Sheet:
    import pandas as pd

    table = pd.DataFrame(rows, columns=["field", "value", "unit"], dtype=object)
    return Sheet(
        "Summary",
        table,
        [Column("field", "field", T), Column("value", "value", "number"), Column("unit", "unit", T)],
    )


def solve_summary_rows(result: Result, params: Params, loaded: LoadedScenario) -> list[tuple[str, Any, str]]:
    """The headline figures of a solve, typed (numbers as numbers), with their units."""
    rows: list[tuple[str, Any, str]] = [
        ("scenario", result.scenario, ""),
        ("question", result.question, ""),
        ("status", str(result.status), ""),
        ("objective", result.objective, ""),
    ]
    rows += [("override (--set)", text, "") for text in loaded.overrides]
    m, d = result.metrics, result.decisions
    if m is not None and d is not None:
        first = result.periods[0]
        tier = next((t.label for t in params.tiers if t.id == d.tier[first]), d.tier[first])
        rows += [
            (
                "total cost",
                round(m.total_cost_usd_m, 1),
                "USD m" + (" a year" if len(result.periods) == 1 else ""),
            ),
            ("US cost", round(m.us_cost_usd_m, 1), "USD m"),
            (
                "troops deployed",
                round(m.deployed_force),
                "troops" if len(result.periods) == 1 else "troop-years",
            ),
            ("US air support (first period)", tier, ""),
            ("US leads command and control", "yes" if d.us_command[first] else "no", ""),
            ("Europe's troop share", round(m.europe_troop_share, 6), "fraction (0-1)"),
            ("Europe's cost share", round(m.europe_cost_share, 6), "fraction (0-1)"),
            ("US cost share", round(m.us_cost_share, 6), "fraction (0-1)"),
            ("escalation risk", m.escalation_risk, "points"),
        ]
    if result.diagnosis is not None:
        rows.append(("diagnosis", result.diagnosis.summary, ""))
    return rows


def solve_sheets(
    result: Result,
    loaded: LoadedScenario,
    params: Params,
    t: Mapping[str, pd.DataFrame],
    manifest: Mapping[str, Any],
) -> list[Sheet]:
    """Every sheet of a solve report in order: the answer's tables, the inputs, the manifest."""
    return [*answer_sheets(result, loaded, params, t), *input_sheets(loaded), manifest_sheet(manifest)]


def input_sheets(loaded: LoadedScenario) -> list[Sheet]:
    """The scenario's inputs with their provenance, which need no answer (written during the solve)."""
    from guarantor.report.inputs import scenario_figures, source_list, sourced_figures

    figures = sourced_figures(loaded)
    return source_sheets(loaded, scenario_figures(loaded), figures, source_list(loaded, figures))


Decided = tuple[list[Sheet], list[Sheet]]
"""The sheets made from the decisions alone: those after the summary, those after the reduced costs."""


def decision_sheets(result: Result, params: Params, t: Mapping[str, pd.DataFrame]) -> Decided:
    """Who sends what and pays what, shares, coverage, the US tier, and the horizon's tables:
    nothing in them needs the explanations, so a report worker writes them while the command
    still explains and checks the answer (`workbook.workbook_ahead_job`)."""
    from guarantor.report.tables import amount_kinds, capability_labels

    first: list[Sheet] = []
    labels, kinds = capability_labels(params), amount_kinds(params)
    capability_columns = [Column(k, f"{label} ({unit})", kinds[k]) for k, (label, unit) in labels.items()]
    if "allocations" in t:
        head = [
            Column("contributor", "contributor id", T),
            Column("name", "contributor", T),
            Column("bloc", "bloc", T),
        ]
        if len(result.periods) > 1:
            head.append(Column("period", "period", T))
        first.append(Sheet("Allocations", t["allocations"], head + capability_columns))
        first.append(Sheet("Funding", t["funding"], FUNDING))
        first.append(Sheet("Shares", t["shares"], SHARES, index="share of"))
        for key, table in t.items():
            if key.startswith("coverage:"):
                spec = [Column("label", "capability", T), Column("unit", "unit", T)] + [
                    Column(c, f"{c.replace('_', ' ')} (capability units)", "amount")
                    for c in (
                        "requirement",
                        "europe",
                        "other",
                        "united_states",
                        "us_tier",
                        "us_command",
                        "provided",
                    )
                ]
                first.append(Sheet(f"Coverage {key.split(':', 1)[1]}", table, spec))
        first.append(Sheet("US tiers", t["tiers"], TIERS))
    later: list[Sheet] = []
    if "troops_by_period" in t:
        troops = t["troops_by_period"]
        unit = "troops"
        later.append(
            Sheet(
                "Troops by period",
                troops,
                [Column(str(c), f"{c} ({unit})", kinds.get(params.ground, "count")) for c in troops.columns],
                index="period",
            )
        )
        funding = t["funding_by_period"]
        later.append(
            Sheet(
                "Funding by period",
                funding,
                [
                    Column(str(c), f"{str(c).replace('_', ' ')} (USD m a year)", "usd_m")
                    for c in funding.columns
                ],
                index="period",
            )
        )
        later.append(Sheet("US role by period", t["us_tier_by_period"], None, index="period"))
    return first, later


def answer_sheets(
    result: Result,
    loaded: LoadedScenario,
    params: Params,
    t: Mapping[str, pd.DataFrame],
    decided: Decided | None = None,
) -> list[Sheet]:
    """Every table of the answer, one sheet each, the summary first; `decided`: the
    `decision_sheets`, when they were made already."""
    import pandas as pd

    first, later = decided if decided is not None else decision_sheets(result, params, t)
    sheets = [_summary(solve_summary_rows(result, params, loaded)), *first]
    binding = t.get("binding")
    if binding is not None and len(binding):
        sheets.append(Sheet("Binding constraints", binding, BINDING))
    if result.reduced_costs:
        rows = [vars(r) for r in result.reduced_costs]
        sheets.append(Sheet("Reduced costs", pd.DataFrame(rows), REDUCED_COSTS))
    sheets += later
    known = {
        "allocations",
        "deployments",
        "funding",
        "shares",
        "tiers",
        "binding",
        "troops_by_period",
        "funding_by_period",
        "us_tier_by_period",
    }
    for key, table in t.items():
        if key not in known and not key.startswith("coverage:") and hasattr(table, "columns"):
            sheets.append(Sheet(key.replace("_", " ").capitalize(), table))  # e.g. alternatives
    if result.diagnosis is not None:
        relax = pd.DataFrame([vars(r) for r in result.diagnosis.relaxations])
        sheets.append(
            Sheet("Diagnosis", relax if len(relax) else pd.DataFrame({"summary": [result.diagnosis.summary]}))
        )
    if result.notes:
        sheets.append(Sheet("Notes", pd.DataFrame({"note": result.notes}), [Column("note", "note", T)]))
    return sheets


def source_sheets(
    loaded: LoadedScenario, scenario: pd.DataFrame, figures: pd.DataFrame, sources: pd.DataFrame
) -> list[Sheet]:
    """The inputs with their provenance: scenario numbers, model figures with grades, the bibliography."""
    entries = loaded.resolved.read_only()["model"].get("sources", {})
    grades = {k: (v or {}).get("grade", "") for k, v in entries.items()}
    if "grade" not in figures.columns:
        figures = figures.assign(grade=[grades.get(s, "") for s in figures["source"]])
    if "grade" not in sources.columns:
        sources = sources.assign(grade=[grades.get(k, "") for k in sources["key"]])
    return [
        Sheet("Scenario inputs", scenario, SCENARIO_FIGURES),
        Sheet("Model figures", figures, FIGURES),
        Sheet("Sources", sources, SOURCES),
    ]


def compare_sheets(
    runs: list[Run], t: Mapping[str, pd.DataFrame], manifest: Mapping[str, Any]
) -> list[Sheet]:
    """A comparison: summary, troops and funding per contributor, binding prices, input differences."""
    from guarantor.report.compare import SUMMARY_ROWS

    kinds = {"usd_m": "usd_m", "pct": "fraction", "int": "count", "num": "number", "text": T}
    units = {"usd_m": " (USD m)", "pct": " (%)", "int": "", "num": "", "text": ""}
    summary = [Column(col, label + units[kind], kinds[kind]) for col, label, kind in SUMMARY_ROWS]
    names = [run.name for run in runs]
    sheets = [
        Sheet("Summary", t["summary"], summary, index="scenario"),
        Sheet(
            "Troops", t["troops"], [Column(n, f"{n} (troops)", "count") for n in names], index="contributor"
        ),
        Sheet(
            "Funding", t["funding"], [Column(n, f"{n} (USD m)", "usd_m") for n in names], index="contributor"
        ),
        Sheet(
            "Binding constraints",
            t["binding"],
            [Column(n, f"{n} (shadow price, USD per unit)", "price_usd") for n in names],
            index="constraint",
        ),
        Sheet(
            "Input differences",
            t["input_diff"],
            [Column(n, n, "number") for n in names],
            index="input (key path)",
        ),
    ]
    sheets.append(manifest_sheet(manifest))
    return sheets


def evaluation_sheets(data: Mapping[str, Any]) -> list[Sheet]:
    """`guarantor evaluate`: the verdict, the violations, what the optimiser added, the decisions."""
    import pandas as pd

    rows: list[tuple[str, Any, str]] = [
        ("scenario", data["scenario"], ""),
        ("plan", data["plan"], ""),
        ("feasible", "yes" if data["feasible"] else "no", ""),
        ("total cost", data["total_cost_usd"], "USD"),
    ]
    rows += [(f"share: {k.replace('_', ' ')}", v, "fraction (0-1)") for k, v in data["shares"].items()]
    distance = data.get("distance_from_optimum") or {}
    rows += [
        (label, distance[key], unit)
        for key, label, unit in (
            ("optimum_total_cost_usd", "optimum total cost", "USD"),
            ("above_optimum_usd", "above the optimum", "USD"),
            ("above_optimum_pct", "above the optimum", "% of the optimum"),
        )
        if distance.get(key) is not None
    ]
    sheets = [_summary(rows)]
    if distance.get("moved"):
        moved = pd.DataFrame({"moved from the optimum": distance["moved"]})
        sheets.append(
            Sheet(
                "Moved from optimum", moved, [Column("moved from the optimum", "moved from the optimum", T)]
            )
        )
    violations = pd.DataFrame(data["violations"], columns=["rule", "message", "amount", "unit", "origin"])
    sheets.append(
        Sheet(
            "Violations",
            violations,
            [
                Column("rule", "rule", T),
                Column("amount", "by how much", "number"),
                Column("unit", "unit", T),
                Column("origin", "set in (file:line)", T),
                Column("message", "detail", T),
            ],
        )
    )
    added = pd.DataFrame({"completed by the optimiser": data.get("added_by_optimiser", [])})
    sheets.append(
        Sheet(
            "Completed by optimiser",
            added,
            [Column("completed by the optimiser", "completed by the optimiser", T)],
        )
    )
    amounts = pd.DataFrame(
        data["decisions"]["amounts"], columns=["contributor", "capability", "period", "amount"]
    )
    sheets.append(
        Sheet(
            "Decisions",
            amounts,
            [
                Column("contributor", "contributor id", T),
                Column("capability", "capability", T),
                Column("period", "period", T),
                Column("amount", "amount (capability units)", "amount"),
            ],
        )
    )
    funding = pd.DataFrame(
        data["decisions"]["funding_usd_m"], columns=["contributor", "period", "funding_usd_m"]
    )
    sheets.append(Sheet("Decided funding", funding))
    sheets.append(manifest_sheet(data.get("manifest", {})))
    return sheets


def analysis_sheets(
    info: Mapping[str, Any], tables: Mapping[str, pd.DataFrame], manifest: Mapping[str, Any]
) -> list[Sheet]:
    """An analysis (sweep, sensitivity, uncertainty, pareto, alternatives): settings, then its tables."""
    scalars = [
        (k, v)
        for k, v in info.items()
        if isinstance(v, str | int | float | bool)
        or (isinstance(v, list) and all(isinstance(i, str | int | float) for i in v))
    ]
    settings = Sheet(
        "Settings", key_values(scalars), [Column("field", "field", T), Column("value", "value", "number")]
    )
    small = {key: table for key, table in tables.items() if table.size <= MAX_SHEET_CELLS}
    large = [(key, table) for key, table in tables.items() if table.size > MAX_SHEET_CELLS]
    sheets = [settings, *frame_sheets(small)]
    if large:
        import pandas as pd

        files = pd.DataFrame(
            {
                "table": [key for key, _ in large],
                "rows": [len(table) for _, table in large],
                "columns": [len(table.columns) for _, table in large],
                "file": [f"data/{key}.csv (and .parquet)" for key, _ in large],
            }
        )
        sheets.append(Sheet("Large tables", files))
    return [*sheets, manifest_sheet(manifest)]


MAX_SHEET_CELLS = 100_000
"""Tables larger than this (10,000 uncertainty samples x 130 columns: 1.3 million cells) stay out of
report.xlsx, which lists them in a "Large tables" sheet: written cell by cell they took ~15 s, longer
than the 10,000 solves, and they are in data/ as CSV and Parquet, which spreadsheets and pandas open."""
