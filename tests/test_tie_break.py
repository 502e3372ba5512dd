"""Tie-break rules choose among equally cheap plans: the cost never moves, and the choice is deterministic."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import FIXTURES
from generated import scenarios
from guarantor.answer.checker import check_solution
from guarantor.api import load_data, solve_file, solve_scenario
from guarantor.model.params import build_params
from guarantor.report.payload import decisions_payload
from guarantor.scenario.loading import load_scenario

SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
TWINS = FIXTURES / "mini-twins.yaml"


def with_rule(data: dict[str, Any], rule: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data.setdefault("objective", {})["tie_break"] = rule
    return data


@SETTINGS
@given(scenarios())
def test_tie_break_leaves_the_optimal_cost_unchanged(data: dict[str, Any]) -> None:
    results = {
        rule: solve_scenario(load_data(with_rule(data, rule)))
        for rule in ("none", "spread_by_gdp", "fewest_contributors")
    }
    values = {rule: r.objective_value for rule, r in results.items()}
    if values["none"] is None:
        assert all(v is None for v in values.values())
        return
    for rule, result in results.items():
        assert result.objective_value == pytest.approx(values["none"], rel=1e-9, abs=1e-6), rule
        assert result.decisions is not None
        loaded = load_data(with_rule(data, rule))
        assert check_solution(build_params(loaded.scenario), result.decisions) == []


def test_spread_by_gdp_splits_interchangeable_troops_by_gdp() -> None:
    # France (GDP 3,000) and the UK (3,500) cost the same: 12,000 troops split 3,000 : 3,500 as far as
    # each can (both can send up to 10,000), Canada's 3,000 being cheaper.
    result = solve_file(TWINS)
    assert result.tie_break == "spread_by_gdp"
    d = result.decisions
    assert d is not None
    france, uk = (d.amounts[(c, "ground_troops", "year")] for c in ("france", "united_kingdom"))
    assert france + uk == pytest.approx(12000)
    assert uk > france > 0


def test_fewest_contributors_uses_as_few_contingents_as_possible() -> None:
    rule, need = "objective.tie_break=fewest_contributors", "requirements.ground_troops=13000"
    result = solve_file(TWINS, [rule, need])
    d = result.decisions
    assert d is not None
    deploying = [c for (c, k, _), v in d.amounts.items() if k == "ground_troops" and v > 0]
    assert len(deploying) == 2  # Canada (cheapest, 3,000) and one twin with all 10,000 it can keep
    spread = solve_file(TWINS, [need]).decisions
    assert spread is not None
    assert len([c for (c, k, _), v in spread.amounts.items() if k == "ground_troops" and v > 0]) == 3


def test_tie_break_is_deterministic_and_reported(tmp_path: Path) -> None:
    loaded = load_scenario(Path("scenarios/baseline.yaml"))
    first = decisions_payload(solve_scenario(loaded).decisions)  # type: ignore[arg-type]
    second = decisions_payload(solve_scenario(load_scenario(Path("scenarios/baseline.yaml"))).decisions)  # type: ignore[arg-type]
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    from typer.testing import CliRunner

    from guarantor.cli.app import app

    outcome = CliRunner().invoke(app, ["solve", str(TWINS), "--out", str(tmp_path), "--no-robustness"])
    assert "Tie-break among equally cheap plans: spread_by_gdp" in outcome.output
    assert json.loads((tmp_path / "mini-twins" / "results.json").read_text())["tie_break"] == "spread_by_gdp"
    assert "`spread_by_gdp`" in (tmp_path / "mini-twins" / "report.md").read_text()
