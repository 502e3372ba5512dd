"""Analysis reports made by report workers: the same files as in process, CSV blocks that join
into the whole file, and a command that imports none of the report stack itself."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from guarantor.analysis import reportjobs
from guarantor.analysis.report import write_report
from guarantor.analysis.reportjobs import CHART_FORMATS, REPORT_PRELOAD, Bundle, given
from guarantor.analysis.tables import uncertainty_tables
from guarantor.analysis.uncertainty import UncertaintyResult, plan_uncertainty, run_uncertainty
from guarantor.report.numbers import csv_text
from guarantor.report.rendering import chart_renderer
from guarantor.scenario.loading import LoadedScenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "uncertain_costs.yaml"


@pytest.fixture(scope="module")
def solved() -> tuple[LoadedScenario, UncertaintyResult]:
    loaded = load_scenario(SCENARIO)
    plan = plan_uncertainty(loaded.resolved.data, 1500, 3)  # 1,500 samples: a table to split
    return loaded, run_uncertainty(plan, workers=1)


def _write(
    solved: tuple[LoadedScenario, UncertaintyResult], out: Path, workers: int
) -> tuple[Path, list[str]]:
    from guarantor.analysis.findings import tier_labels, uncertainty_findings

    loaded, result = solved
    info = {"seed": 3, "tiers": result.tiers, "meta": result.meta}
    labels = tier_labels(loaded.resolved.data)
    with chart_renderer(CHART_FORMATS, workers, REPORT_PRELOAD) as renderer:
        written = write_report(
            "uncertainty",
            loaded,
            (uncertainty_tables, (result,)),
            info,
            out,
            renderer=renderer,
            findings=(uncertainty_findings, (result.meta, labels)),
        )
    return written.folder, written.findings


def _files(folder: Path) -> dict[str, bytes]:
    created = json.loads((folder / "manifest.json").read_text())["created_at"]
    return {
        str(p.relative_to(folder)): p.read_bytes().replace(created.encode(), b"T")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".xlsx"
    }


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [r for r in ws.iter_rows(values_only=True) if "created_at" not in r] for ws in book}


def test_report_workers_write_what_the_command_writes_in_process(
    solved: tuple[LoadedScenario, UncertaintyResult], tmp_path: Path
) -> None:
    """Two report workers (tables built there, the samples CSV split in two row blocks) give the
    same files, byte for byte, as the same jobs run one after another in process."""
    here, lines_here = _write(solved, tmp_path / "here", 0)
    there, lines_there = _write(solved, tmp_path / "there", 2)
    assert lines_there == lines_here and lines_here[0].startswith("1,500 samples")
    local, remote = _files(here), _files(there)
    assert remote == local
    expected = {"data/samples.csv", "data/samples.parquet", "charts/cost_distribution.svg", "report.md"}
    assert expected <= set(local)
    assert _cells(there / "report.xlsx") == _cells(here / "report.xlsx")
    samples = pd.read_csv(there / "data" / "samples.csv")
    assert len(samples) == 1500 and samples["sample"].tolist() == list(range(1500))
    assert samples.size > reportjobs.LARGE_CSV_CELLS  # it was split


def test_csv_blocks_join_into_the_whole_file() -> None:
    """Any row split: the header once, every row once, the same text as `csv_text` of the table."""
    table = pd.DataFrame({"a_usd_m": [1.25, 2.0, None, 4.5, 1e-7], "label": ["x", "y,z", "", 'q"', "w"]})
    bundle = Bundle({"kind": "sweep"}, {}, given, ({"t": table},))
    reportjobs.adopt("t", bundle)
    whole = csv_text(table)
    for bounds in ([0, 5], [0, 2, 5], [0, 1, 2, 3, 4, 5], [0, 5, 5]):
        parts = [reportjobs.csv_job("t", None, "t", a, b) for a, b in itertools.pairwise(bounds)]
        assert "".join(parts) == whole


def test_uncertainty_command_hands_its_report_to_workers(tmp_path: Path) -> None:
    """The console command imports neither pandas nor matplotlib itself (nor PuLP: its solving
    goes straight to highspy), and nothing of it (solving workers, report workers, their
    server) outlives it."""
    from tests.test_chart_speed import run_command

    stderr = run_command(
        "uncertainty", str(SCENARIO), "--samples", "300", "--workers", "2", "--out", str(tmp_path), "--quiet",
        env={"GUARANTOR_CHART_WORKERS": "2"},
    )  # fmt: skip
    assert "pandas imported: False" in stderr and "matplotlib imported: False" in stderr
    assert "pulp imported: False" in stderr
    folder = tmp_path / "uncertain_costs-uncertainty"
    assert len(list((folder / "charts").glob("*.png"))) >= 3 and (folder / "report.xlsx").is_file()


def test_prestart_preloads_the_analysis_report_for_analyses() -> None:
    from guarantor.cli.prestart import preload_for

    assert preload_for(["uncertainty", "a.yaml", "--samples", "10"]) == REPORT_PRELOAD
    for command in ("sweep", "sensitivity", "pareto", "alternatives"):
        assert preload_for([command, "a.yaml"]) == REPORT_PRELOAD
    assert preload_for(["uncertainty", "--help"]) is None and preload_for(["replot", "f"]) is None


def test_affine_probes_on_workers_find_the_same_map() -> None:
    """Planning's rebuilds run on the command's pool: the same affine map as rebuilt here."""
    import numpy as np

    from guarantor.analysis.workers import worker_pool

    data = load_scenario(SCENARIO).resolved.data
    here = plan_uncertainty(data, 100, 1).affine
    with worker_pool(2) as pool:
        there = plan_uncertainty(data, 100, 1, pool=pool).affine
    assert here is not None and there is not None
    assert np.array_equal(here.touched, there.touched) and np.array_equal(here.slopes, there.slopes)


def test_sweep_command_draws_on_workers(tmp_path: Path) -> None:
    """A sweep builds its (small) tables itself but never imports matplotlib: its charts and
    documents come from the report workers, and nothing of it outlives the command."""
    from tests.test_chart_speed import run_command

    args = ["sweep", str(ROOT / "scenarios" / "baseline.yaml"), "--vary",
            "requirements.ground_troops=10000:16000:3", "--out", str(tmp_path), "--quiet"]  # fmt: skip
    stderr = run_command(*args, env={"GUARANTOR_CHART_WORKERS": "2"})
    assert "matplotlib imported: False" in stderr
    folders = list(tmp_path.glob("baseline-sweep*"))
    assert len(folders) == 1 and (folders[0] / "charts" / "sweep.svg").is_file()
