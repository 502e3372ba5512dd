"""Objective values of the shipped scenarios, held so that model changes are deliberate.

When data or the formulation changes on purpose, update these numbers in the same commit and
say why in the message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SCENARIOS
from guarantor.api import solve_file

OBJECTIVES = {
    "baseline": 6830.915,
    "baseline_cheapest": 6765.155,
    "big_three_pledges": 8525.9,
    "budget_squeeze": 6830.915,
    "contributors_limited": 6959.885,
    "europe_alone": 6744.315,
    "fair_share": 6830.915,
    "infeasible_overreach": None,
    "large_peace_force": 15307.949767,
    "no_fly_zone": 16733.315,
    "reported_offers": 6830.915,
    "phased_handover": 32161.955917,
    "ten_year_force": 86355.95796,
    "uncertain_costs": 6809.015,
}


def test_every_shipped_scenario_has_a_held_objective() -> None:
    assert {p.stem for p in SCENARIOS} == set(OBJECTIVES)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_objective_is_unchanged(path: Path) -> None:
    expected = OBJECTIVES[path.stem]
    result = solve_file(path)
    if expected is None:
        assert result.objective_value is None
    else:
        assert result.objective_value == pytest.approx(expected, rel=1e-7)
