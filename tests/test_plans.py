"""Hand-made plans: each plan in tests/plans/ asserts the violations it must produce."""

from __future__ import annotations

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
    "overdeploy": {
        "requirement_ground_troops",
        "requirement_air_defence",
        "requirement_headquarters",
        "sustainment",
        "stance",
    },
    "share_too_low": {"europe_min_troop_share", "requirement_ground_troops"},
    "small_contingent": {"min_contingent"},
    "forbidden_tier": {
        "us_tier",
        "requirement_ground_troops",
        "requirement_headquarters",
        "europe_min_cost_share",
    },
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
    assert rules["requirement_ground_troops"].amount == pytest.approx(1000)
    assert rules["requirement_ground_troops"].unit == "troops"
    assert rules["requirement_ground_troops"].origin.endswith("mini-baseline.yaml:5:3")


def test_partial_plan_is_completed_optimally() -> None:
    evaluation = evaluate("partial")
    assert evaluation.feasible and evaluation.completed
    assert evaluation.decisions.amounts[("france", "ground_troops", "year")] == 8000
    assert any(item.startswith("united_kingdom") for item in evaluation.added)


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
