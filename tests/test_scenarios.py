"""Every shipped scenario, end to end through the library API, checked independently."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SCENARIOS
from guarantor.answer.checker import check_solution
from guarantor.api import options_for, solve_scenario
from guarantor.model.params import build_params
from guarantor.scenario.loading import load_scenario
from guarantor.solve.solving import SolveOptions, Status

INFEASIBLE = {"infeasible_overreach"}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenario_solves_or_is_diagnosed(path: Path) -> None:
    loaded = load_scenario(path)
    result = solve_scenario(loaded)
    if path.stem in INFEASIBLE:
        assert result.status == Status.infeasible
        assert result.diagnosis is not None and result.diagnosis.relaxations
        first = result.diagnosis.relaxations[0]
        assert first.origin.startswith(f"scenarios/{path.name}:")
        return
    assert result.status == Status.optimal
    assert result.decisions is not None
    assert check_solution(build_params(loaded.scenario), result.decisions, loaded.origin_of) == []


@pytest.mark.parametrize("path", [p for p in SCENARIOS if p.stem not in INFEASIBLE], ids=lambda p: p.stem)
def test_highs_and_cbc_agree(path: Path) -> None:
    loaded = load_scenario(path)
    highs = solve_scenario(loaded, options_for(loaded, solver="highs"))
    cbc = solve_scenario(loaded, SolveOptions(solver="cbc", time_limit=120))
    assert highs.status == cbc.status == Status.optimal
    assert cbc.objective_value == pytest.approx(highs.objective_value, rel=1e-6)


def test_infeasible_scenario_names_the_shortfall() -> None:
    loaded = load_scenario(Path("scenarios/infeasible_overreach.yaml"))
    result = solve_scenario(loaded)
    assert result.diagnosis is not None
    text = result.diagnosis.summary
    assert "Requirement: ground troops >= 200,000 troops" in text
    assert "short" in text and "can sustain at most" in text


def test_infeasible_scenario_lists_an_irreducible_conflict() -> None:
    result = solve_scenario(load_scenario(Path("scenarios/infeasible_overreach.yaml")))
    assert result.diagnosis is not None
    assert "HiGHS IIS" in result.diagnosis.method
    conflict = set(result.diagnosis.conflicting)
    # the requirement against the stances and sustainment limits that cap the force
    assert {"requirement_ground_troops", "stance_italy", "stance_poland", "sustainment_france"} <= conflict
