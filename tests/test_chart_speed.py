"""Charts that stay cheap: the "others" band, one style per series, --charts and --fast, workers.

No timings here (those are in benchmarks/): the tests hold what makes charts cheap and
correct, such as the others band carrying the exact remaining totals, the number of
artists not growing with the contributors, identical bytes from worker processes, and no
process outliving the command.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from guarantor.cli.app import app
from guarantor.report import charts, timeline
from guarantor.report.chartkit import drawn_bars, is_others, series_style, with_others
from guarantor.report.rendering import ChartJob, chart_renderer, formats_for

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini-baseline.yaml"
HORIZON = ROOT / "scenarios" / "phased_handover.yaml"


def deployments(n: int) -> pd.DataFrame:
    """n contributors with uneven (seeded) troops and two other capabilities."""
    troops = [float((i * 7919) % 9973) + 0.1 * i for i in range(n)]
    return pd.DataFrame(
        {
            "ground_troops": troops,
            "air_defence": [float(i % 3) for i in range(n)],
            "airlift": [float((i * 5) % 4) for i in range(n)],
        },
        index=pd.Index([f"Country {i}" for i in range(n)], name="name"),
    )


LABELS = {"ground_troops": ("Ground troops", "troops"), "air_defence": ("Air defence", "batteries"),
          "airlift": ("Airlift", "detachments")}  # fmt: skip


def test_others_band_carries_the_remaining_totals_exactly() -> None:
    table = deployments(40)
    ranking = list(table["ground_troops"])
    shown = with_others(table, ranking, top=15)
    assert len(shown) == 16 and is_others(shown.index[-1])
    assert shown.index[-1] == "Others (25 contributors)"
    kept = sorted(range(40), key=lambda i: -ranking[i])[:15]
    assert set(shown.index[:-1]) == {table.index[i] for i in kept}  # the largest, by name
    rest = table.drop(index=shown.index[:-1])
    for column in table.columns:
        assert shown[column].iloc[-1] == math.fsum(rest[column])  # exact, not approximately
    assert with_others(table.head(16), ranking[:16], top=15).equals(table.head(16))  # no band of one


def test_troops_chart_beyond_15_contributors_shows_the_largest_and_others() -> None:
    table = deployments(30)
    fig = charts.troops_chart(table, LABELS, "ground_troops")
    left, right = fig.axes[:2]
    names = [t.get_text() for t in left.get_yticklabels()]
    assert len(names) == 16 and names[0] == "Others (15 contributors)"  # the band at the bottom
    widths = {round(b.get_y() + b.get_height() / 2): b.get_width() for b in drawn_bars(left)}
    shown = with_others(
        table, [g + 1e-9 * t for g, t in zip(table["ground_troops"], table.sum(axis=1), strict=True)]
    )
    assert widths[0] == shown["ground_troops"].iloc[-1]
    assert sum(widths.values()) == pytest.approx(table["ground_troops"].sum(), rel=1e-12)
    # the right panel stacks every capability of the others too: totals kept
    stacked = sum(b.get_width() for b in drawn_bars(right))
    assert stacked == pytest.approx(table[["air_defence", "airlift"]].to_numpy().sum())


def test_artists_do_not_grow_with_contributors() -> None:
    """One path per series, and at most 16 rows: 40 or 400 contributors draw the same artists."""
    figures = [charts.troops_chart(deployments(n), LABELS, "ground_troops") for n in (40, 400)]
    assert [len(ax.patches) for ax in figures[0].axes] == [len(ax.patches) for ax in figures[1].axes]
    small, large = (len(fig.findobj()) for fig in figures)
    assert large <= small * 1.1  # only tick counts differ with the data range


def test_thirty_series_never_share_a_style() -> None:
    looks = [series_style(i) for i in range(30)]
    assert len({(s.colour, s.hatch) for s in looks}) == 30
    assert len({(s.colour, s.hatch, s.marker) for s in looks}) == 30
    assert len({(s.colour, s.marker) for s in looks}) == 30


def test_troops_over_time_gives_every_contributor_its_own_look() -> None:
    periods = pd.Index(["y1", "y2", "y3"], name="period")
    troops = pd.DataFrame({f"Country {i}": [1000.0 * (i + 1)] * 3 for i in range(14)}, index=periods)
    ax = timeline.troops_area_chart(troops).axes[0]
    looks = {(tuple(a.get_facecolor().ravel()), a.get_hatch()) for a in ax.collections}
    assert len(looks) == 14
    many = pd.DataFrame({f"Country {i}": [float(i)] * 3 for i in range(40)}, index=periods)
    shown = timeline.top_columns(many)
    assert list(shown.columns)[-1] == "Others (25 contributors)"
    assert shown.sum(axis=1).tolist() == pytest.approx(many.sum(axis=1).tolist(), rel=1e-15)


def test_charts_option_picks_the_files(tmp_path: Path) -> None:
    runner = CliRunner()
    for choice, suffixes in (
        ("none", set()),
        ("png", {".png"}),
        ("svg", {".svg"}),
        ("both", {".png", ".svg"}),
    ):
        out = tmp_path / choice
        result = runner.invoke(app, ["solve", str(MINI), "--out", str(out), "--quiet", "--charts", choice])
        assert result.exit_code == 0, result.output
        folder = out / "mini-baseline"
        assert {p.suffix for p in (folder / "charts").glob("*")} == suffixes if suffixes else True
        assert (folder / "charts").exists() == bool(suffixes)
        html = (folder / "report.html").read_text()
        assert html.count("<img") == (5 if suffixes else 0)
        if choice == "png":
            assert (
                "data:image/png;base64" in html
                and "](charts/troops.png)" in (folder / "report.md").read_text()
            )
        if choice == "svg":
            assert "](charts/troops.svg)" in (folder / "report.md").read_text()
    bad = runner.invoke(app, ["solve", str(MINI), "--out", str(tmp_path), "--charts", "gif"])
    assert bad.exit_code == 2


def test_fast_writes_the_answer_and_nothing_drawn(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["solve", str(MINI), "--out", str(tmp_path), "--fast"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "mini-baseline"
    written = sorted(p.name for p in folder.iterdir())
    assert written == ["allocations.csv", "funding.csv", "results.json", "run.json"]  # run.json: the index
    assert "total cost" in result.output


def test_formats_for_refuses_unknown_choices() -> None:
    assert formats_for("both") == ("png", "svg") and formats_for("none") == ()
    with pytest.raises(Exception, match="expected none, png, svg or both"):
        formats_for("pdf")


def _job() -> ChartJob:
    return ChartJob("troops", charts.troops_chart, (deployments(20), LABELS, "ground_troops"))


def run_command(*args: str, env: dict[str, str] | None = None) -> str:
    """Run the console command in its own session; return stderr after checking that no
    process of that session (workers, multiprocessing's resource tracker) outlives it."""
    command = [sys.executable, "-c", RUN_CLI, *args]
    with subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
        start_new_session=True, cwd=ROOT,
    ) as child:  # fmt: skip
        _, stderr = child.communicate(timeout=300)
    assert child.returncode == 0, stderr
    with pytest.raises(ProcessLookupError):  # nothing is left in the command's process group
        os.killpg(child.pid, 0)
    assert "Traceback" not in stderr and "leaked" not in stderr
    return stderr


