"""Analysis commands end to end: report folders with data, charts and documents; replot without solving."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guarantor.cli.app import app

FIXTURES = Path(__file__).parent / "fixtures"
MINI = str(FIXTURES / "mini-baseline.yaml")
COMMANDS = {
    "sweep": ["sweep", MINI, "--vary", "requirements.ground_troops=5000:25000:5"],
    "sensitivity": ["sensitivity", MINI, "--params", "requirements.ground_troops,requirements.air_defence"],
    "uncertainty": [
        "uncertainty",
        str(FIXTURES / "mini-uncertain.yaml"),
        "--samples",
        "300",
        "--seed",
        "5",
        "--workers",
        "1",
    ],
    "pareto": ["pareto", MINI, "--objectives", "cost,europe_share", "--points", "5"],
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    folders = {}
    for kind, args in COMMANDS.items():
        result = CliRunner().invoke(app, [*args, "--out", str(out), "--quiet"])
        assert result.exit_code == 0, result.output
        (folders[kind],) = [
            p for p in out.iterdir() if p.name.startswith(("mini-baseline-" + kind, "mini-uncertain-" + kind))
        ]
    return folders


@pytest.mark.parametrize("kind", list(COMMANDS))
def test_each_command_writes_a_complete_report(reports: dict[str, Path], kind: str) -> None:
    folder = reports[kind]
    info = json.loads((folder / "analysis.json").read_text())
    assert info["kind"] == kind
    for table in info["tables"]:
        assert (folder / "data" / f"{table}.parquet").is_file() and (
            folder / "data" / f"{table}.csv"
        ).is_file()
    svgs = sorted((folder / "charts").glob("*.svg"))
    assert svgs and all(p.with_suffix(".png").is_file() for p in svgs)
    markdown = (folder / "report.md").read_text()
    assert markdown.startswith("# ") and all(f"charts/{p.name}" in markdown for p in svgs)
    assert "<table>" in (folder / "report.html").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["analysis"] == kind and "highspy" in manifest["library_versions"]


def test_uncertainty_manifest_records_the_seed(reports: dict[str, Path]) -> None:
    manifest = json.loads((reports["uncertainty"] / "manifest.json").read_text())
    assert manifest["seed"] == 5


def test_replot_redraws_identically_without_solving(
    reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import guarantor.analysis.engine as engine

    def no_solving(*args: object, **kwargs: object) -> None:
        raise AssertionError("replot must not solve")

    monkeypatch.setattr(engine.Engine, "__init__", no_solving)
    for folder in reports.values():
        before = {p.name: p.read_bytes() for p in (folder / "charts").glob("*.svg")}
        for p in (folder / "charts").iterdir():
            p.unlink()
        result = CliRunner().invoke(app, ["replot", str(folder)])
        assert result.exit_code == 0, result.output
        after = {p.name: p.read_bytes() for p in (folder / "charts").glob("*.svg")}
        assert after == before  # deterministic SVG: same bytes from the same data


def test_replot_of_a_non_analysis_folder_fails_cleanly(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["replot", str(tmp_path)])
    assert result.exit_code == 2
    assert "not an analysis folder" in result.output


def test_bad_vary_is_an_input_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["sweep", MINI, "--vary", "requirements.nope=1,2", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "requirements.nope" in result.output


def test_cli_module_stays_light() -> None:
    """`guarantor --help` must not pay for numpy, pandas, matplotlib or HiGHS."""
    code = (
        "import sys, guarantor.cli.app; heavy = {'pandas', 'matplotlib', 'numpy', 'highspy', 'pulp'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert found.strip() == "[]"


@pytest.mark.parametrize("command", ["sweep", "sensitivity", "uncertainty", "pareto", "replot"])
def test_every_analysis_command_is_documented(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert len(result.output) > 200
