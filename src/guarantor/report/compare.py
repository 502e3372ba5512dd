"""Scenarios side by side: cost, US tier, shares, troops and funding per contributor, what binds.

Tables here have one column per scenario so that they read as a comparison and feed the
grouped-bar charts directly; the input diff comes from `inputs.input_diff`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from guarantor.answer.basis import BASIS_NAMES, costs_by_basis, has_incremental
from guarantor.answer.explain import DEFINITIONAL
from guarantor.answer.results import Result
from guarantor.model.params import Params
from guarantor.report.markup import Document, Heading, Image, Paragraph, Table
from guarantor.scenario.loading import LoadedScenario

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

SUMMARY_ROWS = [
    ("status", "status", "text"),
    ("total_cost_usd_m", "total cost", "usd_m"),
    ("cost_basis", "cost basis optimised", "text"),
    ("full_cost_usd_m", "fully loaded cost a year", "usd_m"),
    ("incremental_cost_usd_m", "incremental cost a year", "usd_m"),
    ("europe_group", "who counts as Europe", "text"),
    ("us_tier", "US air support (first period)", "text"),
    ("us_command", "US leads command and control", "text"),
    ("europe_troops", "Europe's troop share", "pct"),
    ("europe_cost", "Europe's cost share", "pct"),
    ("us_cost", "US cost share", "pct"),
    ("deployed_force", "troops deployed (troop-years)", "int"),
    ("escalation_risk", "escalation risk", "num"),
    ("binding", "binding policy constraints", "int"),
]
"""(summary column, row label, `documents.fmt` kind) in the order the comparison shows them."""


@dataclass(frozen=True)
class Run:
    """One solved scenario of a comparison, under a name unique within it."""

    name: str
    loaded: LoadedScenario
    params: Params
    result: Result


def unique_names(names: Sequence[str]) -> list[str]:
    """Scenario names, with `#2`, `#3` appended to repeats (same file compared with itself)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


def summary(runs: Sequence[Run]) -> pd.DataFrame:
    """One row per scenario: status, total cost, US role, shares, force, risk."""
    import pandas as pd

    rows = []
    for run in runs:
        r, m, d = run.result, run.result.metrics, run.result.decisions
        tiers = {t.id: t.label for t in run.params.tiers}
        binding = [c for c in r.binding if c.family not in DEFINITIONAL]
        bases = costs_by_basis(run.loaded.scenario, d) if d else {}
        if not has_incremental(run.loaded.scenario):
            bases.pop("incremental", None)
        p = run.params
        rows.append(
            {
                "scenario": run.name,
                "status": str(r.status),
                "total_cost_usd_m": m.total_cost_usd_m if m else None,
                "cost_basis": BASIS_NAMES[p.basis],
                "full_cost_usd_m": bases.get("full"),
                "incremental_cost_usd_m": bases.get("incremental")
                if has_incremental(run.loaded.scenario)
                else None,
                "europe_group": p.group_label(p.share_group("europe_min_troop_share")),
                "us_tier": tiers[d.tier[r.periods[0]]] if d else None,
                "us_command": d.us_command[r.periods[0]] if d else None,
                "europe_troops": m.europe_troop_share if m else None,
                "europe_cost": m.europe_cost_share if m else None,
                "us_cost": m.us_cost_share if m else None,
                "deployed_force": m.deployed_force if m else None,
                "escalation_risk": m.escalation_risk if m else None,
                "binding": len(binding) if d else None,
            }
        )
    return pd.DataFrame(rows).set_index("scenario")


def by_contributor(runs: Sequence[Run], what: str) -> pd.DataFrame:
    """Troops (peak) or funding (USD m, whole horizon) per contributor; rows that are all zero dropped."""
    import pandas as pd

    columns: dict[str, dict[str, float]] = {}
    names: dict[str, str] = {}
    for run in runs:
        r, d = run.result, run.result.decisions
        names.update({c.id: c.name for c in run.params.contributors})
        if what == "troops":
            columns[run.name] = r.troops(run.params)
        elif d is not None:
            columns[run.name] = {
                c.id: sum(d.funding.get((c.id, p), 0.0) for p in r.periods) for c in run.params.contributors
            }
        else:
            columns[run.name] = {}
    table = pd.DataFrame(columns, index=list(names), columns=[run.name for run in runs], dtype="float64")
    solved = [run.name for run in runs if run.result.decisions is not None]
    table[solved] = table[solved].fillna(0.0)
    table = table.round(6)
    table.index = [names[c] for c in table.index]
    return table[(table.fillna(0.0) != 0).any(axis=1)]


def binding(runs: Sequence[Run]) -> pd.DataFrame:
    """Shadow price of each binding policy constraint per scenario, in the scenario's units (summed over
    periods; NaN: slack)."""
    import pandas as pd

    prices: dict[str, dict[str, float]] = {}
    for run in runs:
        for c in run.result.binding:
            if c.family in DEFINITIONAL:
                continue
            label = c.label
            for period in run.result.periods:
                label = label.removesuffix(f" ({period})")
            column = prices.setdefault(run.name, {})
            column[label] = column.get(label, 0.0) + (c.price or 0.0)  # scenario units (USD per ...)
    table = pd.DataFrame(prices, columns=[run.name for run in runs], dtype="float64").round(6)
    strength = table.abs().max(axis=1)
    return table.loc[sorted(table.index, key=lambda label: (-strength[label], label))]