def test_uncertainty_leaves_no_process_behind(tmp_path: Path) -> None:
    scenario = str(ROOT / "scenarios" / "uncertain_costs.yaml")
    run_command(
        "uncertainty", scenario, "--samples", "300", "--workers", "2", "--out", str(tmp_path), "--quiet"
    )


def test_worker_processes_render_the_same_bytes() -> None:
    with chart_renderer(("png", "svg")) as here:
        local = here.render([_job()])
    with chart_renderer(("png", "svg"), workers=1) as pool:
        remote = pool.render([_job()])
        assert pool.pool is not None
    assert remote == local


RUN_CLI = """
import atexit, sys
from guarantor.cli import main
sys.argv = ["guarantor", *sys.argv[1:]]
@atexit.register  # the command ends with os._exit once its exit handlers have run
def imported():
    for name in ("matplotlib", "pandas", "xlsxwriter", "fpdf", "pulp"):
        print(f"{name} imported:", name in sys.modules, file=sys.stderr)
main()
"""


def test_real_command_renders_on_workers_and_leaves_no_process(tmp_path: Path) -> None:
    """The console command hands its report to workers (it never imports matplotlib, pandas,
    XlsxWriter or fpdf2 itself, the brief's PDF included), writes the same files as an in-process
    run, and no process of its group (workers, their fork server, the resource tracker) outlives it."""
    for choice in ("both", "none"):
        stderr = run_command(
            "solve", str(MINI), "--out", str(tmp_path / f"w-{choice}"), "--quiet", "--charts", choice,
            env={"GUARANTOR_CHART_WORKERS": "2"},
        )  # fmt: skip
        assert "matplotlib imported: False" in stderr and "pandas imported: False" in stderr
        assert "xlsxwriter imported: False" in stderr and "fpdf imported: False" in stderr
        CliRunner().invoke(app, ["solve", str(MINI), "--out", str(tmp_path / f"p-{choice}"), "--quiet",
                                 "--charts", choice])  # fmt: skip
        workers, here = (_files(tmp_path / f"{kind}-{choice}" / "mini-baseline") for kind in ("w", "p"))
        assert workers == here
        assert len([name for name in here if name.startswith("charts/")]) == (10 if choice == "both" else 0)


