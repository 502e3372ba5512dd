"""Texts that quote a value follow it when --set changes it (questions, rule labels)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from guarantor.cli.app import app
from guarantor.scenario.loading import load_scenario
from guarantor.scenario.quoted import requote, updated_texts

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests/fixtures/mini-baseline.yaml"


def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "quoting.yaml"
    path.write_text(
        f"extends: {MINI}\nname: quoting\n"
        "question: Who sends a 15,000-troop force, with Europe paying at least 70%?\n"
        "policy:\n"
        "  europe_min_cost_share: {value: 0.7, label: Europe pays the lion's share (at least 70 %)}\n"
    )
    return path


def test_requote_keeps_the_form_of_the_number() -> None:
    assert requote("a 25,000-troop force", 25000, 40000) == "a 40,000-troop force"
    assert requote("(at least 75%)", 0.75, 0.8) == "(at least 80%)"
    assert requote("(at least 75 %)", 0.75, 0.8) == "(at least 80 %)"
    assert requote("125,000 troops", 25000, 40000) is None  # not the same number
    assert requote("division-sized", 25000, 40000) is None


def test_set_rewrites_the_texts_that_quote_the_changed_value(tmp_path: Path) -> None:
    sets = ["requirements.ground_troops=12000", "policy.europe_min_cost_share.value=0.8"]
    loaded = load_scenario(scenario(tmp_path), sets)
    assert loaded.scenario.question == "Who sends a 12,000-troop force, with Europe paying at least 80%?"
    assert (
        loaded.scenario.policy.europe_min_cost_share.label == "Europe pays the lion's share (at least 80 %)"
    )
    assert set(updated_texts(loaded.resolved.root)) == {"question", "policy.europe_min_cost_share.label"}
    untouched = load_scenario(scenario(tmp_path))
    assert untouched.scenario.question.startswith("Who sends a 15,000-troop force")


def test_the_report_marks_rewritten_texts_and_labels_follow(tmp_path: Path) -> None:
    path = scenario(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["solve", str(path), "--set", "policy.europe_min_cost_share.value=0.8", "--out", str(out), "--quiet"],
    )
    assert result.exit_code == 0, result.output
    text = (out / "quoting" / "report.md").read_text()
    assert "Europe paying at least 80%? (numbers in it updated by --set)" in text
    assert "(at least 80 %)" in text and "(at least 70 %)" not in text
