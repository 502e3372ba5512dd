"""Objectives beyond minimum cost, and the status mapping that never calls an incumbent optimal."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pulp
import pytest

from guarantor.api import solve_file
from guarantor.solve.solving import SolveOptions, Status, _status

SCENARIO = Path(__file__).parent / "fixtures" / "mini-baseline.yaml"


def test_min_us_involvement_drops_the_us_role() -> None:
    result = solve_file(SCENARIO, ["objective.type=min_us_involvement"])
    assert result.status == Status.optimal
    assert result.decisions is not None and result.metrics is not None
    assert result.decisions.tier["year"] == "none"
    assert result.metrics.escalation_risk == 0
    assert result.metrics.us_cost_usd_m == 0


def test_max_force_spends_the_budget_and_no_more() -> None:
    budget = 4000.0  # the cheapest plan costs 3,370
    result = solve_file(SCENARIO, ["objective.type=max_force", f"objective.budget_usd_m={budget}"])
    assert result.status == Status.optimal
    assert result.metrics is not None
    assert result.metrics.total_cost_usd_m <= budget + 1e-6
    assert result.objective_value == result.metrics.deployed_force
    assert result.metrics.deployed_force >= 15000  # the requirement still holds


def test_lexicographic_holds_the_first_optimum_within_tolerance() -> None:
    cheapest = solve_file(SCENARIO)
    assert cheapest.metrics is not None
    result = solve_file(
        SCENARIO,
        [
            "objective.type=lexicographic",
            "objective.priorities=[{metric: total_cost, tolerance: 0.1}, {metric: us_involvement}]",
        ],
    )
    assert result.status == Status.optimal and result.metrics is not None
    assert result.metrics.total_cost_usd_m <= 1.1 * cheapest.metrics.total_cost_usd_m + 1e-6
    # with 10 % slack on cost, Europe can replace the US air-defence supply
    assert result.metrics.escalation_risk < cheapest.metrics.escalation_risk


def test_weighted_objective_trades_cost_against_risk() -> None:
    heavy_risk = solve_file(
        SCENARIO,
        [
            "objective.type=weighted",
            "objective.weights=[{metric: total_cost, weight: 1}, {metric: escalation_risk, weight: 10000}]",
        ],
    )
    assert heavy_risk.metrics is not None and heavy_risk.metrics.escalation_risk == 0


@pytest.mark.parametrize(
    ("code", "has_solution", "gap", "requested", "expected"),
    [
        (pulp.LpSolveStatus.Optimal, True, 0.0, None, Status.optimal),
        (pulp.LpSolveStatus.TimeLimit, True, 0.05, None, Status.feasible),
        (pulp.LpSolveStatus.TimeLimit, True, 0.0, None, Status.feasible),
        (pulp.LpSolveStatus.Optimal, True, 0.004, 0.01, Status.feasible),
        (pulp.LpSolveStatus.GapLimit, True, 0.0, None, Status.optimal),
        (pulp.LpSolveStatus.GapLimit, True, 0.02, 0.05, Status.feasible),
        (pulp.LpSolveStatus.TimeLimit, False, None, None, Status.no_solution),
        (pulp.LpSolveStatus.Infeasible, False, None, None, Status.infeasible),
        (pulp.LpSolveStatus.Unbounded, False, None, None, Status.unbounded),
    ],
)
def test_status_mapping(
    code: pulp.LpSolveStatus, has_solution: bool, gap: float | None, requested: float | None, expected: Status
) -> None:
    stats = SimpleNamespace(status=code, has_solution=has_solution, gap_rel=gap)
    assert _status(stats, SolveOptions(gap=requested)) == expected
