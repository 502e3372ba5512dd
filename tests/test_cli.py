"""The command line: exit codes 0/1/2/3/4, --json, --quiet, --version, --debug, safe output names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guarantor import __version__
from guarantor.cli.app import app
from guarantor.report import reporting

ROOT = Path(__file__).resolve().parent.parent
MINI = "tests/fixtures/mini-baseline.yaml"
INFEASIBLE = ["--set", "requirements.ground_troops=100000"]
REQUIRED_KEYS = {
    "scenario", "status", "objective_value", "total_cost_usd", "us_air_support", "troops", "funding_usd",
    "shares", "constraints", "manifest",
}  # fmt: skip
runner = CliRunner()


@pytest.fixture(autouse=True)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str | Path) -> object:
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"guarantor {__version__}"


def test_solve_exit_0_writes_the_folder(tmp_path: Path) -> None:
    result = run("solve", MINI, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "Who deploys what" in result.stdout and "Binding constraints" in result.stdout
    assert (tmp_path / "mini-baseline" / "report.html").exists()


def test_infeasible_exit_3_prints_and_writes_the_diagnosis(tmp_path: Path) -> None:
    result = run("solve", MINI, *INFEASIBLE, "--out", tmp_path)
    assert result.exit_code == 3
    assert "Smallest change that makes it feasible" in result.stdout
    data = json.loads((tmp_path / "mini-baseline" / "results.json").read_text())
    assert data["status"] == "infeasible" and data["diagnosis"]["relaxations"]
    assert "## Why no plan exists" in (tmp_path / "mini-baseline" / "report.md").read_text()


def test_time_limit_without_solution_exit_4(tmp_path: Path) -> None:
    """A time limit far below what presolve needs leaves the solver without a solution."""
    result = run("solve", MINI, "--time-limit", "0.00001", "--out", tmp_path, "--quiet")
    assert result.exit_code == 4
    data = json.loads((tmp_path / "mini-baseline" / "results.json").read_text())
    assert data["status"] == "no_solution"
    assert "returned no solution" in (tmp_path / "mini-baseline" / "report.md").read_text()


@pytest.mark.parametrize(
    "args",
    [
        ["solve", "no/such/file.yaml"],
        ["solve", MINI, "--set", "requirements.ground_troops=lots"],
        ["solve", MINI, "--solver", "gurobi"],
        ["compare", MINI],
        ["solve", MINI, "--no-such-option"],
    ],
)
def test_input_and_usage_errors_exit_2(args: list[str], tmp_path: Path) -> None:
    result = run(*args, "--out", tmp_path)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir())  # nothing written


def test_worst_outcome_wins_across_scenarios(tmp_path: Path) -> None:
    feasible = tmp_path / "ok.yaml"
    feasible.write_text(
        f"extends: {ROOT / MINI}\nname: ok\nmodel: {ROOT / 'tests/fixtures/mini-model.yaml'}\n"
    )
    result = run("solve", feasible, MINI, *INFEASIBLE, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 3
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["index.html", "mini-baseline", "ok"]


def test_internal_error_exit_1_without_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(reporting, "write_solve_report", broken)
    result = run("solve", MINI, "--out", tmp_path)
    assert result.exit_code == 1
    assert "internal error: RuntimeError: boom" in result.stderr
    assert "Traceback" not in result.output
    debug = run("--debug", "solve", MINI, "--out", tmp_path)
    assert debug.exit_code == 1 and "Traceback" in debug.stderr


def test_input_error_details_only_with_debug(tmp_path: Path) -> None:
    plain = run("solve", "no/such/file.yaml", "--out", tmp_path)
    assert plain.exit_code == 2 and "error:" in plain.stderr and "Traceback" not in plain.output
    debug = run("--debug", "solve", "no/such/file.yaml", "--out", tmp_path)
    assert debug.exit_code == 2 and "guarantor.errors.InputError" in debug.stderr


def test_json_output_is_valid_json_with_the_required_keys(tmp_path: Path) -> None:
    result = run("solve", MINI, "--json", "--out", tmp_path)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data.keys() >= REQUIRED_KEYS
    both = run("solve", MINI, MINI, "--json", "--out", tmp_path)
    assert [d["scenario"] for d in json.loads(both.stdout)] == ["mini-baseline", "mini-baseline"]


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    result = run("solve", MINI, "--quiet", "--out", tmp_path)
    assert result.exit_code == 0 and result.stdout == ""
    assert (tmp_path / "mini-baseline" / "results.json").exists()


def test_output_names_are_sanitised(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = run("solve", MINI, "--set", "name=../../evil", "--out", out, "--quiet")
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]
    names = sorted(p.name for p in out.iterdir())
    assert names[1] == "index.html" and names[0].startswith("evil-") and len(names) == 2


def test_failed_run_keeps_the_previous_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("solve", MINI, "--out", tmp_path, "--quiet").exit_code == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    def broken(*args: object) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(reporting, "chart_files", broken)
    result = run("solve", MINI, "--set", "requirements.ground_troops=12000", "--out", tmp_path, "--quiet")
    assert result.exit_code == 1
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_compare_side_by_side(tmp_path: Path) -> None:
    result = run("compare", MINI, MINI, "--set", "policy.europe_min_cost_share.value=0.75", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "Scenarios side by side" in result.stdout and "mini-baseline#2" in result.stdout
    folder = tmp_path / "compare-mini-baseline-mini-baseline-2"
    assert (folder / "report.html").exists() and (folder / "comparison.json").exists()


def test_compare_json_and_exit_code(tmp_path: Path) -> None:
    ok = tmp_path / "ok.yaml"
    ok.write_text(f"extends: {ROOT / MINI}\nname: ok\nmodel: {ROOT / 'tests/fixtures/mini-model.yaml'}\n")
    result = run("compare", ok, MINI, *INFEASIBLE, "--json", "--out", tmp_path)
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert data["scenarios"] == ["ok", "mini-baseline"]
    assert data["summary"]["mini-baseline"]["status"] == "infeasible"
    assert not (tmp_path / "compare-ok-mini-baseline" / "charts").exists()  # nothing solved, nothing drawn


@pytest.mark.parametrize("argv", [["--help"], ["solve", "--help"], ["validate", "--bogus"]])
def test_help_and_usage_errors_import_no_formatter_or_report(argv: list[str]) -> None:
    """The real entry point with `--help` or a usage error: no rich (click's plain help), no report
    stack, no solver; the modules are listed by an exit handler, which `finish` runs."""
    code = (
        "import atexit, sys; sys.argv = ['guarantor', *sys.argv[1:]]; "
        "heavy = ('rich', 'typer.rich_utils', 'guarantor.report.rendering', 'pandas', 'matplotlib', 'pulp'); "
        "loaded = lambda: sorted(m for m in heavy if m in sys.modules); "
        "atexit.register(lambda: print('loaded:', loaded(), file=sys.stderr)); "
        "from guarantor.cli import main; main()"
    )
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True)
    assert out.returncode == (0 if "--help" in argv else 2)
    assert "loaded: []" in out.stderr
    assert "Usage: guarantor" in out.stdout + out.stderr


SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.slow
@pytest.mark.skipif(not SCENARIOS, reason="no shipped scenarios yet")
def test_solve_every_shipped_scenario(tmp_path: Path) -> None:
    """`guarantor solve scenarios/*.yaml`: a complete folder per feasible scenario, a diagnosis otherwise."""
    result = run("solve", *(p.relative_to(ROOT) for p in SCENARIOS), "--out", tmp_path, "--quiet")
    statuses = {}
    for folder in sorted(p for p in tmp_path.iterdir() if p.is_dir()):
        data = json.loads((folder / "results.json").read_text())
        statuses[data["scenario"]] = data["status"]
        files = {p.name for p in folder.iterdir()}
        assert {"results.json", "report.md", "report.html"} <= files
        if data["status"] == "infeasible":
            assert data["diagnosis"]["relaxations"], folder
        else:
            assert data.keys() >= REQUIRED_KEYS, folder
            assert {"allocations.csv", "funding.csv", "charts"} <= files, folder
            charts = {p.stem for p in (folder / "charts").glob("*.svg")}
            assert {"troops", "funding", "shares", "coverage", "tiers"} <= charts, folder
            if len(data["periods"]) > 1:
                assert {"troops_over_time", "funding_over_time", "us_tier_over_time"} <= charts, folder
                assert (folder / "troops_by_period.csv").exists()
    assert len(statuses) == len(SCENARIOS)
    expected = 3 if "infeasible" in statuses.values() else 0
    assert result.exit_code == expected, statuses


def test_python_dash_m_runs_the_cli() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "guarantor", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"guarantor {__version__}"
