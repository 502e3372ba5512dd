"""A solve report as jobs: module-level functions from one pickled bundle to file contents.

Why: the report's libraries (pandas, matplotlib, fpdf2, XlsxWriter) cost about a second to
import and the charts about a second to draw, while the command itself needs none of them to
solve. So `guarantor solve` hands its answer (one pickled `Bundle`) to report workers that
imported those libraries on the other core while it solved (`rendering.ChartRenderer`), and
only writes the files it gets back. Each job rebuilds the tables it needs from the bundle
(once per process: `prepared`), so jobs are independent and any process can run any of them;
in process (library callers, tests) the same functions run one after another, so the bytes
are the same either way.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from guarantor.answer.results import Decisions, Result
from guarantor.gcpause import gc_paused, keep_for_good, thaw
from guarantor.model.params import Params, build_params
from guarantor.report.rendering import ChartJob
from guarantor.scenario.loading import LoadedScenario

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import ExitStack

    import pandas as pd

    from guarantor.report.brief import Brief
    from guarantor.report.markup import Document

SOLVE_CHARTS = ("troops", "funding", "shares", "coverage", "tiers")
TIMELINE_CHARTS = ("troops_over_time", "funding_over_time", "us_tier_over_time")
"""The names of `solve_chart_jobs` and `timeline.timeline_jobs`, known without building tables
(the command decides what to submit before any worker has them; a test holds the two equal)."""
CHART_FOLDER = "charts"


@dataclass(frozen=True)
class Bundle:
    """What every job of one report needs: the answer, its scenario, what they read of results.json
    (`payload.report_fields`)."""

    result: Result
    loaded: LoadedScenario
    payload: dict[str, Any]
    formats: tuple[str, ...]
    image_format: str
    """The chart file report.md links to (png, else svg)."""


@dataclass
class Prepared:
    bundle: Bundle
    params: Params
    tables: dict[str, pd.DataFrame]
    kinds: dict[str, str]
    decided: str | None = None
    """The token of the bundle sent ahead with these very decisions (`_Sent.decided`), if any."""


_PREPARED: dict[str, Prepared] = {}


class WorkbookAhead(Protocol):
    """report.xlsx begun on a worker during the solve, as the command holds it
    (`workbook.BookAhead`)."""

    def decided(self, token: str, where: str) -> None: ...

    def finish(self, token: str, where: str | None) -> Callable[[], bytes] | None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Handoff:
    """The scenario, pickled to a file for the report workers before the solve (`scenario_job`),
    and report.xlsx if a worker began it then (it stays in this process)."""

    token: str
    where: str
    workbook: WorkbookAhead | None = field(default=None, compare=False, repr=False)
    early: list[Early] = field(default_factory=list, compare=False, repr=False)
    """The jobs started once the decisions were final (`reporting.decided_hook`; at most one)."""
    files: ExitStack | None = field(default=None, compare=False, repr=False)
    """What removes the staged files when the hand-over ends (`reporting.hand_over`)."""


@dataclass
class Early:
    """The report's jobs that need only the decisions, started before the explanations exist:
    the charts and the CSV files, from a bundle of the answer as it stood (`decisions`)."""

    token: str
    decisions: Decisions
    charts: dict[str, Callable[[], dict[str, bytes]]]
    tables: Callable[[], dict[str, str]]


@dataclass(frozen=True)
class _Sent:
    """A bundle on its way to the workers without its scenario, which went ahead (`Handoff`)."""

    result: Result
    payload: dict[str, Any]
    formats: tuple[str, ...]
    image_format: str
    handoff: Handoff
    decided: str | None = None
    """The token of the bundle of the same decisions sent ahead (`Early`), whose tables it shares."""


_SCENARIOS: dict[str, tuple[LoadedScenario, Params]] = {}


def pack_scenario(loaded: LoadedScenario) -> tuple[str, bytes]:
    """(token, pickled scenario) for `scenario_job`."""
    import hashlib

    blob = pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(blob).hexdigest()[:16], blob


def scenario_job(token: str, where: str) -> None:
    """Unpickle the scenario, build its parameters, the table of its sourced figures and the
    report's blocks that list its inputs while the command solves, on the core it leaves idle (at
    1,600 contributors x 10 periods ~4 s a worker that came after the solve)."""
    from guarantor.report.documents import sources_appendix
    from guarantor.report.inputs import sourced_figures
    from guarantor.report.sources import located_inventory

    loaded, _ = held_scenario(token, where)
    with gc_paused():
        sourced_figures(loaded)
        sources_appendix(loaded)
        located_inventory(loaded)


def held_scenario(token: str, where: str) -> tuple[LoadedScenario, Params]:
    """The scenario a worker was handed (`pack_scenario`), unpickled once, with its parameters."""
    if token not in _SCENARIOS:
        from guarantor.report.shared import read_once

        blob = read_once(where)
        _forget(_SCENARIOS)
        with gc_paused():
            loaded = pickle.loads(blob)
            _SCENARIOS[token] = (loaded, build_params(loaded.scenario))
            keep_for_good()  # kept until the next report: no full pass scans it again
    return _SCENARIOS[token]


def _forget(held: dict[str, Any]) -> None:
    """Drop a worker's previous report, which `keep_for_good` had left out of collections."""
    if held:
        held.clear()
        thaw()


