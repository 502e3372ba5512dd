"""Write an analysis report folder atomically, and re-plot one from its saved data without solving.

Layout of `<out>/<scenario>-<kind>/`:
    analysis.json   what was run (kind, settings, summary numbers) - enough to re-plot
    manifest.json   reproducibility: inputs hash, seed, versions of every library involved
    data/*.parquet  every table (and the same as CSV for spreadsheets)
    charts/*.png, charts/*.svg
    report.md, report.html
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guarantor.analysis import charts, uncertainty_charts
from guarantor.analysis.documents import render_documents
from guarantor.analysis.labels import names_of
from guarantor.atomic import report_folder, safe_name, write_json, write_text
from guarantor.errors import GuarantorError
from guarantor.report.numbers import csv_text
from guarantor.scenario.yamlio import read_limited

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from guarantor.report.rendering import ChartJob
    from guarantor.scenario.loading import LoadedScenario

LIBRARIES = (
    "guarantor",
    "highspy",
    "pulp",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "matplotlib",
    "SALib",
    "dask",
)


def versions() -> dict[str, str]:
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def folder_name(scenario: str, kind: str, about: list[str] | None = None) -> str:
    """`<scenario>-<kind>[-<what varied>]`, so different sweeps do not overwrite each other."""
    skip = {"model", "value", "contributors", "capabilities", "us_air_support_tiers", "requirements"}
    parts = ["_".join(part for part in path.split(".") if part not in skip) for path in about or []]
    return safe_name("-".join([scenario, kind, *parts]))


def write_analysis(
    kind: str,
    loaded: LoadedScenario,
    tables: dict[str, pd.DataFrame],
    info: dict[str, Any],
    parent: Path,
    about: list[str] | None = None,
    pool: Any = None,
) -> Path:
    """Write data, manifest, charts and documents of one analysis; return the folder.

    With `pool` (the command's worker pool, idle once the solving is done) the charts are
    drawn by its workers while this process writes the data files.
    """
    from guarantor.report.numbers import clean_tree
    from guarantor.report.payload import manifest

    name = folder_name(loaded.scenario.name, kind, about)
    info = {"kind": kind, "scenario": loaded.scenario.name, "question": loaded.scenario.question, **info}
    info.setdefault("names", names_of(loaded.scenario.model))
    with report_folder(parent, name) as staging:
        drawn = start_charts(info, tables, pool) if pool is not None else None
        data = staging / "data"
        data.mkdir()
        large = {k: t for k, t in tables.items() if pool is not None and t.size > LARGE_CSV_CELLS}
        texts = {k: pool.apply_async(csv_text, (t,)) for k, t in large.items()}  # beside the charts
        for key, table in tables.items():
            write_table(table, data / key, texts[key].get if key in texts else None)
        info["tables"] = list(tables)
        write_json(staging / "analysis.json", clean_tree(info))  # no float noise in the summary
        settings: dict[str, Any] = {k: info.get(k) for k in ("options", "seed") if k in info}
        extra = {"analysis": kind, "seed": info.get("seed"), "library_versions": versions()}
        write_json(staging / "manifest.json", manifest(loaded, settings, "highs", "", extra))
        render(staging, info, tables, drawn)
    from guarantor.report.index import write_index

    write_index(parent)
    return parent / name


LARGE_CSV_CELLS = 100_000
"""Tables this large (10,000 samples: 1.3 million cells, ~2 s of text) get their CSV text made on
an idle worker of the command's pool while the parent writes everything else."""


def write_table(table: pd.DataFrame, stem: Path, text: Callable[[], str] | None = None) -> None:
    """Parquet (types kept, for replot) and CSV (for spreadsheets, rounded by kind like every other
    CSV); `text` collects CSV text made elsewhere (`csv_text` of the same table)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = pa.Table.from_pandas(table, preserve_index=False)
    pq.write_table(arrow, stem.with_suffix(".parquet"))
    write_text(stem.with_suffix(".csv"), text() if text is not None else csv_text(table))


def load_analysis(folder: Path) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Read back what `write_analysis` saved (no solving)."""
    import pandas as pd

    path = folder / "analysis.json"
    if not path.is_file():
        raise GuarantorError(f"{folder} is not an analysis folder (no analysis.json)")
    try:
        info = json.loads(read_limited(path, str(path), "analysis.json").decode("utf-8"))
        names = info["tables"]
        kind = info["kind"]
        if not isinstance(names, list) or not all(isinstance(n, str) and n.isidentifier() for n in names):
            raise ValueError("`tables` is not a list of table names")
        tables = {key: pd.read_parquet(folder / "data" / f"{key}.parquet") for key in names}
    except (ValueError, KeyError, TypeError, OSError) as error:
        if isinstance(error, KeyError):
            what = f"missing key {error}"
        elif isinstance(error, OSError):
            what = f"cannot read {error.filename}: {error.strerror or error}"
        else:
            what = str(error)
        raise GuarantorError(
            f"{path} is damaged ({what[:200]}); re-run the analysis to write it again"
        ) from None
    if kind not in ("sweep", "sensitivity", "uncertainty", "pareto"):
        raise GuarantorError(f"{path}: unknown analysis kind {str(kind)[:40]!r}; re-run the analysis")
    return info, tables


def replot(folder: Path) -> Path:
    """Redraw charts and documents of a saved analysis from its data (atomically)."""
    folder = folder.resolve()
    info, tables = load_analysis(folder)
    with report_folder(folder.parent, folder.name) as staging:
        shutil.copytree(folder / "data", staging / "data")
        for name in ("analysis.json", "manifest.json"):
            if (folder / name).exists():
                shutil.copy2(folder / name, staging / name)
        render(staging, info, tables)
    return folder


def render(
    folder: Path,
    info: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    drawn: Callable[[], dict[str, dict[str, bytes]]] | None = None,
) -> None:
    """Charts (PNG + deterministic SVG) and report.md / report.html.

    `drawn` collects charts already started elsewhere (`start_charts`); without it they are
    drawn here.
    """
    rendered = drawn() if drawn is not None else start_charts(info, tables)()
    out = folder / "charts"
    out.mkdir(exist_ok=True)
    for name, files in rendered.items():
        for fmt, data in files.items():
            (out / f"{name}.{fmt}").write_bytes(data)
    markdown, html = render_documents(info, tables, [f"charts/{n}.svg" for n in rendered])
    write_text(folder / "report.md", markdown)
    write_text(folder / "report.html", html)
    write_analysis_workbook(folder, info, tables)


def write_analysis_workbook(folder: Path, info: dict[str, Any], tables: dict[str, pd.DataFrame]) -> None:
    """report.xlsx: the settings, every table (typed, units in headers) and the manifest."""
    from guarantor.report.sheets import analysis_sheets
    from guarantor.report.xlsx import write_workbook

    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    write_workbook(
        folder / "report.xlsx", analysis_sheets(info, tables, manifest), manifest.get("created_at")
    )


def start_charts(
    info: dict[str, Any], tables: dict[str, pd.DataFrame], pool: Any = None
) -> Callable[[], dict[str, dict[str, bytes]]]:
    """Start drawing an analysis's charts, on `pool` (a running worker pool) when given, and
    return what collects them: the parent writes the data files meanwhile."""
    from guarantor.report.rendering import ChartRenderer

    jobs = chart_jobs(info, tables)
    if pool is None:
        return lambda: ChartRenderer(("png", "svg")).render(jobs)
    return ChartRenderer.on_pool(pool, ("png", "svg")).start(jobs)


def save_figure(figure: Figure, stem: Path) -> None:
    """PNG and SVG from one layout; the SVG is byte-identical between runs (fixed hash salt, no date)."""
    from guarantor.report.rendering import render_figure

    for fmt, data in render_figure(figure, ("png", "svg")).items():
        stem.with_suffix(f".{fmt}").write_bytes(data)


def figures_for(info: dict[str, Any], tables: dict[str, pd.DataFrame]) -> dict[str, Figure]:
    """The charts of each kind of analysis, by file stem, drawn here."""
    return {job.name: job.figure() for job in chart_jobs(info, tables)}


def chart_jobs(info: dict[str, Any], tables: dict[str, pd.DataFrame]) -> list[ChartJob]:
    """The charts of each kind of analysis as jobs (any process can draw them), by file stem."""
    from guarantor.report.rendering import ChartJob as Job

    kind, tiers, names = info["kind"], info.get("tiers", []), info.get("names")
    if kind == "sweep":
        paths = info["axes"]
        if len(paths) == 1:
            return [
                Job(
                    "sweep",
                    charts.sweep_line,
                    (tables["points"], paths[0], tables["tipping_points"], tiers, names),
                )
            ]
        if len(paths) == 2:
            return [
                Job(
                    "sweep_heatmap",
                    charts.sweep_heatmap,
                    (tables["points"], paths[0], paths[1], tiers, names),
                )
            ]
        return []
    if kind == "sensitivity":
        found = []
        if len(tables["tornado"]):
            found.append(
                Job(
                    "tornado",
                    charts.tornado_chart,
                    (tables["tornado"], info["base_objective"], info["delta"]),
                    {"names": names},
                )
            )
        if "sobol" in tables:
            found.append(Job("sobol", charts.sobol_chart, (tables["sobol"], names)))
        return found
    if kind == "uncertainty":
        u = uncertainty_charts
        found = [
            Job("cost_distribution", u.cost_distribution, (tables["samples"], tables["summary"])),
            Job("tier_frequency", u.tier_frequency, (tables["tier_frequency"], names)),
        ]
        bands = tables["contribution_bands"]
        for measure in ("troops", "funding"):
            if len(bands) and (bands["measure"] == measure).any():
                found.append(
                    Job(f"{measure}_bands", u.contribution_bands, (bands, measure), {"names": names})
                )
        if len(tables["drivers"]):
            found.append(Job("drivers", u.drivers_chart, (tables["drivers"],), {"names": names}))
        return found
    if kind == "alternatives":
        from guarantor.analysis.alternatives_chart import range_chart

        table, slack = tables["alternatives"], info["slack"]
        periods = info["periods"]
        return [
            Job(
                "ranges" if len(periods) == 1 else f"ranges-{safe_name(q)}",
                range_chart,
                (table, info["ground"], q, slack, ""),
            )
            for q in periods
        ]
    if kind == "pareto":
        return [
            Job(
                "frontier",
                charts.frontier_chart,
                (tables["frontier"], info["objectives"], info["labels"], tiers, names),
            )
        ]
    raise GuarantorError(f"unknown analysis kind {kind!r}")
