"""End-to-end solve of the small fixture model through the library API."""

from __future__ import annotations

from pathlib import Path

from guarantor.answer.checker import check_solution
from guarantor.api import solve_file
from guarantor.model.params import build_params
from guarantor.scenario.loading import load_scenario
from guarantor.solve.solving import Status


def test_mini_baseline_solves_and_passes_checker(mini_baseline: Path) -> None:
    result = solve_file(mini_baseline)
    assert result.status == Status.optimal
    assert result.metrics is not None and result.decisions is not None
    # 15,000 troops: France 10,000 (its sustainable maximum), Canada 3,000, UK the rest
    assert (
        result.decisions.ground(build_params(load_scenario(mini_baseline).scenario), "france", "year")
        == 10_000
    )
    assert result.metrics.europe_troop_share >= 0.8 - 1e-9
    loaded = load_scenario(mini_baseline)
    assert check_solution(build_params(loaded.scenario), result.decisions) == []


def test_mip_duals_are_computed_with_integers_fixed(mini_baseline: Path) -> None:
    result = solve_file(mini_baseline)
    assert result.duals_method == "fixed_integers"
    requirement = next(c for c in result.constraints if c.name == "requirement_ground_troops")
    # the marginal troop comes from the UK at $220,000 a year
    assert requirement.shadow_price == 0.22
    assert "costs $220,000" in requirement.explanation
