"""An analysis report as jobs: module-level functions from one pickled bundle to file contents.

Why: after 10,000 samples are solved, the report (a 1.3-million-cell samples table as CSV and
Parquet, five charts in two formats, report.md/html/xlsx) is CPU work of about two seconds
that needs pandas, pyarrow and matplotlib, which the command itself does not. So the command
hands a `Bundle` (the raw result and what builds the tables from it) to report workers forked
from a server that imported those libraries while it solved (`rendering.ChartRenderer`), and
writes the files it gets back; the largest CSVs are split by rows over the workers. Each job
builds the tables from the bundle once per process (`tables_of`), so any process can run any
job; in process the same functions run one after another, so the bytes are the same either way
(tested).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from guarantor.report.rendering import preload

if TYPE_CHECKING:
    import pandas as pd

CHART_FORMATS = ("png", "svg")
REPORT_PRELOAD = preload(
    "guarantor.report.warm_tables", "guarantor.report.warm_charts", "guarantor.analysis.warm_report"
)
"""What the report workers' fork server imports for an analysis (`rendering.ChartRenderer`)."""
LARGE_CSV_CELLS = 100_000
"""Tables larger than this get their CSV text made in row blocks, one per worker."""


@dataclass(frozen=True)
class Bundle:
    """What every job of one analysis report needs.

    `build(*args)` (a module-level function) returns the tables: `given` for tables the
    command already has, `uncertainty_tables` for a raw Monte Carlo result, so a report
    worker, not the command, builds a 1.3-million-cell table. `findings(tables, *findings_args)`
    gives the lines the command prints, when they come from the tables.
    """

    info: dict[str, Any]
    manifest: dict[str, Any]
    build: Callable[..., dict[str, pd.DataFrame]]
    args: tuple[Any, ...]
    findings: Callable[..., list[str]] | None = None
    findings_args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Outline:
    """What the command needs to know to submit the other jobs: table names, sizes, charts."""

    tables: list[str]
    rows: dict[str, int]
    cells: dict[str, int]
    charts: list[str]
    large: list[str] = field(default_factory=list)


def given(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Tables the command built itself."""
    return dict(tables)


_TABLES: dict[str, tuple[Bundle, dict[str, pd.DataFrame]]] = {}


def pack(bundle: Bundle) -> tuple[str, bytes]:
    """(token, pickled bundle)."""
    import hashlib

    blob = pickle.dumps(bundle, protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(blob).hexdigest()[:16], blob


def adopt(token: str, bundle: Bundle) -> None:
    """Make `bundle` the one `token` names in this process (in-process runs skip the pickle)."""
    from dataclasses import replace

    tables = bundle.build(*bundle.args)
    _TABLES.clear()  # each worker keeps the latest report's tables only
    _TABLES[token] = (replace(bundle, info={**bundle.info, "tables": list(tables)}), tables)


def tables_of(token: str, where: str | None) -> tuple[Bundle, dict[str, pd.DataFrame]]:
    """The bundle and its tables, built once per process (`where`: the file holding the pickle)."""
    if token not in _TABLES:
        from guarantor.report.shared import read_once

        bundle = pickle.loads(read_once(where))
        adopt(token, bundle)
    return _TABLES[token]


def outline_job(token: str, where: str | None) -> Outline:
    bundle, tables = tables_of(token, where)
    from guarantor.analysis.chartset import chart_jobs

    charts = [job.name for job in chart_jobs(bundle.info, tables)]
    rows = {key: len(t) for key, t in tables.items()}
    cells = {key: int(t.size) for key, t in tables.items()}
    return Outline(list(tables), rows, cells, charts, [k for k, c in cells.items() if c > LARGE_CSV_CELLS])


def parquet_job(token: str, where: str | None, key: str) -> bytes:
    """data/<key>.parquet: the table with its types, for `replot`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    _, tables = tables_of(token, where)
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(tables[key], preserve_index=False), sink)
    return bytes(sink.getvalue())


def csv_job(token: str, where: str | None, key: str, start: int = 0, stop: int | None = None) -> str:
    """data/<key>.csv, rounded by kind like every other CSV; rows [start, stop) only, with the
    header only in the block that starts at row 0, so the blocks joined are the whole file."""
    from guarantor.report.numbers import csv_text

    _, tables = tables_of(token, where)
    table = tables[key]
    if start == 0 and stop is None:
        return csv_text(table)
    text = csv_text(table.iloc[start:stop])
    return text if start == 0 else text.split("\n", 1)[1]


def chart_job(token: str, where: str | None, name: str) -> dict[str, bytes]:
    """One chart as PNG and SVG."""
    from guarantor.analysis.chartset import chart_jobs
    from guarantor.report.rendering import run_job

    bundle, tables = tables_of(token, where)
    job = next(j for j in chart_jobs(bundle.info, tables) if j.name == name)
    return run_job(job, CHART_FORMATS)


def documents_job(token: str, where: str | None) -> dict[str, bytes]:
    """report.md, report.html and report.xlsx (settings, every table, the manifest)."""
    from guarantor.analysis.chartset import chart_jobs
    from guarantor.analysis.documents import render_documents
    from guarantor.report.sheets import analysis_sheets
    from guarantor.report.xlsx import workbook_bytes

    bundle, tables = tables_of(token, where)
    charts = [f"charts/{job.name}.svg" for job in chart_jobs(bundle.info, tables)]
    markdown, html = render_documents(bundle.info, tables, charts)
    m = bundle.manifest
    workbook = workbook_bytes(analysis_sheets(bundle.info, tables, m), m.get("created_at"))
    return {"report.md": markdown.encode(), "report.html": html.encode(), "report.xlsx": workbook}


def findings_job(token: str, where: str | None) -> list[str]:
    bundle, tables = tables_of(token, where)
    return bundle.findings(tables, *bundle.findings_args) if bundle.findings is not None else []
