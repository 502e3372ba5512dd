"""Sweeps: grids from --vary, monotone cost in a requirement, tipping points where the US tier changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guarantor.analysis.engine import Engine
from guarantor.analysis.sweep import Prober, parse_vary, run_sweep
from guarantor.errors import InputError
from guarantor.scenario.loading import load_scenario

FIXTURES = Path(__file__).parent / "fixtures"
TIER_COST = "model.us_air_support_tiers.air_defence_supply.annual_cost_usd_m.value"


@pytest.fixture(scope="module")
def data() -> dict[str, object]:
    return load_scenario(FIXTURES / "mini-baseline.yaml").resolved.data


def test_vary_reads_ranges_and_lists(data: dict[str, object]) -> None:
    axis = parse_vary("requirements.ground_troops=10000:20000:5", data)
    assert axis.values == (10000.0, 12500.0, 15000.0, 17500.0, 20000.0)
    listed = parse_vary("model.us_air_support_tiers.air_defence_supply.annual_cost_usd_m=100,200", data)
    assert listed.path == TIER_COST  # a sourced figure's trailing `.value` may be omitted
    assert listed.values == (100.0, 200.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("requirements.ground_troops", "expected key.path="),
        ("requirements.nope=1,2", "no such key"),
        ("requirements.ground_troops=1:2:1", "STEPS"),
        ("name=1,2", "not a numeric input"),
        ("requirements.ground_troops=a,b", "cannot read values"),
    ],
)
def test_vary_errors_name_the_problem(data: dict[str, object], text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_vary(text, data)


def test_cost_never_falls_as_a_requirement_grows(data: dict[str, object]) -> None:
    axis = parse_vary("requirements.ground_troops=2000:24000:12", data)
    result = run_sweep(data, [axis])
    cost = result.outputs[:, result.output_names.index("total_cost_usd_m")]
    feasible = ~np.isnan(cost)
    assert feasible.sum() >= 8
    assert np.all(np.diff(cost[feasible]) >= -1e-6)
    # beyond what the coalition can sustain, the grid is marked infeasible, not dropped
    assert not feasible[-1] and len(result.grid) == 12


def test_tipping_point_is_where_the_tier_really_changes(data: dict[str, object]) -> None:
    axis = parse_vary(f"{TIER_COST}=0:600:4", data)
    result = run_sweep(data, [axis])
    assert len(result.tipping) == 1
    tip = result.tipping[0]
    assert (tip["tier_below"], tip["tier_above"]) == ("air_defence_supply", "none")
    prober = Prober(Engine(data))
    tiers = prober.extractor.tiers
    step = 1e-3 * tip["value"]
    assert tiers[prober.tier({TIER_COST: tip["value"] - step})] == "air_defence_supply"
    assert tiers[prober.tier({TIER_COST: tip["value"] + step})] == "none"


def test_two_dimensional_grid(data: dict[str, object]) -> None:
    axes = [
        parse_vary(f"{TIER_COST}=0:600:3", data),
        parse_vary("requirements.ground_troops=10000,20000", data),
    ]
    result = run_sweep(data, axes)
    assert result.grid.shape == (6, 2)
    assert {t["path"] for t in result.tipping} == {TIER_COST}
    assert all("at_requirements.ground_troops" in t for t in result.tipping)


def test_lexicographic_objectives_take_the_standard_path(data: dict[str, object]) -> None:
    from guarantor.scenario.paths import with_values

    lexicographic = with_values(
        data,
        {
            "objective": {
                "type": "lexicographic",
                "priorities": [{"metric": "total_cost"}, {"metric": "us_involvement"}],
            }
        },
    )
    axis = parse_vary("requirements.ground_troops=6000:14000:3", lexicographic)
    result = run_sweep(lexicographic, [axis, parse_vary("requirements.air_defence=3", lexicographic)])
    cost = result.outputs[:, result.output_names.index("total_cost_usd_m")]
    assert not np.isnan(cost).any() and np.all(np.diff(cost) >= -1e-6)