def _files(folder: Path) -> dict[str, bytes]:
    """Every file of a report whose bytes do not hold the run's time (text files with it blanked)."""
    import json

    created = json.loads((folder / "results.json").read_text())["manifest"]["created_at"]
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix not in (".pdf", ".xlsx"):
            files[str(path.relative_to(folder))] = path.read_bytes().replace(created.encode(), b"T")
    assert {"allocations.csv", "report.md", "report.html", "brief.html"} <= set(files)
    return files


def test_prestart_reads_only_what_it_needs() -> None:
    """`solve` starts its workers' server before parsing; what it imports follows `--charts`."""
    from guarantor.cli.prestart import preload_for
    from guarantor.report.rendering import CHART_PRELOAD, DOCUMENT_PRELOAD

    assert preload_for(["solve", "a.yaml"]) == CHART_PRELOAD
    assert preload_for(["solve", "a.yaml", "--charts", "none"]) == DOCUMENT_PRELOAD
    assert preload_for(["solve", "--charts=none", "a.yaml"]) == DOCUMENT_PRELOAD
    assert preload_for(["solve", "a.yaml", "--charts", "svg"]) == CHART_PRELOAD
    for argv in (["solve", "a.yaml", "--fast"], ["solve", "--help"], ["compare", "a", "b"], []):
        assert preload_for(argv) is None


SIGTERM_RUN = """
import os, signal, sys, threading
from guarantor.cli.app import main
sys.argv = ["guarantor", *sys.argv[1:]]
from guarantor.analysis import uncertainty
solve = uncertainty.chunks_local
def chunks(plan, pool):
    for n, part in enumerate(solve(plan, pool)):
        if n == 1:  # the workers are solving: terminated as by `kill`
            os.kill(os.getpid(), signal.SIGTERM)
        yield part
uncertainty.chunks_local = chunks
main()
"""


def test_sigterm_stops_uncertainty_cleanly(tmp_path: Path) -> None:
    """SIGTERM while workers solve: exit 143, no worker traceback, nothing left running, no report."""
    scenario = str(ROOT / "scenarios" / "uncertain_costs.yaml")
    args = ["uncertainty", scenario, "--samples", "4000", "--workers", "2", "--out", str(tmp_path), "--quiet"]
    with subprocess.Popen(
        [sys.executable, "-c", SIGTERM_RUN, *args],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        cwd=ROOT,
    ) as child:
        _, stderr = child.communicate(timeout=300)
    assert child.returncode == 143, stderr
    assert "Traceback" not in stderr and "leaked" not in stderr, stderr
    with pytest.raises(ProcessLookupError):
        os.killpg(child.pid, 0)
    assert not any(tmp_path.iterdir())  # the report folder is written whole or not at all


def test_the_console_command_ends_with_its_exit_code_and_all_its_output(tmp_path: Path) -> None:
    """The command skips the interpreter's teardown (`cli.finish`): exit codes, every line of
    output (piped, so buffered) and the files are still all there."""
    missing = subprocess.run(
        [sys.executable, "-m", "guarantor", "solve", str(tmp_path / "nope.yaml")],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert missing.returncode == 2 and "file not found" in missing.stderr
    done = subprocess.run(
        [sys.executable, "-m", "guarantor", "solve", str(MINI), "--out", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "report:" in done.stdout and done.stdout.rstrip().endswith(str(tmp_path / "mini-baseline"))
    assert (tmp_path / "mini-baseline" / "report.xlsx").stat().st_size > 0
    bad = subprocess.run([sys.executable, "-m", "guarantor", "bogus"], capture_output=True, text=True)
    assert bad.returncode == 2 and "No such command" in bad.stderr
