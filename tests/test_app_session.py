"""The live session behind the web app gives the CLI's answer, validated as YAML is."""

from __future__ import annotations

from pathlib import Path

import pytest

from guarantor.api import load_scenario, solve_scenario
from guarantor.app.session import Session
from guarantor.errors import InputError
from guarantor.scenario.loading import load_variant

BASELINE = Path("scenarios/baseline.yaml")
VARIANTS = [
    {"requirements.ground_troops": "40000"},
    {
        "us_air_support.allowed": "[none, air_defence_supply, isr_enablers]",
        "contributors.germany.troop_cap": "0",
    },
    {"model.contributors.france.cost_per_soldier_year_usd.value": "300000"},
    {"policy.funding_rule": "common_pool"},
    {"requirements.ground_troops": "200000"},
]


@pytest.fixture(scope="module")
def session() -> Session:
    return Session(BASELINE)


@pytest.mark.parametrize("changes", VARIANTS, ids=lambda c: ",".join(c))
def test_the_live_answer_is_the_cli_answer(session: Session, changes: dict[str, str]) -> None:
    """Same status, objective, decisions, binding rows, shadow prices and explanations as `solve`."""
    assert session.apply(changes) == []
    live = session.result
    cli = solve_scenario(load_scenario(BASELINE, session.overrides()))
    assert (live.status, live.objective_value) == (cli.status, cli.objective_value)
    assert (live.decisions and live.decisions.amounts) == (cli.decisions and cli.decisions.amounts)
    assert (live.decisions and live.decisions.funding) == (cli.decisions and cli.decisions.funding)
    shown = sorted((c.name, c.shadow_price, c.explanation) for c in live.binding)
    assert shown == sorted((c.name, c.shadow_price, c.explanation) for c in cli.binding)
    if cli.diagnosis is not None:
        assert live.diagnosis is not None and live.diagnosis.summary == cli.diagnosis.summary
    session.reset()


def test_a_refused_change_leaves_the_answer_as_it_was(session: Session) -> None:
    before = session.result
    problems = session.change("policy.europe_min_troop_share.value", "1.5")
    assert [p.message for p in problems] == ["expected a number <= 1, got 1.5 (a fraction between 0 and 1)"]
    assert session.result is before and session.changes == {}
    assert session.change("requirements.ground_troops", "25000") == []  # the saved value: no change
    assert session.changes == {}


def test_a_variant_is_validated_exactly_as_set_is_without_touching_the_base() -> None:
    base = load_scenario(BASELINE)
    sets = [
        "requirements.ground_troops=30000",
        "contributors.germany.troop_cap=0",
        "model.contributors.france.cost_per_soldier_year_usd.value=250000",
        "policy.min_contingent=null",
    ]
    assert load_variant(base, sets).scenario == load_scenario(BASELINE, sets).scenario
    assert base.scenario == load_scenario(BASELINE).scenario  # shared branches were copied, not changed
    for bad in (
        "requirements.ground_troops=-5",
        "contributors.germny.troop_cap=0",
        "model.contributors.france.cost_per_soldier_year_usd.value='250000'",
        "model.contributors.france.cost_per_soldier_year_usd.value=yes",
    ):
        with pytest.raises(InputError) as variant:
            load_variant(base, [bad])
        with pytest.raises(InputError) as loaded:
            load_scenario(BASELINE, [bad])
        assert [p.message for p in variant.value.problems] == [p.message for p in loaded.value.problems]


def test_firm_and_flexible_classes_are_those_solve_reports(session: Session) -> None:
    assert session.apply({"requirements.ground_troops": "30000"}) == []
    assert session.classify() and not session.classify()  # computed once per answer
    live = session.result.robustness
    cli = solve_scenario(load_scenario(BASELINE, session.overrides()), robustness=True).robustness
    assert live is not None and cli is not None
    # the same classes wherever both were proven (a time budget may leave some unknown under load)
    pairs = list(zip(live.items, cli.items, strict=True))
    assert all((a.contributor, a.item) == (b.contributor, b.item) for a, b in pairs)
    assert all(a.cls == b.cls for a, b in pairs if "unknown" not in (a.cls, b.cls))
    assert {i.cls for i in live.items} >= {"firm"}
    session.reset()