def compare_tables(runs: Sequence[Run]) -> dict[str, pd.DataFrame]:
    """Every table of a comparison report, the input diff included."""
    from guarantor.report.inputs import input_diff

    return {
        "summary": summary(runs),
        "troops": by_contributor(runs, "troops"),
        "funding": by_contributor(runs, "funding"),
        "binding": binding(runs),
        "input_diff": input_diff({run.name: run.loaded for run in runs}),
    }


def compare_figures(t: dict[str, pd.DataFrame]) -> dict[str, Figure]:
    """Grouped bars across the solved scenarios: total cost, shares, troops and funding per contributor."""
    from guarantor.report.charts import grouped_bars

    s = t["summary"].dropna(subset=["total_cost_usd_m"])
    solved = list(s.index)
    if not solved:
        return {}
    cost = s[["total_cost_usd_m"]].astype("float64").T / 1e3
    cost.index = ["Total cost"]
    shares = s[["europe_troops", "europe_cost", "us_cost"]].astype("float64").T
    shares.index = ["Europe's troop share", "Europe's cost share", "US cost share"]
    return {
        "compare_cost": grouped_bars(cost, "Which scenario costs least?", "USD bn"),
        "compare_shares": grouped_bars(shares, "Does Europe carry the lion's share in each?", "%", True),
        "compare_troops": grouped_bars(t["troops"][solved], "Who deploys troops in each scenario?", "troops"),
        "compare_funding": grouped_bars(t["funding"][solved] / 1e3, "Who pays in each scenario?", "USD bn"),
    }


def compare_payload(runs: Sequence[Run], t: dict[str, pd.DataFrame], created_at: str) -> dict[str, Any]:
    """comparison.json: the tables as plain JSON plus each scenario's manifest essentials."""
    import json

    from guarantor import __version__

    def records(table: pd.DataFrame) -> Any:
        return json.loads(table.to_json(orient="index", double_precision=10))

    return {
        "scenarios": [run.name for run in runs],
        "summary": records(t["summary"]),
        "troops": records(t["troops"]),
        "funding_usd_m": records(t["funding"]),
        "binding_shadow_prices": records(t["binding"]),
        "input_diff": records(t["input_diff"]),
        "manifest": {
            "guarantor_version": __version__,
            "runs": [
                {
                    "scenario": run.name,
                    "scenario_file": run.loaded.path,
                    "inputs_sha256": run.loaded.resolved.sha256(),
                    "solver": run.result.solver,
                    "solver_version": run.result.solver_version,
                    "options": run.result.options,
                }
                for run in runs
            ],
            "created_at": created_at,
        },
    }


def compare_document(
    runs: Sequence[Run], t: dict[str, pd.DataFrame], payload: dict[str, Any], charts: Sequence[str]
) -> Document:
    """report.md / report.html of a comparison."""
    from guarantor.report.documents import fmt, table_block

    names = [run.name for run in runs]
    doc = Document("Guarantor comparison: " + " vs ".join(names))
    doc.add(Heading("The scenarios"))
    doc.add(
        Table(["scenario", "question", "file"], [[r.name, r.result.question, r.loaded.path] for r in runs])
    )
    s = t["summary"]
    solved = s.dropna(subset=["total_cost_usd_m"]).sort_values("total_cost_usd_m", kind="stable")
    cost = solved["total_cost_usd_m"]
    if len(solved):
        doc.add(
            Paragraph(
                f"Cheapest: **{solved.index[0]}** at {fmt(cost.iloc[0], 'usd_m')}; "
                f"most expensive: **{solved.index[-1]}** at {fmt(cost.iloc[-1], 'usd_m')}. "
                f"{len(t['input_diff'])} inputs differ between the scenarios (listed below).",
                emphasis=True,
            )
        )
    rows = [[label, *(fmt(s.loc[n, column], kind) for n in names)] for column, label, kind in SUMMARY_ROWS]
    doc.add(Heading("At a glance"), Table(["", *names], rows, frozenset(names)))
    for name in charts:
        doc.add(Image(name, name.removeprefix("compare_").capitalize() + " across scenarios"))
    if s["total_cost_usd_m"].isna().any():
        doc.add(Paragraph("Scenarios without a solution are left out of the charts."))
    int_columns = [(n, n, "int") for n in names]
    doc.add(Heading("Troops by contributor"), table_block(t["troops"], int_columns, index="contributor"))
    usd_columns = [(n, n, "usd_m") for n in names]
    doc.add(Heading("Funding by contributor"), table_block(t["funding"], usd_columns, index="contributor"))
    doc.add(
        Heading("What binds"),
        Paragraph(
            "Shadow price of each binding policy constraint (summed over periods) in the scenario's units: "
            "USD per unit of the constraint (per troop, per battery), per point for Europe's shares; "
            "– means it does not bind."
        ),
    )
    doc.add(table_block(t["binding"], [(n, n, "num") for n in names], index="constraint"))
    doc.add(
        Heading("Inputs that differ"),
        Paragraph(
            "Values of the fully merged scenarios (base model, `extends:`, `model_overrides`, `--set`) that "
            "differ; an empty cell means the key is absent from that scenario."
        ),
    )
    doc.add(table_block(t["input_diff"], [(n, n, "num") for n in names], index="input"))
    manifest = payload["manifest"]
    rows = [
        [m["scenario"], m["scenario_file"], m["inputs_sha256"], f"{m['solver']} {m['solver_version']}"]
        for m in manifest["runs"]
    ]
    doc.add(Heading("Run manifest"), Table(["scenario", "file", "inputs_sha256", "solver"], rows))
    doc.add(Paragraph(f"Guarantor {manifest['guarantor_version']}; created at {manifest['created_at']}."))
    return doc
