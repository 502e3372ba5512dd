"""Groups, lead nations, reported offers, common-pool payers and the cost basis, end to end.

Each rule is exercised from YAML or `--set`, solved, and its answer confirmed by the
independent checker; the checker is also shown to catch a plan that breaks the rule.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from guarantor.answer.basis import annual_cost, basis_headline, params_on
from guarantor.answer.checker import check_solution
from guarantor.answer.results import Decisions, Result
from guarantor.api import solve_file
from guarantor.model.params import Params, build_params
from guarantor.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
GOLDEN = ROOT / "tests" / "golden"
BASELINE = SCENARIOS / "baseline.yaml"


def solved(path: Path, overrides: tuple[str, ...] = ()) -> tuple[Result, Params, Decisions]:
    result = solve_file(path, overrides)
    assert result.decisions is not None and result.metrics is not None, result.status
    params = build_params(load_scenario(path, overrides).scenario)
    assert check_solution(params, result.decisions) == []
    return result, params, result.decisions


def troops(params: Params, d: Decisions, *ids: str) -> float:
    return sum(d.ground(params, i, "year") for i in ids)


def with_troops(params: Params, d: Decisions, **moves: float) -> Decisions:
    amounts = dict(d.amounts)
    for cid, value in moves.items():
        amounts[(cid, params.ground, "year")] = value
    return replace(d, amounts=amounts)


# ----------------------------------------------------------------------------- groups


def test_the_default_group_is_european_nato_and_reports_name_it() -> None:
    result, params, d = solved(BASELINE)
    assert params.europe_group == "european_nato"
    members = params.group_members("european_nato")
    assert "turkiye" in members and "ireland" not in members
    share = troops(params, d, *members) / troops(params, d, *(c.id for c in params.contributors))
    assert result.metrics is not None and result.metrics.europe_troop_share == pytest.approx(share)
    assert params.group_label(params.share_group("europe_min_troop_share")) == "European NATO members"


def test_share_rule_can_name_another_group_and_the_plain_number_form_works() -> None:
    overrides = ("policy.europe_min_troop_share={group: eu, value: 0.6}", "policy.europe_min_cost_share=0.8")
    result, params, d = solved(BASELINE, overrides)
    eu = params.group_members("eu")
    everyone = troops(params, d, *(c.id for c in params.contributors))
    assert result.metrics is not None
    assert result.metrics.europe_troop_share == pytest.approx(troops(params, d, *eu) / everyone)
    assert result.metrics.europe_troop_share >= 0.6 - 1e-9
    assert params.share_group("europe_min_cost_share") == "european_nato"
    assert params.scenario.policy.europe_min_cost_share is not None
    assert params.scenario.policy.europe_min_cost_share.value == 0.8


def test_a_group_without_turkiye_binds_where_european_nato_does_not() -> None:
    """Türkiye is the cheapest supplier: outside the group, at most 10% of troops may come from it."""
    nato, _, _ = solved(BASELINE)
    narrow, params, d = solved(BASELINE, ("policy.europe_group=europe_excl_turkiye",))
    assert narrow.objective_value is not None and nato.objective_value is not None
    assert narrow.objective_value > nato.objective_value
    assert troops(params, d, "turkiye") <= 0.1 * 25000 + 1e-6
    broken = with_troops(
        params, d, turkiye=5000, spain=troops(params, d, "spain") - 5000 + troops(params, d, "turkiye")
    )
    assert any(v.rule == "europe_min_troop_share" for v in check_solution(params, broken))


def test_an_eu_reading_of_europe_contradicts_a_uk_led_force() -> None:
    """The UK (at least 20% as a lead nation) is outside the EU, so 90% EU troops is impossible."""
    result = solve_file(BASELINE, ("policy.europe_group=eu",))
    assert str(result.status) == "infeasible"
    assert result.diagnosis is not None


# ----------------------------------------------------------------------------- lead nations


def test_lead_nations_carry_their_share_and_the_checker_holds_them_to_it() -> None:
    cheapest, cparams, cd = solved(SCENARIOS / "baseline_cheapest.yaml")
    # when only cost counts the UK is one interchangeable supplier among several (the GDP tie-break
    # gives it 1,000 of the interchangeable troops), far below a lead nation's 20 %
    assert troops(cparams, cd, "united_kingdom") < 0.2 * 25000
    result, params, d = solved(BASELINE)
    total = troops(params, d, *(c.id for c in params.contributors))
    assert troops(params, d, "united_kingdom", "france") >= 0.4 * total - 1e-6
    assert troops(params, d, "united_kingdom") >= 0.2 * total - 1e-6
    assert result.objective_value is not None and cheapest.objective_value is not None
    assert result.objective_value > cheapest.objective_value  # leadership has a price
    broken = with_troops(params, d, united_kingdom=0, turkiye=10000)
    assert [v.rule for v in check_solution(params, broken) if v.rule == "lead_nations"]


# ----------------------------------------------------------------------------- reported offers


def test_reported_offers_cap_and_floor_a_contingent() -> None:
    _, params, d = solved(GOLDEN / "offers.yaml")
    assert troops(params, d, "alpha") == 3000  # capped by its offer, below its pool's 4,000
    below = with_troops(params, d, alpha=1000, beta=4000)
    rules = {v.rule for v in check_solution(params, below)}
    assert "min_contingent" in rules  # 1,000 is below its offer's 1,500


def test_shipped_reported_offers_scenario_keeps_everyone_inside_their_range() -> None:
    _, params, d = solved(SCENARIOS / "reported_offers.yaml", ("requirements.ground_troops=40000",))
    assert troops(params, d, "united_kingdom") <= 10000 + 1e-6
    assert troops(params, d, "france") == 0 or 2000 - 1e-6 <= troops(params, d, "france") <= 10000 + 1e-6
    assert troops(params, d, "estonia") == 0  # 50-250 is below the 1,000 minimum contingent


# ----------------------------------------------------------------------------- payers


@pytest.mark.parametrize("name", ["fair_share", "budget_squeeze"])
def test_outsiders_pay_nothing_into_a_common_pool(name: str) -> None:
    _, _, d = solved(SCENARIOS / f"{name}.yaml")
    for cid in ("canada", "australia", "ireland"):
        assert d.funding.get((cid, "year"), 0.0) == pytest.approx(0.0, abs=1e-6)


def test_by_default_only_participants_pay() -> None:
    _, params, d = solved(GOLDEN / "payers.yaml")
    for c in params.contributors:
        supplied = sum(d.amounts.get((c.id, k, "year"), 0.0) for k in params.capabilities)
        if not c.is_us and supplied <= 1e-9:
            assert d.funding.get((c.id, "year"), 0.0) == pytest.approx(0.0, abs=1e-6)
    idle = next(c.id for c in params.contributors if c.id == "gamma")  # ruled out, supplies nothing
    funding = dict(d.funding)
    funding[(idle, "year")] = 10.0
    payer = next(c.id for c in params.contributors if d.funding.get((c.id, "year"), 0.0) > 10)
    funding[(payer, "year")] -= 10.0
    assert "payers" in {v.rule for v in check_solution(params, replace(d, funding=funding))}


# ----------------------------------------------------------------------------- cost basis


def test_cost_basis_changes_the_prices_and_each_optimum_is_cheapest_on_its_own_basis() -> None:
    full, fparams, fd = solved(BASELINE)
    inc, iparams, idd = solved(BASELINE, ("cost_basis=incremental",))
    assert fparams.basis == "full" and iparams.basis == "incremental"
    assert inc.objective_value is not None and full.objective_value is not None
    assert inc.objective_value < 0.6 * full.objective_value
    assert inc.objective_value <= annual_cost(iparams, fd) + 1e-6
    assert full.objective_value <= annual_cost(fparams, idd) + 1e-6
    assert annual_cost(params_on(fparams.scenario, "incremental"), idd) == pytest.approx(inc.objective_value)
    text = basis_headline(iparams.scenario, idd)
    assert text.startswith("incremental cost: $") and "; fully loaded: $" in text


def test_every_rule_works_from_set() -> None:
    """--set reaches each rule: lead nations off, reported offers on, explicit payers, the basis."""
    off, _, _ = solved(BASELINE, ("policy.lead_nations=null",))
    cheapest, _, _ = solved(SCENARIOS / "baseline_cheapest.yaml")
    assert off.objective_value == pytest.approx(cheapest.objective_value)
    on, _, _ = solved(BASELINE, ("policy.reported_offers={value: true}",))
    offers, _, _ = solved(SCENARIOS / "reported_offers.yaml")
    assert on.objective_value == pytest.approx(offers.objective_value)
    _, params, d = solved(GOLDEN / "payers.yaml", ("policy.payers=[alpha]",))
    assert d.funding.get(("beta", "year"), 0.0) == pytest.approx(0.0, abs=1e-6)
    assert d.funding.get(("alpha", "year"), 0.0) > 0
    _, params, _ = solved(GOLDEN / "base.yaml", ("model.cost_basis=incremental", *INCREMENTAL_FIXTURE))
    assert params.basis == "incremental"


INCREMENTAL_FIXTURE = (
    *(
        f"model.contributors.{c}.incremental_cost_per_soldier_year_usd={{value: 1000, source: T}}"
        for c in ("alpha", "beta", "gamma", "usa")
    ),
    "model.contributors.alpha.capabilities.air_defence.incremental_unit_cost_usd_m={value: 10, source: T}",
    "model.us_air_support_tiers.none.incremental_annual_cost_usd_m={value: 0, source: T}",
    "model.us_air_support_tiers.supply.incremental_annual_cost_usd_m={value: 10, source: T}",
    "model.us_command_and_control.incremental_annual_cost_usd_m={value: 10, source: T}",
)
