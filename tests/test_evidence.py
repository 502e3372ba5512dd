"""Published estimates beside Guarantor's figures, and the graded inventory of every figure.

The baseline on the incremental basis must sit inside the range of published incremental
costings for a ground force; the panel must appear in every solve report; `guarantor
sources` must list weak evidence first, and the swing it prints is confirmed by a re-solve.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guarantor.answer.basis import ground_cost, params_on
from guarantor.api import solve_file
from guarantor.cli.app import app
from guarantor.report.estimates import estimate_rows, plan_troops, published_range
from guarantor.report.sources import WEAKNESS, evidence_mix, figure_inventory
from guarantor.scenario.loading import load_model, load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
MODEL = ROOT / "models" / "coalition-2025.yaml"
runner = CliRunner()


def test_baseline_incremental_cost_lies_inside_the_published_range() -> None:
    """Incremental cost per soldier-year: German brigade's stationing extra <= Guarantor <= Canada's eFP.

    And close (within 25%) to the most-quoted costing of a comparable force, Bloomberg's 40,000.
    """
    for overrides in ((), ("cost_basis=incremental",)):
        result = solve_file(BASELINE, overrides)
        scenario = load_scenario(BASELINE, overrides).scenario
        assert result.decisions is not None
        incremental = params_on(scenario, "incremental")
        per_soldier = ground_cost(incremental, result.decisions) / plan_troops(incremental, result.decisions)
        span = published_range(scenario, "incremental")
        assert span is not None
        assert span[0] <= per_soldier <= span[1]
        bloomberg = next(r for r in estimate_rows(scenario, result.decisions) if r.id == "bloomberg_40k")
        assert bloomberg.ratio is not None and 1 / 1.25 <= bloomberg.ratio <= 1.25
        assert bloomberg.why.startswith("close")


def test_full_basis_is_compared_with_fully_loaded_estimates_only() -> None:
    result = solve_file(BASELINE)
    scenario = load_scenario(BASELINE).scenario
    assert result.decisions is not None
    rows = {r.id: r for r in estimate_rows(scenario, result.decisions)}
    assert rows["german_brigade_operating"].basis == "full"
    assert rows["german_brigade_extra"].basis == "incremental"
    full = ground_cost(params_on(scenario, "full"), result.decisions)
    assert rows["german_brigade_operating"].guarantor_usd_m == pytest.approx(full)
    assert rows["csba_no_fly_zone"].ratio is None  # the baseline's US tier is not a no-fly zone
    assert rows["kiel_bruegel"].why.startswith("context only")


@pytest.mark.parametrize("name", ["baseline", "no_fly_zone", "infeasible_overreach"])
def test_every_solve_report_has_the_panel_the_basis_and_the_evidence(name: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["solve", f"scenarios/{name}.yaml", "--out", str(tmp_path)])
    assert result.exit_code in (0, 3), result.output
    report = (tmp_path / name / "report.md").read_text()
    payload = json.loads((tmp_path / name / "results.json").read_text())
    assert "## Published estimates beside Guarantor's figures" in report
    assert len(payload["published_estimates"]) == 12
    assert "## How strong is the evidence" in report
    if name != "infeasible_overreach":
        assert "fully loaded cost: $" in result.stdout and "; incremental: $" in result.stdout
        assert "published: Bloomberg Economics" in result.stdout
        assert set(payload["cost_basis"]["annual_cost_usd_m"]) == {"full", "incremental"}
    if name == "no_fly_zone":
        csba = next(r for r in payload["published_estimates"] if r["id"] == "csba_no_fly_zone")
        assert csba["basis"] == "incremental" and csba["why"].startswith("inside the published range")


def test_report_states_the_mix_and_the_weak_figures_that_bind(tmp_path: Path) -> None:
    runner.invoke(app, ["solve", "scenarios/baseline.yaml", "--out", str(tmp_path)])
    report = (tmp_path / "baseline" / "report.md").read_text()
    loaded = load_scenario(BASELINE)
    rows = figure_inventory(loaded.resolved.data["model"])
    assert evidence_mix(rows) in report
    weak = report.split("*Weak figures that shape the answer*")[1].split("\n## ")[0]
    assert "contributors.france.cost_per_soldier_year_usd" in weak  # France deploys: its cost prices it
    assert "contributors.italy.cost_per_soldier_year_usd" not in weak  # Italy sends no troops


def test_sources_of_the_model_lists_weak_evidence_and_every_source_is_graded() -> None:
    result = runner.invoke(app, ["sources", str(MODEL), "--grade", "C", "--json", "--as-of", "2026"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["figures"] and {f["grade"] for f in data["figures"]} <= {"C", "assumption"}
    ranks = [WEAKNESS[f["grade"]] for f in data["figures"]]
    assert ranks == sorted(ranks)
    model, _ = load_model(MODEL)
    assert all(entry.grade for entry in model.sources.values())
    ages = [f for f in data["figures"] if f["year"] is not None]
    assert all(f["age"] == 2026 - f["year"] for f in ages)
    bad = runner.invoke(app, ["sources", str(MODEL), "--grade", "D"])
    assert bad.exit_code == 2 and "unknown grade 'D'" in bad.output


def test_sources_of_a_scenario_ranks_by_swing_and_the_swing_is_real() -> None:
    result = runner.invoke(app, ["sources", str(BASELINE), "--grade", "assumption", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["figures"]
    swings = [f["swing"] for f in figures]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    top = figures[0]
    base = solve_file(BASELINE).objective_value
    path = f"model.{top['path']}.value"
    low = solve_file(BASELINE, (f"{path}={top['value'] * 0.8}",)).objective_value
    high = solve_file(BASELINE, (f"{path}={top['value'] * 1.2}",)).objective_value
    assert base is not None and low is not None and high is not None
    assert max(base, low, high) - min(base, low, high) == pytest.approx(top["swing"], rel=1e-6)
