"""Hand-made plans: each plan in tests/plans/ asserts the violations it must produce."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guarantor.api import options_for, solve_scenario
from guarantor.errors import InputError
from guarantor.model.params import build_params
from guarantor.plans.evaluate import evaluate_plan
from guarantor.plans.plan import load_plan, write_plan
from guarantor.scenario.loading import load_scenario

PLANS = Path(__file__).parent / "plans"
SCENARIO = Path(__file__).parent / "fixtures" / "mini-baseline.yaml"

EXPECTED = {
    "overdeploy": {"sustainment", "stance"},  # air defence and HQ are left open: the completion adds them
    "share_too_low": {"europe_min_troop_share", "requirement_ground_troops"},
    "small_contingent": {"min_contingent"},
    "forbidden_tier": {"us_tier", "europe_min_cost_share"},  # troops are left open: no shortfall
}


def evaluate(name: str):  # type: ignore[no-untyped-def]
    loaded = load_scenario(SCENARIO)
    plan = load_plan(PLANS / f"{name}.yaml", build_params(loaded.scenario))
    return evaluate_plan(loaded, plan, options_for(loaded))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_plan_violations(name: str) -> None:
    evaluation = evaluate(name)
    assert not evaluation.feasible
    assert {v.rule for v in evaluation.violations} == EXPECTED[name]
    for violation in evaluation.violations:
        assert violation.amount > 0
        assert violation.origin, f"{violation.rule} has no YAML origin"


def test_violation_amounts_are_in_own_units() -> None:
    rules = {v.rule: v for v in evaluate("overdeploy").violations}
    assert rules["sustainment"].amount == pytest.approx(6000)  # 12,000 x 3 - 30,000 troops in pool
    assert rules["sustainment"].unit == "troops in pool"
    assert rules["stance"].amount == pytest.approx(2000)
    short = {v.rule: v for v in evaluate("share_too_low").violations}["requirement_ground_troops"]
    assert short.amount == pytest.approx(500)  # 9,000 + 2,500 + 3,000 fixed; nobody else may send troops
    assert short.unit == "troops"
    assert short.origin.endswith("mini-baseline.yaml:5:3")


def test_partial_plan_is_completed_optimally() -> None:
    evaluation = evaluate("partial")
    assert evaluation.feasible and evaluation.completed
    assert evaluation.decisions.amounts[("france", "ground_troops", "year")] == 8000
    assert any(item.startswith("United Kingdom") for item in evaluation.added)


def test_plan_names_are_checked() -> None:
    loaded = load_scenario(SCENARIO)
    with pytest.raises(InputError) as error:
        load_plan(PLANS / "typo.yaml", build_params(loaded.scenario))
    message = str(error.value.problems[0])
    assert "typo.yaml:3:3" in message and "did you mean 'france'" in message


def test_saved_optimal_plan_evaluates_clean_with_same_cost(tmp_path: Path) -> None:
    loaded = load_scenario(SCENARIO)
    result = solve_scenario(loaded)
    assert result.metrics is not None
    plan_file = tmp_path / "plan.yaml"
    write_plan(plan_file, result, loaded)
    evaluation = evaluate_plan(
        loaded, load_plan(plan_file, build_params(loaded.scenario)), options_for(loaded)
    )
    assert evaluation.feasible and evaluation.violations == []
    assert evaluation.metrics.total_cost_usd_m == pytest.approx(result.metrics.total_cost_usd_m)


def test_partial_plan_is_judged_only_on_what_it_fixes() -> None:
    """Fixing only a forbidden tier: no shortfall for the troops it left open, no cost below the optimum."""
    evaluation = evaluate("forbidden_tier")
    rules = {v.rule for v in evaluation.violations}
    assert not any(rule.startswith("requirement_") for rule in rules)
    assert evaluation.optimum_cost_usd_m is not None
    assert evaluation.metrics.total_cost_usd_m > evaluation.optimum_cost_usd_m
    assert "US tier: US enforces a no-fly zone instead of US supplies air defence" in evaluation.moved


def test_distance_from_the_optimum_names_who_moved() -> None:
    evaluation = evaluate("partial")
    assert evaluation.cost_above_optimum_usd_m == pytest.approx(40.0)
    assert evaluation.moved == ["France: −2,000 ground troops", "United Kingdom: +2,000 ground troops"]
    assert "United Kingdom: 4,000 ground troops" in evaluation.added  # names, not ids


def test_plan_for_another_scenario_is_flagged(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("scenario: baseline\ncontributions:\n  france: {ground_troops: 8000}\n")
    loaded = load_scenario(SCENARIO)
    evaluation = evaluate_plan(loaded, load_plan(plan, build_params(loaded.scenario)), options_for(loaded))
    assert any(
        "written for scenario 'baseline', evaluated here against 'mini-baseline'" in n
        for n in evaluation.notes
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (".nan", "expected a number >= 0, got nan"),
        (".inf", "expected a finite number, found inf"),
        ("1e20", "1e+20 is beyond the input limit of ±1,000,000,000"),
    ],
)
def test_plan_numbers_must_be_finite_and_bounded(tmp_path: Path, value: str, message: str) -> None:
    """NaN and infinity in a plan used to crash `evaluate`; they are located input errors."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"contributions:\n  france: {{ground_troops: {value}}}\n")
    loaded = load_scenario(SCENARIO)
    with pytest.raises(InputError) as caught:
        load_plan(plan, build_params(loaded.scenario))
    (problem,) = caught.value.problems
    assert problem.key_path == "contributions.france.ground_troops"
    assert problem.origin.line == 2 and message in problem.message


def test_evaluate_prints_the_distance_and_the_report_path(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from guarantor.cli.app import app

    plan = tmp_path / "mine.yaml"
    plan.write_text("scenario: baseline\ncontributions:\n  france: {ground_troops: 8000}\n")
    result = CliRunner().invoke(app, ["evaluate", str(SCENARIO), "--plan", str(plan), "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert "The plan costs $40.0 m more than the optimum of $3.37 bn (+1.2 %)." in result.stdout
    assert "- United Kingdom: +2,000 ground troops" in result.stdout
    assert f"report: {tmp_path / 'mini-baseline-plan-mine'}" in result.stdout
    assert "warning: " in result.stderr and "written for scenario 'baseline'" in result.stderr
    saved = json.loads((tmp_path / "mini-baseline-plan-mine" / "evaluation.json").read_text())
    assert saved["distance_from_optimum"]["above_optimum_usd"] == 40_000_000
