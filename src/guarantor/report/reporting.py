"""Write a solve's report folder: results.json, CSV tables, charts (PNG + SVG), report.md, report.html.

Everything is written into one staging folder that replaces `<parent>/<scenario>/` only
when complete (`atomic.report_folder`), so a failed run never leaves a half-written
report or breaks a good one. Files are deterministic: sorted, rounded, no absolute paths,
and charts saved without timestamps or random ids; only `manifest.created_at` changes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guarantor.answer.results import Result
from guarantor.atomic import report_folder, safe_name, write_json, write_text
from guarantor.model.params import Params, build_params
from guarantor.report.payload import result_payload
from guarantor.scenario.loading import LoadedScenario

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from guarantor.report.compare import Run

CHART_FOLDER = "charts"
METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}
"""No creation dates or software versions inside images, so identical runs give identical bytes."""


def render(fig: Figure, fmt: str) -> bytes:
    """A figure as PNG or SVG bytes, reproducibly."""
    import matplotlib

    buffer = io.BytesIO()
    # a fixed salt makes SVG ids reproducible; glyphs as paths render the same in every browser
    with matplotlib.rc_context(
        {"svg.hashsalt": "guarantor", "svg.fonttype": "path", "font.family": "DejaVu Sans"}
    ):
        fig.savefig(buffer, format=fmt, dpi=150, metadata=METADATA[fmt])
    return buffer.getvalue()


def save_charts(figures: Mapping[str, Figure], folder: Path) -> dict[str, bytes]:
    """Write charts/<name>.png and .svg; return the SVG bytes for inlining in report.html."""
    if figures:
        (folder / CHART_FOLDER).mkdir(exist_ok=True)
    svgs = {}
    for name, fig in figures.items():
        (folder / CHART_FOLDER / f"{name}.png").write_bytes(render(fig, "png"))
        svgs[name] = render(fig, "svg")
        (folder / CHART_FOLDER / f"{name}.svg").write_bytes(svgs[name])
    return svgs


def write_csv(path: Path, table: pd.DataFrame, index: bool = False) -> None:
    """CSV with Unix line endings whatever the platform, so files compare byte for byte."""
    write_text(path, table.to_csv(index=index, lineterminator="\n"))


def solve_figures(t: Mapping[str, pd.DataFrame], params: Params) -> dict[str, Figure]:
    """The five charts of a solve report, from its tables."""
    from guarantor.report import charts
    from guarantor.report.tables import capability_labels

    fair = params.scenario.policy.fair_share
    coverage = {key.split(":", 1)[1]: table for key, table in t.items() if key.startswith("coverage:")}
    return {
        "troops": charts.troops_chart(t["deployments"], capability_labels(params), params.ground),
        "funding": charts.funding_chart(t["funding"], fair.band if fair else None),
        "shares": charts.shares_chart(t["shares"]),
        "coverage": charts.coverage_chart(coverage),
        "tiers": charts.tiers_chart(t["tiers"]),
    }


def write_solve_report(result: Result, loaded: LoadedScenario, parent: Path) -> Path:
    """Write `parent/<scenario>/` atomically and return its path.

    Without a solution (infeasible, time limit) the folder holds results.json and the
    report documents, which explain why there is no plan.
    """
    from guarantor.report.documents import solve_document
    from guarantor.report.markup import to_html, to_markdown
    from guarantor.report.tables import binding_constraints, solve_tables

    params = build_params(loaded.scenario)
    payload = result_payload(result, loaded, params)
    with report_folder(parent, result.scenario) as folder:
        write_json(folder / "results.json", payload)
        svgs: dict[str, bytes] = {}
        if result.decisions is not None:
            t = solve_tables(result, params)
            allocations = t["allocations"].drop(columns="period") if len(result.periods) == 1 else None
            write_csv(folder / "allocations.csv", t["allocations"] if allocations is None else allocations)
            write_csv(folder / "funding.csv", t["funding"])
            figures = solve_figures(t, params)
            if params.multi_period:
                from guarantor.report.timeline import timeline_figures, timeline_tables

                timeline = timeline_tables(result, params)
                t = {**t, **timeline}
                for name, table in timeline.items():
                    write_csv(folder / f"{name}.csv", table, index=True)
                figures.update(timeline_figures(timeline, params))
            svgs = save_charts(figures, folder)
        else:
            t = {"binding": binding_constraints(result)}
        doc = solve_document(result, loaded, params, t, payload, list(svgs))
        write_text(folder / "report.md", to_markdown(doc, CHART_FOLDER))
        write_text(folder / "report.html", to_html(doc, svgs))
    return parent / safe_name(result.scenario)


COMPARE_CSV = {
    "summary": "summary.csv",
    "troops": "troops.csv",
    "funding": "funding_usd_m.csv",
    "binding": "binding_shadow_prices.csv",
    "input_diff": "input_diff.csv",
}


def compare_folder_name(names: list[str]) -> str:
    """`compare-<a>-<b>...`, sanitised by `atomic.safe_name` like every output name."""
    return safe_name("compare-" + "-".join(safe_name(n) for n in names))


def write_compare_report(runs: list[Run], parent: Path) -> tuple[Path, dict[str, Any]]:
    """Write `parent/compare-<names>/` atomically; return its path and comparison.json's content."""
    import datetime as dt

    from guarantor.report.compare import compare_document, compare_figures, compare_payload, compare_tables
    from guarantor.report.markup import to_html, to_markdown

    t = compare_tables(runs)
    created_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    payload = compare_payload(runs, t, created_at)
    name = compare_folder_name([run.name for run in runs])
    with report_folder(parent, name) as folder:
        write_json(folder / "comparison.json", payload)
        for key, file in COMPARE_CSV.items():
            write_csv(folder / file, t[key], index=True)
        svgs = save_charts(compare_figures(t), folder)
        doc = compare_document(runs, t, payload, list(svgs))
        write_text(folder / "report.md", to_markdown(doc, CHART_FOLDER))
        write_text(folder / "report.html", to_html(doc, svgs))
    return parent / name, payload
