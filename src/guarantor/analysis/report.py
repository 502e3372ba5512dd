"""Write an analysis report folder atomically, and re-plot one from its saved data without solving.

Layout of `<out>/<scenario>-<kind>/`:
    analysis.json   what was run (kind, settings, summary numbers) - enough to re-plot
    manifest.json   reproducibility: inputs hash, seed, versions of every library involved
    data/*.parquet  every table (and the same as CSV for spreadsheets)
    charts/*.png, charts/*.svg
    report.md, report.html, report.xlsx

The files are made by the jobs of `reportjobs` (on a command's report workers, or here one after
another: the same bytes) and written here, atomically.
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from guarantor.analysis import reportjobs as jobs
from guarantor.analysis.labels import names_of
from guarantor.analysis.reportjobs import Bundle, given
from guarantor.atomic import report_folder, safe_name, write_bytes, write_json, write_text
from guarantor.errors import GuarantorError
from guarantor.scenario.yamlio import read_limited

if TYPE_CHECKING:
    import pandas as pd

    from guarantor.report.rendering import ChartRenderer
    from guarantor.scenario.loading import LoadedScenario

T = TypeVar("T")

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
    renderer: ChartRenderer | None = None,
) -> Path:
    """Write data, manifest, charts and documents of one analysis; return the folder."""
    return write_report(kind, loaded, (given, (tables,)), info, parent, about, renderer).folder


@dataclass(frozen=True)
class Written:
    folder: Path
    findings: list[str]
    """The lines `Bundle.findings` made from the tables (none without it)."""


def write_report(
    kind: str,
    loaded: LoadedScenario,
    source: tuple[Callable[..., dict[str, pd.DataFrame]], tuple[Any, ...]],
    info: dict[str, Any],
    parent: Path,
    about: list[str] | None = None,
    renderer: ChartRenderer | None = None,
    findings: tuple[Callable[..., list[str]], tuple[Any, ...]] | None = None,
) -> Written:
    """Write one analysis's report; its tables are `build(*args)` for `source = (build, args)`.

    With a renderer that has workers, the tables, their files, the charts and the documents are
    made by the workers (the largest CSVs split by rows over them) and this process only writes
    what they return; without, the same jobs run here one after another (same bytes).
    """
    from guarantor.report.payload import manifest

    name = folder_name(loaded.scenario.name, kind, about)
    info = {"kind": kind, "scenario": loaded.scenario.name, "question": loaded.scenario.question, **info}
    info.setdefault("names", names_of(loaded.scenario.model))
    settings: dict[str, Any] = {k: info.get(k) for k in ("options", "seed") if k in info}
    extra = {"analysis": kind, "seed": info.get("seed"), "library_versions": versions()}
    made = json.loads(json.dumps(manifest(loaded, settings, "highs", "", extra), default=str))  # as saved
    build, args = source
    lines, lines_args = findings or (None, ())
    bundle = Bundle(info, made, build, args, lines, lines_args)
    with report_folder(parent, name) as staging:
        found = _write(staging, bundle, renderer, data=True)
    from guarantor.report.index import write_index

    write_index(parent)
    return Written(parent / name, found)


def _write(staging: Path, bundle: Bundle, renderer: ChartRenderer | None, data: bool) -> list[str]:
    """Run the report's jobs (on the renderer's workers, if any) and write what they return."""
    from guarantor.report.numbers import clean_tree
    from guarantor.report.rendering import ChartRenderer

    renderer = renderer if renderer is not None else ChartRenderer(jobs.CHART_FORMATS)
    with _shared(bundle, renderer.workers > 0) as (token, where):

        def submit(fn: Callable[..., T], *args: Any) -> Callable[[], T]:
            return renderer.submit(fn, token, where, *args)

        documents = submit(jobs.documents_job)
        outline = submit(jobs.outline_job)()  # the other worker builds the tables meanwhile
        blocks = max(1, renderer.workers)
        split = set(outline.large) if blocks > 1 else set()
        texts: dict[str, list[Callable[[], str]]] = {}
        for key in sorted(split, key=lambda k: -outline.cells[k]):  # largest first: the longest jobs
            bounds = sorted({outline.rows[key] * i // blocks for i in range(blocks + 1)})  # no empty block
            texts[key] = [submit(jobs.csv_job, key, a, b) for a, b in itertools.pairwise(bounds)]
        charts = {name: submit(jobs.chart_job, name) for name in outline.charts}
        files: dict[str, Callable[[], Any]] = {}
        if data:
            for key in outline.tables:
                files[f"data/{key}.parquet"] = submit(jobs.parquet_job, key)
                if key not in split:
                    files[f"data/{key}.csv"] = submit(jobs.csv_job, key)
        found = submit(jobs.findings_job)
        if data:
            (staging / "data").mkdir()
            write_json(staging / "analysis.json", clean_tree({**bundle.info, "tables": outline.tables}))
            write_json(staging / "manifest.json", bundle.manifest)
            for key, parts in texts.items():
                write_text(staging / "data" / f"{key}.csv", "".join(part() for part in parts))
            for path, wait in files.items():
                value = wait()
                (write_text if isinstance(value, str) else write_bytes)(staging / path, value)
        out = staging / "charts"
        out.mkdir(exist_ok=True)
        for name, wait in charts.items():
            for fmt, image in wait().items():
                (out / f"{name}.{fmt}").write_bytes(image)
        for path, content in documents().items():
            write_bytes(staging / path, content)
        return found()


@contextmanager
def _shared(bundle: Bundle, parallel: bool) -> Iterator[tuple[str, str | None]]:
    """(token, file holding the pickled bundle): workers read it once each, rather than every
    job carrying ten megabytes of samples; in process the bundle is adopted as it is."""
    if not parallel:
        jobs.adopt("local", bundle)
        yield "local", None
        return
    from guarantor.report.shared import staged

    token, blob = jobs.pack(bundle)
    with staged(blob) as name:
        del blob
        yield token, name


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
    path = folder / "manifest.json"
    made = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    with report_folder(folder.parent, folder.name) as staging:
        shutil.copytree(folder / "data", staging / "data")
        for name in ("analysis.json", "manifest.json"):
            if (folder / name).exists():
                shutil.copy2(folder / name, staging / name)
        _write(staging, Bundle(info, made, given, (tables,)), None, data=False)
    return folder
