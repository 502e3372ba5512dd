"""report.md and report.html of an analysis, written from the same blocks so they never disagree."""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

Block = tuple[str, Any]
TITLES = {
    "sweep": "Parameter sweep",
    "sensitivity": "Sensitivity analysis",
    "uncertainty": "Uncertainty analysis",
    "pareto": "Trade-off frontier",
    "alternatives": "Alternative plans",
}


def fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isinf(value):
            return "no limit" if value > 0 else "−no limit"
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"
    return str(value)


def _table(frame: pd.DataFrame, columns: list[str] | None = None, rows: int = 25) -> Block:
    columns = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    return (
        "table",
        (columns, [[fmt(v) for v in r] for r in frame[columns].head(rows).itertuples(index=False)]),
    )


def blocks_for(info: dict[str, Any], tables: dict[str, pd.DataFrame], charts: list[str]) -> list[Block]:
    kind = info["kind"]
    blocks: list[Block] = [
        ("h1", f"{TITLES[kind]}: {info['scenario']}"),
        ("p", f"**Question.** {info['question']}"),
    ]
    blocks += SECTIONS[kind](info, tables)
    blocks += [("h2", "Charts")] + [("img", c) for c in charts]
    blocks += [
        ("h2", "Data"),
        (
            "p",
            "Every table is in `data/` as Parquet and CSV; `guarantor replot` redraws "
            "this report from them without solving.",
        ),
    ]
    for note in info.get("notes", []):
        blocks.append(("p", f"*Note.* {note}"))
    return blocks


def _sweep(info: dict[str, Any], t: dict[str, pd.DataFrame]) -> list[Block]:
    points = t["points"]
    feasible = points[points["feasible"]]
    text = f"{len(points)} points over {', '.join(f'`{a}`' for a in info['axes'])}; {len(feasible)} feasible."
    if len(feasible):
        text += (
            f" Total cost ranges from {fmt(feasible['total_cost_usd_m'].min())} to "
            f"{fmt(feasible['total_cost_usd_m'].max())} USD m."
        )
    found: list[Block] = [("p", text), ("h2", "Where does the US tier change?")]
    tips = t["tipping_points"]
    if len(tips):
        found.append(_table(tips))
    else:
        found.append(("p", "The chosen US tier is the same at every feasible point."))
    columns = [
        *info["axes"],
        "status",
        "us_tier",
        "total_cost_usd_m",
        "europe_troop_share",
        "europe_cost_share",
    ]
    return [*found, ("h2", "Points"), _table(points, columns, rows=60)]


def _sensitivity(info: dict[str, Any], t: dict[str, pd.DataFrame]) -> list[Block]:
    found: list[Block] = [
        (
            "p",
            f"Base optimum {fmt(info['base_objective'])} with US tier `{info['base_tier']}`. Each of "
            f"{info['inputs_moved']} numeric inputs was moved by ±{info['delta']:.0%} on its own; "
            f"{info['inputs_with_effect']} change the model.",
        ),
        ("h2", "Which assumptions matter most?"),
        _table(
            t["tornado"],
            ["label", "base_value", "low_objective", "high_objective", "swing", "low_tier", "high_tier"],
            rows=15,
        ),
    ]
    if "ranging_requirements" in t:
        found += [
            ("h2", "Ranging report (as in Excel Solver)"),
            ("p", info.get("ranging_note") or "Linear program: ranges from the optimal basis."),
            (
                "p",
                "`allowable_*`: how far the number can move before the optimal plan (costs) or the "
                "shadow price (requirements) changes; `basis_*`: where HiGHS's basis changes, which "
                "in degenerate models can come sooner.",
            ),
            _table(
                t["ranging_requirements"],
                [
                    "row",
                    "requirement",
                    "shadow_price",
                    "allowable_increase",
                    "allowable_decrease",
                    "basis_increase",
                    "basis_decrease",
                ],
            ),
            _table(
                t["ranging_costs"][t["ranging_costs"]["value"] > 0],
                [
                    "column",
                    "value",
                    "coefficient",
                    "allowable_increase",
                    "allowable_decrease",
                    "input_increase_pct",
                    "input_decrease_pct",
                ],
            ),
        ]
    found.append(("h2", "Tipping points: when does the chosen US tier change?"))
    tips = t["tipping_points"]
    found.append(
        _table(
            tips, ["label", "base_value", "tipping_value", "change_pct", "tier_below", "tier_above", "note"]
        )
        if len(tips)
        else ("p", "No tipping point found.")
    )
    if "sobol" in t:
        found += [("h2", "Sobol indices"), _table(t["sobol"], ["label", "S1", "S1_conf", "ST", "ST_conf"])]
    return found


