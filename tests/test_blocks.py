"""Capabilities deployed in blocks (`unit_size > 1`): model, metrics, checker and diagnosis agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from guarantor.answer.checker import check_solution
from guarantor.api import solve_scenario
from guarantor.model.params import build_params
from guarantor.scenario.loading import load_scenario

BLOCKS = FIXTURES / "mini-blocks.yaml"


def test_blocks_solve_and_pass_the_checker() -> None:
    loaded = load_scenario(BLOCKS)
    result = solve_scenario(loaded)
    assert result.decisions is not None and result.metrics is not None
    params = build_params(loaded.scenario)
    assert check_solution(params, result.decisions, loaded.origin_of) == []
    d = result.decisions
    troops = {c.id: d.ground(params, c.id, "year") for c in params.contributors}
    assert all(v % 500 == 0 for v in troops.values())
    assert sum(troops.values()) == 15500  # 15,250 rounded up to whole 500-troop blocks
    batteries = {c: v for (c, k, _), v in d.amounts.items() if k == "air_defence"}
    assert all(v % 2 == 0 for v in batteries.values())
    assert batteries.get("united_kingdom", 0.0) == 0  # one battery available: not a pair


def test_block_costs_are_per_unit_not_per_block() -> None:
    loaded = load_scenario(BLOCKS)
    result = solve_scenario(loaded)
    assert result.decisions is not None and result.metrics is not None
    params = build_params(loaded.scenario)
    expected = sum(
        v * (c.troop_cost_usd_m if k == params.ground else c.offers[k][1])
        for c in params.contributors
        for (cid, k, _), v in result.decisions.amounts.items()
        if cid == c.id
    )
    tier = next(t for t in params.tiers if t.id == result.decisions.tier["year"])
    expected += tier.cost_usd_m + (params.c2_cost_usd_m if result.decisions.us_command["year"] else 0.0)
    assert result.metrics.total_cost_usd_m == pytest.approx(expected, rel=1e-9)
    assert result.objective_value == pytest.approx(expected, rel=1e-9)


def test_block_solve_from_the_cli_exits_zero(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from guarantor.cli.app import app

    outcome = CliRunner().invoke(app, ["solve", str(BLOCKS), "--out", str(tmp_path), "--quiet"])
    assert outcome.exit_code == 0, outcome.output


def test_diagnosis_capacity_counts_only_contingents_that_can_deploy() -> None:
    result = solve_scenario(load_scenario(Path("scenarios/infeasible_overreach.yaml")))
    assert result.diagnosis is not None
    assert "can sustain at most 23,634 troops" in result.diagnosis.summary
