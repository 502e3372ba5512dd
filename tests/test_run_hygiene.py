"""Runs never overwrite each other: --set folders, saved plans, name collisions, the index, stale staging."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guarantor.atomic import remove_stale
from guarantor.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests/fixtures/mini-baseline.yaml"
SET = ["--set", "requirements.ground_troops=12000"]


def run(*args: str | Path) -> object:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def child(folder: Path, name: str, extra: str = "") -> Path:
    path = folder / f"{name.replace(' ', '_')}.yaml"
    path.write_text(f"extends: {MINI}\nname: {name}\n{extra}")
    return path


def test_a_run_with_set_gets_its_own_folder_listing_the_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("solve", MINI, "--quiet").exit_code == 0
    plain = (tmp_path / "reports/mini-baseline/results.json").read_bytes()
    assert run("solve", MINI, *SET, "--quiet").exit_code == 0
    assert (tmp_path / "reports/mini-baseline/results.json").read_bytes() == plain  # untouched
    (what_if,) = [p for p in (tmp_path / "reports").iterdir() if p.name.startswith("mini-baseline-set-")]
    assert json.loads((what_if / "results.json").read_text())["metrics"]["deployed_force"] == 12000
    text = (what_if / "report.md").read_text()
    assert text.index("## Overrides (--set)") < text.index("## The question")
    assert "`requirements.ground_troops=12000`" in text
    assert "written before --set changed 1 value(s)" in text  # the question is marked, not passed off
    again = run("solve", MINI, "--set", "requirements.ground_troops=12000", "--quiet")
    assert again.exit_code == 0 and len(list((tmp_path / "reports").iterdir())) == 3  # 2 runs + index


def test_with_out_the_user_chooses_the_folder(tmp_path: Path) -> None:
    assert run("solve", MINI, *SET, "--out", tmp_path, "--quiet").exit_code == 0
    assert (tmp_path / "mini-baseline" / "results.json").is_file()


def test_saved_plans_survive_later_runs_and_their_hint_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("solve", MINI, "--save-plan", "--quiet").exit_code == 0
    plan = tmp_path / "reports/plans/mini-baseline.yaml"
    edited = plan.read_text() + "# my edit\n"
    plan.write_text(edited)
    assert run("solve", MINI, "--save-plan", "--quiet").exit_code == 0
    assert plan.read_text() == edited  # the edit is kept, the new plan numbered beside it
    second = tmp_path / "reports/plans/mini-baseline-2.yaml"
    assert second.is_file()
    assert run("solve", MINI, "--save-plan", "--quiet").exit_code == 0  # same plan again: no third copy
    assert sorted(p.name for p in plan.parent.iterdir()) == ["mini-baseline-2.yaml", "mini-baseline.yaml"]
    hint = next(line for line in second.read_text().splitlines() if "guarantor evaluate" in line)
    args = shlex.split(hint.split("run: guarantor ", 1)[1])
    result = run(*args, "--out", tmp_path / "evaluations")
    assert result.exit_code == 0, result.output


def test_names_that_sanitise_alike_get_separate_folders(tmp_path: Path) -> None:
    a, b = child(tmp_path, "a b"), child(tmp_path, "a-b")
    assert run("solve", a, b, "--out", tmp_path / "out", "--quiet").exit_code == 0
    folders = [p for p in (tmp_path / "out").iterdir() if p.is_dir()]
    owners = sorted(json.loads((p / "results.json").read_text())["scenario"] for p in folders)
    assert owners == ["a b", "a-b"]


def test_two_files_with_one_name_are_refused_not_overwritten(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir(), second.mkdir()
    one, two = child(first, "same"), child(second, "same", "requirements: {ground_troops: 12000}\n")
    result = run("solve", one, two, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 2
    assert "would write" in result.stderr and "give the scenarios different names" in result.stderr
    data = json.loads((tmp_path / "out/same/results.json").read_text())
    assert data["metrics"]["deployed_force"] == 15000  # the first one's report, intact


def test_a_folder_holding_another_scenario_is_not_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "mini-baseline"
    folder.mkdir()
    (folder / "run.json").write_text(json.dumps({"identity": {"kind": "solve", "scenario": "other"}}))
    result = run("solve", MINI, "--out", tmp_path, "--quiet")
    assert result.exit_code == 2 and "holds the solve report of scenario 'other'" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["run.json"]


def test_index_lists_every_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("solve", MINI, "--quiet").exit_code == 0
    assert run("solve", MINI, *SET, "--quiet").exit_code == 0
    index = (tmp_path / "reports/index.html").read_text()
    assert index.count("<tr><td>") == 2
    assert 'href="mini-baseline/report.html"' in index and "mini-baseline-set-" in index
    assert "Who sends what in the mini model?" in index and "requirements.ground_troops=12000" in index
    assert "total cost: $" in index and "Europe&#x27;s cost share" in index
    assert json.loads((tmp_path / "reports/mini-baseline/run.json").read_text())["created_at"][:4] in index


def test_stale_staging_and_backups_are_removed_on_the_next_run(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    stale = [tmp_path / f".mini-baseline.staging-{pid}-x1y2", tmp_path / f".mini-baseline.old-{pid}"]
    alive = tmp_path / f".other.staging-{os.getppid()}-abcd"  # a concurrent run: left alone
    for folder in [*stale, alive]:
        folder.mkdir()
        (folder / "results.json").write_text("{}")
    assert run("solve", MINI, "--out", tmp_path, "--quiet").exit_code == 0
    assert not any(p.exists() for p in stale) and alive.exists()
    assert remove_stale(tmp_path) == []


def test_inherited_description_is_marked(tmp_path: Path) -> None:
    parent = tmp_path / "parent.yaml"
    parent.write_text(f"extends: {MINI}\nname: parent\ndescription: The parent's 15,000-troop force.\n")
    kid = tmp_path / "kid.yaml"
    kid.write_text(f"extends: {parent}\nname: kid\nrequirements: {{ground_troops: 12000}}\n")
    assert run("solve", kid, "--out", tmp_path / "out", "--quiet").exit_code == 0
    text = (tmp_path / "out/kid/report.md").read_text()
    assert "The parent's 15,000-troop force. (inherited from " in text