def _uncertainty(info: dict[str, Any], t: dict[str, pd.DataFrame]) -> list[Block]:
    m = info["meta"]
    feasible = t["samples"]["feasible"].mean()
    where = f"{m['workers']} worker(s)" if m.get("workers") else f"the Dask cluster at {m['scheduler']}"
    source = (
        "No distributions declared in the scenario: every non-zero cost input varied uniformly "
        f"within ±{info['spread']:.0%}."
        if m["default_distributions"]
        else f"{len(m['distributions'])} distributions declared in the scenario."
    )
    return [
        (
            "p",
            f"{m['samples']:,} samples ({m['sampling']}, seed {m['seed']}), solved on {where} in "
            f"{m['seconds']:.1f} s ({m['solves_per_second']:,} solves/s; {m['method']}). {source}",
        ),
        ("p", f"**Probability that a feasible plan exists: {feasible:.1%}.**"),
        ("h2", "How uncertain is the cost?"),
        _table(t["summary"]),
        ("h2", "How often is each US tier chosen?"),
        _table(t["tier_frequency"]),
        ("h2", "Which inputs drive the outcome?"),
        _table(t["drivers"], rows=12),
        ("h2", "Contributions (5th to 95th percentile)"),
        _table(t["contribution_bands"], rows=40),
    ]


def _alternatives(info: dict[str, Any], t: dict[str, pd.DataFrame]) -> list[Block]:
    at = "at the optimal cost" if info["slack"] == 0 else f"within {info['slack']:.0%} of the optimum"
    c = info["classes"]
    table = t["alternatives"]
    shown = table[table["class"] != "absent"]
    return [
        ("p", f"**{info['headline']}**"),
        (
            "p",
            f"Over every plan {at} (objective at most {fmt(info['objective_bound'])}): {c['firm']} "
            f"contributions are *firm* (the same in every such plan), {c['flexible']} *flexible* (they "
            f"range from min to max, trading with the contributors named) and {c['absent']} *absent* "
            f"(zero in every such plan). {info['resolves']} re-solves of one live HiGHS model in "
            f"{info['seconds']:.2f} s; the reported plan was chosen by the tie-break rule "
            f"`{info['tie_break']}`.",
        ),
        ("h2", "Ranges (firm and flexible contributions)"),
        _table(
            shown,
            ["name", "item", "period", "optimum", "min", "max", "class", "trades_with"]
            if len(info["periods"]) > 1
            else ["name", "item", "optimum", "min", "max", "class", "trades_with"],
            rows=400,
        ),
        ("h2", "Maximally different plans"),
        (
            "p",
            "Plan 0 is the reported plan; the others are extremes of the search chosen to differ most from "
            "it and each other. Every one was verified by the independent checker; `data/plans.csv` lists "
            "each plan's amounts.",
        ),
        _table(t["plan_summary"]),
    ]


def _pareto(info: dict[str, Any], t: dict[str, pd.DataFrame]) -> list[Block]:
    frontier = t["frontier"]
    a, b = info["objectives"]
    found: list[Block] = [
        (
            "p",
            f"{len(frontier)} non-dominated points between **{info['labels'][0]}** and "
            f"**{info['labels'][1]}** (epsilon-constraint on `{info['held']}`).",
        )
    ]
    knee = frontier[frontier["knee"]]
    if len(knee) and len(frontier) > 2:
        k = knee.iloc[0]
        found.append(("p", f"Knee point: {a} = {fmt(k[a])}, {b} = {fmt(k[b])} (US tier `{k['us_tier']}`)."))
    columns = [
        "point",
        a,
        b,
        "knee",
        "us_tier",
        "total_cost_usd_m",
        "europe_troop_share",
        "europe_cost_share",
    ]
    found += [("h2", "Frontier"), _table(frontier, columns, rows=100)]
    found.append(
        (
            "p",
            "Each point's allocation (troops, units and funding by contributor) is in "
            "`data/allocations.csv`.",
        )
    )
    return found


SECTIONS = {
    "sweep": _sweep,
    "sensitivity": _sensitivity,
    "uncertainty": _uncertainty,
    "pareto": _pareto,
    "alternatives": _alternatives,
}


def render_documents(
    info: dict[str, Any], tables: dict[str, pd.DataFrame], charts: list[str]
) -> tuple[str, str]:
    blocks = blocks_for(info, tables, charts)
    return to_markdown(blocks), to_html(blocks, f"{TITLES[info['kind']]}: {info['scenario']}")


def to_markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    for kind, payload in blocks:
        if kind in ("h1", "h2"):
            lines += [f"{'#' if kind == 'h1' else '##'} {payload}", ""]
        elif kind == "p":
            lines += [payload, ""]
        elif kind == "img":
            lines += [f"![{payload}]({payload})", ""]
        else:
            columns, rows = payload
            lines.append("| " + " | ".join(columns) + " |")
            lines.append("|" + "|".join("---" for _ in columns) + "|")
            lines += ["| " + " | ".join(r) + " |" for r in rows]
            lines.append("")
    return "\n".join(lines)


def _inline(text: str) -> str:
    """Escape, then turn **bold**, *italic* and `code` into tags."""
    import re

    out = html.escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"\*(.+?)\*", r"<em>\1</em>", out)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", out)


def to_html(blocks: list[Block], title: str) -> str:
    body = []
    for kind, payload in blocks:
        if kind in ("h1", "h2"):
            body.append(f"<{kind}>{html.escape(payload)}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{_inline(payload)}</p>")
        elif kind == "img":
            body.append(f'<figure><img src="{html.escape(payload)}" alt="{html.escape(payload)}"></figure>')
        else:
            columns, rows = payload
            head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
            cells = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>")
    style = (
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse;font-size:.85rem;margin:1rem 0}"
        "td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:right}img{max-width:100%}"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
