"""Hypothesis strategies for whole scenarios (model embedded), used by the property tests."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

SRC = {"source": "TEST"}


def sourced(value: float) -> dict[str, Any]:
    return {"value": value, **SRC}


@st.composite
def contributor(draw: st.DrawFn, index: int, bloc: str | None = None) -> dict[str, Any]:
    bloc = bloc or draw(st.sampled_from(["europe", "europe", "europe", "other"]))
    offers = {}
    if draw(st.booleans()):
        offers["air_defence"] = {
            "available": sourced(draw(st.integers(0, 3))),
            "unit_cost_usd_m": sourced(draw(st.integers(50, 300))),
        }
    return {
        "id": f"c{index}",
        "name": f"Country {index}",
        "bloc": bloc,
        "gdp_usd_bn": sourced(draw(st.integers(50, 4000))),
        "defence_budget_usd_bn": sourced(draw(st.integers(2, 100))),
        "active_personnel": sourced(100000),
        "deployable_ground_force": sourced(draw(st.integers(0, 40000))),
        "stance": {
            "value": draw(st.sampled_from(["willing", "willing", "open", "conditional", "ruled_out"])),
            **SRC,
        },
        "cost_per_soldier_year_usd": sourced(draw(st.integers(50, 300)) * 1000),
        "capabilities": offers,
    }


US = {
    "id": "usa",
    "name": "United States",
    "bloc": "united_states",
    "gdp_usd_bn": sourced(30000),
    "defence_budget_usd_bn": sourced(970),
    "active_personnel": sourced(1300000),
    "deployable_ground_force": sourced(100000),
    "stance": {"value": "ruled_out", **SRC},
    "cost_per_soldier_year_usd": sourced(260000),
    "capabilities": {},
}


def model(contributors: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": "generated",
        "sources": {"TEST": {"citation": "generated", "year": 2025, "grade": "A", "kind": "dataset"}},
        "rotation_factor": sourced(3),
        "capabilities": [
            {"id": "ground_troops", "label": "Ground troops", "unit": "troops"},
            {"id": "air_defence", "label": "Air defence", "unit": "batteries", "whole_units": True},
        ],
        "contributors": [*contributors, copy.deepcopy(US)],
        "us_air_support_tiers": [
            {"id": "none", "label": "None", "annual_cost_usd_m": sourced(0), "escalation_risk": sourced(0)},
            {
                "id": "supply",
                "label": "Supply",
                "provides": {"air_defence": sourced(2)},
                "annual_cost_usd_m": sourced(400),
                "escalation_risk": sourced(2),
            },
            {
                "id": "nfz",
                "label": "No-fly zone",
                "provides": {"air_defence": sourced(4)},
                "annual_cost_usd_m": sourced(9000),
                "escalation_risk": sourced(9),
            },
        ],
        "us_command_and_control": {
            "provides": {},
            "annual_cost_usd_m": sourced(100),
            "escalation_risk": sourced(1),
        },
    }


@st.composite
def scenarios(draw: st.DrawFn, budget_rules: bool = True) -> dict[str, Any]:
    """A feasible-or-not scenario over 2-5 generated contributors plus the US."""
    n = draw(st.integers(2, 5))
    contributors = [draw(contributor(i)) for i in range(n)]
    policy: dict[str, Any] = {
        "funding_rule": draw(st.sampled_from(["own_costs", "common_pool"])),
    }
    if draw(st.booleans()):
        policy["europe_min_troop_share"] = {"value": draw(st.sampled_from([0.5, 0.75, 0.9]))}
    if draw(st.booleans()):
        policy["europe_min_cost_share"] = {"value": draw(st.sampled_from([0.5, 0.75]))}
    if draw(st.booleans()):
        policy["min_contingent"] = {"troops": draw(st.sampled_from([500, 1000, 2000]))}
    if draw(st.booleans()):
        policy["conditional_troop_cap"] = draw(st.sampled_from([1000, 5000]))
    if budget_rules and draw(st.booleans()):
        policy["budget_cap"] = {"fraction": draw(st.sampled_from([0.05, 0.2])), "of": "defence_budget"}
    if budget_rules and policy["funding_rule"] == "common_pool" and draw(st.booleans()):
        policy["fair_share"] = {"band": draw(st.sampled_from([0.25, 0.5]))}
    return {
        "name": "generated",
        "question": "generated",
        "model": model(contributors),
        "requirements": {
            "ground_troops": draw(st.integers(0, 30000)),
            "air_defence": draw(st.integers(0, 4)),
        },
        "command_and_control": draw(st.sampled_from(["open", "us_led", "european_led"])),
        "us_air_support": {"allowed": draw(st.sampled_from([["none", "supply"], ["none", "supply", "nfz"]]))},
        "policy": policy,
    }
