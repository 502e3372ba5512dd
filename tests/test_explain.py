"""Shadow prices and reduced costs agree with re-solving; share prices are per percentage point."""

from __future__ import annotations

from pathlib import Path

import pytest

from guarantor.answer.explain import money
from guarantor.answer.results import Result
from guarantor.api import solve_file

SCENARIO = Path(__file__).parent / "fixtures" / "mini-baseline.yaml"


def total(result: Result) -> float:
    assert result.metrics is not None
    return result.metrics.total_cost_usd_m


def price(result: Result, name: str) -> float:
    report = next(c for c in result.constraints if c.name == name)
    assert report.shadow_price is not None
    return report.shadow_price


def test_requirement_shadow_price_matches_finite_difference() -> None:
    base = solve_file(SCENARIO)
    more = solve_file(SCENARIO, ["requirements.ground_troops=15100"])
    assert total(more) - total(base) == pytest.approx(
        100 * price(base, "requirement_ground_troops"), rel=1e-6
    )


def test_share_price_is_reported_per_percentage_point() -> None:
    base = solve_file(SCENARIO, ["policy.europe_min_troop_share.value=0.85"])
    more = solve_file(SCENARIO, ["policy.europe_min_troop_share.value=0.86"])
    share = next(c for c in base.constraints if c.name == "europe_troop_share")
    assert share.binding
    per_point = total(more) - total(base)
    assert per_point > 0
    assert f"each extra point of Europe's troop share costs {money(per_point)} a year" in share.explanation


def test_cap_headroom_price_matches_re_solve() -> None:
    base = solve_file(SCENARIO)
    sustain = price(base, "sustainment_france")  # per troop of pool: negative, more pool saves money
    bigger = solve_file(SCENARIO, ["model.contributors.france.deployable_ground_force.value=30300"])
    assert total(bigger) - total(base) == pytest.approx(300 * sustain, rel=1e-3)


def test_unused_contributor_reduced_cost_is_the_break_even_discount() -> None:
    # 12,000 troops at an 80 % European share: the marginal troop is 0.8 France (200k) + 0.2 Canada (150k)
    # = 190k plus the share price; the UK (220k) is left out by 20k.
    base = solve_file(SCENARIO, ["requirements.ground_troops=12000"])
    assert base.decisions is not None
    assert base.decisions.amounts[("united_kingdom", "ground_troops", "year")] == 0
    uk = next(r for r in base.reduced_costs if r.contributor == "united_kingdom")
    assert (
        uk.explanation
        == "United Kingdom's troops would have to cost $20,000 less per soldier-year to be worth using."
    )
    cheaper = 220000 - uk.reduced_cost * 1e6 - 1000
    used = solve_file(
        SCENARIO,
        [
            "requirements.ground_troops=12000",
            f"model.contributors.united_kingdom.cost_per_soldier_year_usd.value={cheaper}",
        ],
    )
    assert used.decisions is not None
    assert used.decisions.amounts[("united_kingdom", "ground_troops", "year")] > 0


def test_mip_reports_how_duals_were_obtained() -> None:
    result = solve_file(SCENARIO)
    assert result.duals_method == "fixed_integers"
    assert any("fixed at its optimal value" in note for note in result.notes)