def pack(bundle: Bundle, handoff: Handoff | None = None, early: Early | None = None) -> tuple[str, bytes]:
    """(token, pickled bundle); the live search of `robustness` stays behind (it holds HiGHS),
    and so does the scenario when it went ahead (`handoff`); `early`: the bundle of these
    decisions sent ahead, whose tables a worker that has them reuses."""
    import hashlib

    result = bundle.result
    if result.robustness is not None and result.robustness.search is not None:
        result = replace(result, robustness=replace(result.robustness, search=None))
    sent: Bundle | _Sent = replace(bundle, result=result)
    if handoff is not None:
        ahead = replace(handoff, workbook=None, early=[], files=None)
        decided = early.token if early is not None else None
        sent = _Sent(result, bundle.payload, bundle.formats, bundle.image_format, ahead, decided)
    blob = pickle.dumps(sent, protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(blob).hexdigest()[:16], blob


def adopt(token: str, bundle: Bundle) -> None:
    """Make `bundle` the one `token` names in this process (in-process runs skip the pickle)."""
    _PREPARED.clear()
    _PREPARED[token] = _prepare(bundle)


def prepared(token: str, where: str | None) -> Prepared:
    """The bundle's tables, built once per process (each worker keeps the latest report's);
    `where` is the file holding the pickled bundle (`shared.staged`)."""
    if token not in _PREPARED:
        from guarantor.report.shared import read_once

        blob = read_once(where)
        if len(_PREPARED) >= 2:  # a report's early bundle and its whole one; then the next report's
            _forget(_PREPARED)
        with gc_paused():
            sent = pickle.loads(blob)
            params, early, decided = None, None, None
            if isinstance(sent, _Sent):
                loaded, params = held_scenario(sent.handoff.token, sent.handoff.where)
                decided = sent.decided
                early = _PREPARED.get(decided) if decided else None
                sent = Bundle(sent.result, loaded, sent.payload, sent.formats, sent.image_format)
            keep_for_good()  # the answer, like the scenario (before the tables, which may hold cycles)
            _PREPARED[token] = replace(_prepare(sent, params, early), decided=decided)
    return _PREPARED[token]


def _prepare(bundle: Bundle, params: Params | None = None, early: Prepared | None = None) -> Prepared:
    """The bundle's tables; with `early` (the same decisions, sent ahead), its tables but the
    binding constraints', the one table the explanations make (0.4 s at 1,600 contributors)."""
    from guarantor.report.tables import amount_kinds, binding_constraints, solve_tables

    result, params = bundle.result, params or build_params(bundle.loaded.scenario)
    kinds = amount_kinds(params)
    if result.decisions is None:
        return Prepared(bundle, params, {"binding": binding_constraints(result)}, kinds)
    if early is not None:
        binding = binding_constraints(result)
        shared = {key: binding if key == "binding" else table for key, table in early.tables.items()}
        return Prepared(bundle, params, shared, kinds)
    t = solve_tables(result, params)
    if params.multi_period:
        from guarantor.report.timeline import timeline_tables

        t = {**t, **timeline_tables(result, params)}
    return Prepared(bundle, params, t, kinds)


def chart_names(result: Result, params: Params) -> tuple[str, ...]:
    """The charts a solve report draws (none without a plan)."""
    if result.decisions is None:
        return ()
    return SOLVE_CHARTS + (TIMELINE_CHARTS if params.multi_period else ())


def csv_job(token: str, where: str | None) -> dict[str, str]:
    """allocations.csv, funding.csv and, for horizons, the per-period tables."""
    from guarantor.report.numbers import csv_text

    p = prepared(token, where)
    if p.bundle.result.decisions is None:
        return {}
    t, kinds = p.tables, p.kinds
    allocations = t["allocations"]
    if len(p.bundle.result.periods) == 1:
        allocations = allocations.drop(columns="period")
    files = {
        "allocations.csv": csv_text(allocations, False, kinds),
        "funding.csv": csv_text(t["funding"], False, None),
    }
    if p.params.multi_period:
        troop_kind = {str(c): kinds.get(p.params.ground, "count") for c in t["troops_by_period"]}
        money = {str(c): "usd_m" for c in t["funding_by_period"]}
        for key in ("troops_by_period", "funding_by_period", "us_tier_by_period"):
            files[f"{key}.csv"] = csv_text(t[key], True, {**troop_kind, **money})
    return files


def solve_chart_jobs(t: Mapping[str, pd.DataFrame], params: Params) -> list[ChartJob]:
    """The five charts of a solve report, from its tables, as jobs any process can draw."""
    from guarantor.report import charts
    from guarantor.report.tables import capability_labels

    fair = params.scenario.policy.fair_share
    coverage = {key.split(":", 1)[1]: table for key, table in t.items() if key.startswith("coverage:")}
    return [
        ChartJob("troops", charts.troops_chart, (t["deployments"], capability_labels(params), params.ground)),
        ChartJob("funding", charts.funding_chart, (t["funding"], fair.band if fair else None)),
        ChartJob("shares", charts.shares_chart, (t["shares"],)),
        ChartJob("coverage", charts.coverage_chart, (coverage,)),
        ChartJob("tiers", charts.tiers_chart, (t["tiers"],)),
    ]


def chart_job(token: str, where: str | None, name: str) -> dict[str, bytes]:
    """One chart in the report's formats."""
    from guarantor.report.rendering import run_job

    p = prepared(token, where)
    job = next(j for j in report_chart_jobs(p) if j.name == name)
    return run_job(job, p.bundle.formats)


def report_chart_jobs(p: Prepared) -> list[ChartJob]:
    """Every chart of the report: the five of a solve and, for horizons, the three over time."""
    jobs = solve_chart_jobs(p.tables, p.params)
    if p.params.multi_period:
        from guarantor.report.timeline import timeline_jobs

        jobs += timeline_jobs(p.tables, p.params)
    return jobs


def document_job(token: str, where: str | None, charts: tuple[str, ...]) -> tuple[Document, str, Brief]:
    """The report's blocks (report.html is rendered from them once the charts exist), report.md,
    and the brief's content."""
    p = prepared(token, where)
    with gc_paused():
        return _document(p, p.bundle, charts)


def _document(p: Prepared, b: Bundle, charts: tuple[str, ...]) -> tuple[Document, str, Brief]:
    from guarantor.report.brief import gather
    from guarantor.report.documents import solve_document
    from guarantor.report.markup import to_markdown

    doc = solve_document(b.result, b.loaded, p.params, p.tables, b.payload, list(charts))
    svgs = list(charts) if "svg" in b.formats else []
    brief = gather(b.result, b.loaded, p.params, p.tables, b.payload, svgs)
    return doc, to_markdown(doc, CHART_FOLDER, b.image_format), brief


def pdf_job(brief: Brief, pngs: dict[str, bytes]) -> bytes:
    """brief.pdf (needs only the brief's content and its chart PNGs)."""
    from guarantor.report.brief import to_pdf

    return to_pdf(brief, pngs)
