"""Alternative optima and near-optimal ranges: exact on a model with known ties, attained by checked plans."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import FIXTURES
from guarantor.answer.checker import check_solution
from guarantor.answer.results import Robustness
from guarantor.answer.robustness import near_optimal, plan_of
from guarantor.model.build import formulate
from guarantor.model.formulation import Formulation
from guarantor.scenario.loading import load_scenario
from guarantor.solve.pipeline import options_for, solve_formulation

TWINS = FIXTURES / "mini-twins.yaml"


def search(path: Path, slack: float, which: str = "all", plans: int = 0) -> tuple[Formulation, Robustness]:
    loaded = load_scenario(path)
    f = formulate(loaded)
    raw = solve_formulation(f, options_for(loaded))
    return f, near_optimal(f, raw.values, slack, which, plans)


def ranges(r: Robustness, item: str = "ground_troops") -> dict[str, tuple[float, float, str]]:
    return {x.contributor: (x.min, x.max, x.cls) for x in r.items if x.item == item}


def test_two_identical_contributors_give_exact_ranges() -> None:
    _, r = search(TWINS, 0.0)
    troops = ranges(r)
    assert troops["canada"] == (3000.0, 3000.0, "firm")
    assert troops["france"] == (2000.0, 10000.0, "flexible")
    assert troops["united_kingdom"] == (2000.0, 10000.0, "flexible")
    assert troops["poland"][2] == "absent" and troops["united_states"][2] == "absent"
    pays = ranges(r, "funding_usd_m")
    assert pays["france"] == (400.0, 2000.0, "flexible")
    uk = r.item("united_kingdom", "ground_troops", "year")
    assert uk is not None and uk.trades_with == ("france",)
    assert "can come from" in r.headline and "Canada's 3,000" in r.headline


def test_slack_widens_ranges_by_the_known_amount() -> None:
    # optimum 3,000 x 150k + 12,000 x 200k = USD 2,850 m; 1% is 28.5 m, which replaces
    # 570 Canadian troops by French or British ones at 50k more each.
    _, r = search(TWINS, 0.01)
    assert r.bound == pytest.approx(2878.5, abs=1e-6)
    assert ranges(r)["canada"][:2] == (2430.0, 3000.0)


@pytest.mark.parametrize("path", [FIXTURES / "mini-baseline.yaml", FIXTURES / "mini-blocks.yaml", TWINS])
def test_every_bound_is_attained_by_a_plan_that_passes_the_checker(path: Path) -> None:
    f, r = search(path, 0.02)
    for x in r.items:
        for maximum in (False, True):
            plan = plan_of(f, r, x, maximum)
            assert check_solution(f.params, plan.decisions) == []
            assert plan.objective_value <= r.bound + 1e-6
            value = (
                plan.decisions.funding.get((x.contributor, x.period), 0.0)
                if x.item == "funding_usd_m"
                else plan.decisions.amounts.get((x.contributor, x.item, x.period), 0.0)
            )
            assert value == pytest.approx(x.max if maximum else x.min, rel=1e-6, abs=1e-3)


def test_listed_plans_are_distinct_and_checked() -> None:
    _, r = search(FIXTURES / "mini-baseline.yaml", 0.02, plans=3)
    assert r.plans[0].label == "reported plan"
    assert 2 <= len(r.plans) <= 4
    assert all(not p.violations for p in r.plans)
    amounts = [tuple(sorted(p.decisions.amounts.items())) for p in r.plans]
    assert len(set(amounts)) == len(amounts)


def test_baseline_alternative_optima_name_the_interchangeable_contributors() -> None:
    """The cost-minimising baseline (no lead-nation rule): UK, German and Dutch troops cost the same."""
    _, r = search(Path("scenarios/baseline_cheapest.yaml"), 0.0, "troops_payments")
    troops = ranges(r)
    assert troops["france"] == (10250.0, 10250.0, "firm")
    for c in ("united_kingdom", "germany", "netherlands"):
        assert troops[c] == (0.0, 1000.0, "flexible")
    assert troops["poland"][2] == "absent"
    _, led = search(Path("scenarios/baseline.yaml"), 0.0, "troops_payments")
    assert {c: v[2] for c, v in ranges(led).items() if v[2] == "flexible"} == {}  # the lead rule settles it


def test_alternatives_command_writes_the_analysis(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from guarantor.cli.app import app

    outcome = CliRunner().invoke(app, ["alternatives", str(TWINS), "--slack", "0", "--out", str(tmp_path)])
    assert outcome.exit_code == 0, outcome.output
    folder = tmp_path / "mini-twins-alternatives"
    table = pd.read_csv(folder / "data" / "alternatives.csv")
    assert list(table.columns[:9]) == [
        "contributor", "name", "item", "period", "unit", "optimum", "min", "max", "class"
    ]  # fmt: skip
    france = table[(table["contributor"] == "france") & (table["item"] == "ground_troops")].iloc[0]
    assert (france["min"], france["max"], france["class"]) == (2000, 10000, "flexible")
    assert (folder / "charts" / "ranges.png").is_file() and (folder / "report.html").is_file()
    summary = pd.read_csv(folder / "data" / "plan_summary.csv")
    assert set(summary["checker"]) == {"passes"}
    info = json.loads((folder / "analysis.json").read_text())
    assert info["resolves"] > 0 and "can come from" in info["headline"]


def test_bad_slack_is_an_input_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from guarantor.cli.app import app

    outcome = CliRunner().invoke(app, ["alternatives", str(TWINS), "--slack", "-1", "--out", str(tmp_path)])
    assert outcome.exit_code == 2


def test_solve_reports_robustness_unless_turned_off(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from guarantor.cli.app import app

    outcome = CliRunner().invoke(app, ["solve", str(TWINS), "--out", str(tmp_path)])
    assert outcome.exit_code == 0, outcome.output
    assert "can come from" in outcome.output
    data = json.loads((tmp_path / "mini-twins" / "results.json").read_text())
    france = next(
        x for x in data["robustness"]["items"] if (x["contributor"], x["item"]) == ("france", "ground_troops")
    )
    assert (france["min"], france["max"], france["class"]) == (2000.0, 10000.0, "flexible")
    assert "How firm is this answer?" in (tmp_path / "mini-twins" / "report.md").read_text()
    outcome = CliRunner().invoke(
        app, ["solve", str(TWINS), "--out", str(tmp_path), "--no-robustness", "--quiet"]
    )
    assert "robustness" not in json.loads((tmp_path / "mini-twins" / "results.json").read_text())
