"""Write a solve's report folder: results.json, CSV tables, charts (PNG + SVG), report.md, report.html.

Everything is written into one staging folder that replaces `<parent>/<scenario>/` only
when complete (`atomic.report_folder`), so a failed run never leaves a half-written
report or breaks a good one. Files are deterministic: sorted, rounded, no absolute paths,
and charts saved without timestamps or random ids; only `manifest.created_at` changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guarantor.answer.results import Result
from guarantor.atomic import report_folder, safe_name, write_bytes, write_json, write_text
from guarantor.model.params import Params, build_params
from guarantor.report.payload import manifest, report_fields, result_payload
from guarantor.report.rendering import (
    FORMATS,
    ChartRenderer,
    chart_renderer,
    render_figure,
)
from guarantor.report.solvejobs import CHART_FOLDER
from guarantor.scenario.loading import LoadedScenario

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from guarantor.native import Deferred
    from guarantor.report.compare import Run
    from guarantor.report.solvejobs import Bundle, Early, Handoff


def chart_files(rendered: Mapping[str, Mapping[str, bytes]], folder: Path) -> dict[str, bytes]:
    """Write charts/<name>.<format>; return the image to inline in report.html (SVG, else PNG)."""
    if rendered:
        (folder / CHART_FOLDER).mkdir(exist_ok=True)
    inline = {}
    for name, files in rendered.items():
        for fmt, data in files.items():
            (folder / CHART_FOLDER / f"{name}.{fmt}").write_bytes(data)
        inline[name] = files.get("svg", files.get("png", b""))
    return inline


def save_charts(
    figures: Mapping[str, Figure], folder: Path, formats: tuple[str, ...] = ("png", "svg")
) -> dict[str, bytes]:
    """Write charts/<name>.png and .svg (each figure laid out once); return the images to inline."""
    return chart_files({name: render_figure(fig, formats) for name, fig in figures.items()}, folder)


def write_csv(
    path: Path, table: pd.DataFrame, index: bool = False, kinds: Mapping[str, str] | None = None
) -> None:
    """CSV with Unix line endings, every number rounded by `numbers` (no noise, no -0, no exponent)."""
    from guarantor.report.numbers import csv_text

    write_text(path, csv_text(table, index, kinds))


@contextmanager
def hand_over(
    loaded: LoadedScenario, renderer: ChartRenderer, workbook: bool = True
) -> Iterator[Deferred[Handoff] | None]:
    """During the solve, give the scenario to `renderer`'s workers (None: it has none).

    The scenario is pickled on a thread once the solve first waits in HiGHS (`native.released`),
    on the core the solve leaves idle, and each worker unpickles it and builds its parameters
    there too, instead of after the solve, when the report waits for them; that thread then
    hashes the inputs for the manifest. With `workbook` (a report with documents), one worker
    also begins report.xlsx with the input sheets (`workbook.BookAhead`). Pass the handoff to
    `write_solve_report` within the block (the file lives until the block ends; a workbook
    begun and not asked for is given up)."""
    if not renderer.parallel:
        yield None
        return
    from guarantor.native import Deferred
    from guarantor.report import solvejobs as sj
    from guarantor.report.shared import staged
    from guarantor.report.workbook import BookAhead

    with ExitStack() as stack:

        def send() -> Handoff:
            token, blob = sj.pack_scenario(loaded)
            where = stack.enter_context(staged(blob))
            book = BookAhead(renderer, token, where) if workbook else None
            if book is not None:
                stack.callback(book.close)
            # one per other worker, though a pool cannot address one: a worker that got two does the
            # second at once, and the other unpickles with its first report job, as without a handoff
            for _ in range(renderer.workers - (book is not None)):
                renderer.submit_soon(sj.scenario_job, token, where)
            loaded.resolved.sha256()  # the manifest's, on this core too (the workers already have theirs)
            return sj.Handoff(token, where, book, files=stack)

        handoff = Deferred(send, "guarantor-handoff")
        try:
            yield handoff
        finally:
            handoff.settle()  # no file written after the block (the stack removes the one written)


def decided_hook(
    handoff: Deferred[Handoff] | None, loaded: LoadedScenario, renderer: ChartRenderer
) -> Callable[[Result], None] | None:
    """For `solve_scenario(decided=...)` within `hand_over`'s block: once the decisions are final,
    start the report's charts and CSV files, and the workbook's sheets of the decisions, while
    the command still explains and checks the answer (at 1,600 contributors x 10 periods ~1.3 s,
    with the other core idle; the baseline's robustness and "why" re-solves ~0.4 s).

    They are drawn from a bundle of the answer as it stood then (what they show needs nothing
    more: `write_solve_report` uses them only for that same `Decisions` object); its file lives
    until the hand-over's block ends. None: no workers to start them on."""
    if handoff is None or not renderer.parallel:
        return None
    from guarantor.report import solvejobs as sj
    from guarantor.report.shared import staged

    def decided(result: Result) -> None:
        sent = handoff.result()
        if sent.early or result.decisions is None or sent.files is None:
            return
        token, blob = sj.pack(sj.Bundle(result, loaded, {}, renderer.formats, _image_format(renderer)), sent)
        where = sent.files.enter_context(staged(blob))
        params = build_params(loaded.scenario)
        names = sj.chart_names(result, params) if renderer.formats else ()
        # soon, not now: on a small model the workers may still be starting, and a submission
        # would hold this process until they are
        calls = [(sj.chart_job, (token, where, n)) for n in names] + [(sj.csv_job, (token, where))]
        *drawn, tables = renderer.submit_all_soon(calls)
        charts = dict(zip(names, drawn, strict=True))
        if sent.workbook is not None:
            sent.workbook.decided(token, where)
        sent.early.append(sj.Early(token, result.decisions, charts, tables))

    return decided


def write_solve_report(
    result: Result,
    loaded: LoadedScenario,
    parent: Path,
    name: str | None = None,
    renderer: ChartRenderer | None = None,
    documents: bool = True,
    handoff: Deferred[Handoff] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> Path:
    """Write `parent/<name>/` atomically (default name: `run_folder_name`) and return its path.

    Without a solution (infeasible, time limit) the folder holds results.json, report.xlsx
    and the report documents, which explain why there is no plan. Charts are drawn by
    `renderer` (its formats; on its workers if it has any), by default here as PNG and SVG.
    Without `documents` (`solve --fast`) the workbook, the brief and report.md/.html are left out.

    `handoff` (from `hand_over` with the same `loaded` and `renderer`): the scenario the workers
    already have. `meanwhile`: called once while the workers write (`solve` makes its terminal
    summary there), before the files they return are written.

    Everything that needs pandas, matplotlib, fpdf2 or XlsxWriter is a `solvejobs` job: on the
    renderer's workers the jobs run in parallel (charts first, the brief's PDF as soon as its two
    charts exist) and this process only writes what they return.
    """
    from guarantor.report.index import claim_folder

    params = build_params(loaded.scenario)
    made = manifest(loaded, result.options, result.solver, result.solver_version)
    name = name or run_folder_name(result.scenario)
    claim_folder(parent, name, identity_of(result))
    if renderer is None:
        with chart_renderer(FORMATS["both"]) as local:
            return _write_solve(result, loaded, params, made, parent, name, local, documents, None, meanwhile)
    return _write_solve(result, loaded, params, made, parent, name, renderer, documents, handoff, meanwhile)


def _write_solve(
    result: Result,
    loaded: LoadedScenario,
    params: Params,
    made: dict[str, Any],
    parent: Path,
    name: str,
    renderer: ChartRenderer,
    documents: bool,
    handoff: Deferred[Handoff] | None,
    meanwhile: Callable[[], object] | None,
) -> Path:
    from guarantor.report import solvejobs as sj
    from guarantor.report.index import write_index
    from guarantor.report.shared import staged

    shared = report_fields(result, loaded, params, made)
    bundle = sj.Bundle(result, loaded, shared, renderer.formats, _image_format(renderer))
    with ExitStack() as stack:  # the workers' bundle file lives until every job is done
        book = None
        if renderer.parallel:
            sent = handoff.result() if handoff is not None else None
            # the jobs started for these very decisions (`decided_hook`), not for another answer's
            early = next((e for e in sent.early if e.decisions is result.decisions), None) if sent else None
            token, blob = sj.pack(bundle, sent, early)
            where: str | None = stack.enter_context(staged(blob))
            del blob
            book = sent.workbook if sent is not None and documents else None
        else:
            token, where, early = f"here-{id(bundle)}", None, None
            sj.adopt(token, bundle)
        workbook = book.finish(token, where) if book is not None else None
        jobs = (token, where, bundle, made, params, parent, name, renderer, documents, meanwhile)
        _run_solve_jobs(*jobs, workbook, early)
    write_index(parent)
    return parent / name


def _run_solve_jobs(
    token: str,
    where: str | None,
    bundle: Bundle,
    made: dict[str, Any],
    params: Params,
    parent: Path,
    name: str,
    renderer: ChartRenderer,
    documents: bool,
    meanwhile: Callable[[], object] | None,
    workbook: Callable[[], bytes] | None = None,
    early: Early | None = None,
) -> None:
    """Submit the report's jobs, then write what they return into the staged folder (`workbook`:
    report.xlsx on its way from the worker that began it during the solve; `early`: the charts
    and CSV files started once the decisions were final)."""
    from guarantor.report import solvejobs as sj
    from guarantor.report.brief import CHARTS as BRIEF_CHARTS
    from guarantor.report.brief import to_html as brief_html
    from guarantor.report.index import run_record
    from guarantor.report.markup import to_html
    from guarantor.report.workbook import workbook_job

    result, loaded, formats = bundle.result, bundle.loaded, renderer.formats
    names = sj.chart_names(result, params) if formats else ()
    # The workbook first, unless a worker began it during the solve: the longest job at scale (5-10 s
    # at 1,600 contributors x 10 periods written at once), a tenth of a second on the shipped
    # scenarios. Then the brief's charts and the documents; a worker draws the brief's PDF from the
    # brief's charts once they are back (drawing it here meant importing fpdf2 here too: ~0.4 s
    # beside two busy workers).
    if documents and workbook is None:
        workbook = renderer.submit(workbook_job, token, where)
    first = [n for n in names if n in BRIEF_CHARTS]
    charts = dict(early.charts) if early is not None else {}
    charts |= {n: renderer.submit(sj.chart_job, token, where, n) for n in first if n not in charts}
    if documents:
        document = renderer.submit(sj.document_job, token, where, names)
    charts |= {n: renderer.submit(sj.chart_job, token, where, n) for n in names if n not in charts}
    tables = early.tables if early is not None else renderer.submit(sj.csv_job, token, where)
    if documents:
        pdf_made = _pdf_once_drawn(renderer, document, charts)
    with report_folder(parent, name) as folder:
        # built while the workers work: only this process needs it (the jobs got `report_fields`)
        write_json(folder / "results.json", result_payload(result, loaded, params, made, bundle.payload))
        if documents:
            doc, markdown, brief = document()
        if meanwhile is not None:
            meanwhile()
        for file, text in tables().items():
            write_text(folder / file, text)
        rendered = {n: charts[n]() for n in names}
        inline = chart_files(rendered, folder)
        if documents:
            assert workbook is not None
            write_bytes(folder / "report.xlsx", workbook())
            svgs = {n: files["svg"] for n, files in rendered.items() if "svg" in files}
            write_text(folder / "brief.html", brief_html(brief, svgs))
            write_bytes(folder / "brief.pdf", pdf_made())
            write_text(folder / "report.md", markdown)
            write_text(folder / "report.html", to_html(doc, inline))
        record = run_record(
            identity_of(result),
            result.question,
            str(result.status),
            loaded.overrides,
            made["created_at"],
            key_figures(result, params),
            loaded.path,
        )
        write_json(folder / "run.json", record)


def _pdf_once_drawn(
    renderer: ChartRenderer,
    document: Callable[[], tuple[Any, str, Any]],
    charts: Mapping[str, Callable[[], dict[str, bytes]]],
) -> Callable[[], bytes]:
    """brief.pdf, drawn by a worker (fpdf2 imported there) from the brief's content and chart
    PNGs; with workers it is submitted from a thread the moment both are back, not when this
    process is done with results.json (~1.5 s at 1,600 contributors x 10 periods, by when the
    brief's content had been waiting a second). The returned function waits for the file."""
    from guarantor.report import solvejobs as sj

    def submit() -> Callable[[], bytes]:
        brief = document()[2]
        pngs = {n: charts[n]()["png"] for n in brief.charts if "png" in renderer.formats}
        return renderer.submit(sj.pdf_job, brief, pngs)

    if not renderer.parallel:
        return lambda: submit()()
    from concurrent.futures import ThreadPoolExecutor

    waiting = ThreadPoolExecutor(1, thread_name_prefix="guarantor-brief")
    submitted = waiting.submit(submit)
    waiting.shutdown(wait=False)  # the one task still runs; nothing else will come
    return lambda: submitted.result()()


def identity_of(result: Result) -> dict[str, str]:
    return {"kind": "solve", "scenario": result.scenario}


def _image_format(renderer: ChartRenderer | None) -> str:
    """The file report.md links to: the PNG when there is one, else the SVG."""
    formats = renderer.formats if renderer is not None else FORMATS["both"]
    return "png" if "png" in formats or not formats else "svg"


def key_figures(result: Result, params: Params) -> dict[str, str]:
    """The few numbers `index.html` shows for a solve: cost, US tier, Europe's shares."""
    from guarantor.answer.explain import money

    m, d = result.metrics, result.decisions
    if m is None or d is None:
        return {}
    tier = next((t.label for t in params.tiers if t.id == d.tier[result.periods[0]]), "")
    span = " a year" if len(result.periods) == 1 else " over the horizon"
    return {
        "total cost": money(m.total_cost_usd_m) + span,
        "US air support": tier,
        "Europe's troop share": f"{m.europe_troop_share:.1%}",
        "Europe's cost share": f"{m.europe_cost_share:.1%}",
    }


PLAN_FOLDER = "plans"
"""Saved plans live in `<out>/plans/`, outside every report folder, so no later run deletes them."""
RESERVED = {PLAN_FOLDER, "index.html"}


def run_folder_name(scenario: str, overrides: Sequence[str] = ()) -> str:
    """The folder of a run: the scenario name, plus a short hash where that name alone could collide.

    A name that `safe_name` had to change gets a hash of the original (`a b` and `a-b` no
    longer share `a-b/`); a run with `--set` overrides gets `-set-<hash of the overrides>`,
    so a what-if never replaces the plain run's report.
    """
    import hashlib

    def short(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]

    name = safe_name(scenario)
    if name != scenario or name in RESERVED:
        name = f"{name[:90]}-{short(scenario)}"
    if overrides:
        name = f"{name[:90]}-set-{short(chr(10).join(overrides))}"
    return name


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


COMPARE_KINDS = {"summary": {"europe_troops": "fraction", "europe_cost": "fraction", "us_cost": "fraction"}}
COMPARE_TABLE_KIND = {"troops": "count", "funding": "usd_m", "binding": "price_usd"}
"""Every scenario column of these tables holds one kind of number."""


def write_compare_report(runs: list[Run], parent: Path) -> tuple[Path, dict[str, Any]]:
    """Write `parent/compare-<names>/` atomically; return its path and comparison.json's content."""
    import datetime as dt

    from guarantor.report.compare import compare_document, compare_figures, compare_payload, compare_tables
    from guarantor.report.index import claim_folder, run_record, write_index
    from guarantor.report.markup import to_html, to_markdown
    from guarantor.report.numbers import clean_tree
    from guarantor.report.sheets import compare_sheets
    from guarantor.report.xlsx import write_workbook

    t = compare_tables(runs)
    created_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    payload = compare_payload(runs, t, created_at)
    by_key = {"troops": "count", "binding_shadow_prices": "price_usd", "deployed_force": "count"}
    payload = {
        k: v if k == "manifest" else clean_tree(v, by_key, by_key.get(k, "number"))
        for k, v in payload.items()
    }
    name = compare_folder_name([run.name for run in runs])
    identity = {"kind": "compare", "scenario": " vs ".join(run.name for run in runs)}
    claim_folder(parent, name, identity)
    with report_folder(parent, name) as folder:
        write_json(folder / "comparison.json", payload)
        for key, file in COMPARE_CSV.items():
            kinds = (
                dict.fromkeys(map(str, t[key].columns), COMPARE_TABLE_KIND[key])
                if key in COMPARE_TABLE_KIND
                else {}
            )
            write_csv(folder / file, t[key], index=True, kinds={**kinds, **COMPARE_KINDS.get(key, {})})
        svgs = save_charts(compare_figures(t), folder)
        write_workbook(folder / "report.xlsx", compare_sheets(runs, t, payload["manifest"]), created_at)
        doc = compare_document(runs, t, payload, list(svgs))
        write_text(folder / "report.md", to_markdown(doc, CHART_FOLDER))
        write_text(folder / "report.html", to_html(doc, svgs))
        overrides = list(dict.fromkeys(o for run in runs for o in run.loaded.overrides))
        question = "; ".join(dict.fromkeys(run.result.question for run in runs))
        figures = {
            run.name: key_figures(run.result, run.params).get("total cost", str(run.result.status))
            for run in runs
        }
        write_json(folder / "run.json", run_record(identity, question, "", overrides, created_at, figures))
    write_index(parent)
    return parent / name, payload
