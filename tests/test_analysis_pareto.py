"""Trade-off frontiers: every point is a valid plan and none dominates another."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guarantor.analysis.pareto import OBJECTIVES, knee_point, nondominated, run_pareto
from guarantor.analysis.tables import pareto_tables
from guarantor.answer.checker import check_solution
from guarantor.answer.metrics import decisions_from_values
from guarantor.errors import InputError
from guarantor.scenario.loading import load_scenario

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def data() -> dict[str, object]:
    return load_scenario(FIXTURES / "mini-baseline.yaml").resolved.data


def _dominates(p: np.ndarray, q: np.ndarray, signs: np.ndarray) -> bool:
    a, b = p * signs, q * signs
    tol = 1e-6 * np.maximum(1.0, np.abs(np.vstack([p, q])).max(axis=0))
    return bool(np.all(a <= b + tol) and np.any(a < b - tol))


@pytest.mark.parametrize(
    "objectives",
    [
        ("cost", "us_involvement"),
        ("cost", "europe_share"),
        ("deployed_force", "cost"),
        ("europe_cost_share", "cost"),
    ],
)
def test_frontier_points_are_valid_and_nondominated(
    data: dict[str, object], objectives: tuple[str, str]
) -> None:
    result = run_pareto(data, objectives, points=7)
    assert len(result.values) >= 2
    for x in result.solutions:
        decisions = decisions_from_values(result.formulation, list(x))
        assert check_solution(result.formulation.params, decisions) == []
    signs = np.array([1.0 if OBJECTIVES[o][0] == "min" else -1.0 for o in objectives])
    for i, p in enumerate(result.values):
        for k, q in enumerate(result.values):
            assert i == k or not _dominates(p, q, signs)
    assert 0 <= result.knee < len(result.values)
    tables = pareto_tables(result)
    assert tables["frontier"]["knee"].sum() == 1
    assert set(tables["allocations"]["point"]) == set(range(len(result.values)))


def test_nondominated_and_knee_helpers() -> None:
    values = np.array([[1.0, 10.0], [2.0, 4.0], [3.0, 4.0], [4.0, 1.0], [2.0, 4.0]])
    assert nondominated(values, ("min", "min")) == [0, 1, 3]
    frontier = np.array([[0.0, 10.0], [1.0, 2.0], [10.0, 0.0]])
    assert knee_point(frontier) == 1


def test_bad_objectives_are_input_errors(data: dict[str, object]) -> None:
    with pytest.raises(InputError, match="two different objectives"):
        run_pareto(data, ("cost", "cost"))
    with pytest.raises(InputError, match="at most one"):
        run_pareto(data, ("europe_share", "europe_cost_share"))
