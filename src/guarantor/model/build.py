"""Assemble the linear model of a scenario: variables, costs, every constraint family, objective."""

from __future__ import annotations

from guarantor.model.forces import (
    add_ground_force_constraints,
    add_lead_nation_constraints,
    add_ramp_up_constraints,
    add_requirement_constraints,
    add_tour_constraints,
    add_us_tier_constraints,
)
from guarantor.model.formulation import (
    Formulation,
    OriginLookup,
    add_cost_expressions,
    add_variables,
    objective_metrics,
    set_objective,
)
from guarantor.model.linear import LinearModel
from guarantor.model.money import (
    add_budget_constraints,
    add_escalation_constraints,
    add_fair_share_constraints,
    add_funding_constraints,
    add_share_constraints,
)
from guarantor.model.params import build_params
from guarantor.scenario.loading import LoadedScenario
from guarantor.scenario.schema import Scenario

FAMILIES = (
    add_requirement_constraints,
    add_us_tier_constraints,
    add_ground_force_constraints,
    add_lead_nation_constraints,
    add_ramp_up_constraints,
    add_tour_constraints,
    add_funding_constraints,
    add_share_constraints,
    add_budget_constraints,
    add_fair_share_constraints,
    add_escalation_constraints,
)


def add_all_constraints(f: Formulation) -> None:
    for add in FAMILIES:
        add(f)


FAMILY_NAMES = (
    "requirement",
    "us_tier",
    "tier_switching",
    "sustainment",
    "policy_no_us_ground",
    "stance",
    "troop_cap",
    "troop_min",
    "min_contingent",
    "lead_nations",
    "ramp_up",
    "min_tour",
    "funding",
    "payers",
    "europe_troop_share",
    "europe_cost_share",
    "budget_cap",
    "funding_cap",
    "budget",
    "fair_share",
    "escalation",
    "peak_cost",
)
"""Every row family `build` can emit; each has a golden LP file in tests/golden/."""


def build(scenario: Scenario, origin_of: OriginLookup | None = None) -> Formulation:
    """Build the full linear model of a scenario (first objective set)."""
    f = Formulation(build_params(scenario), LinearModel())
    if origin_of is not None:
        f.origin_of = origin_of
    add_variables(f)
    add_cost_expressions(f)
    add_all_constraints(f)
    set_objective(f, objective_metrics(scenario)[0])
    return f


def formulate(loaded: LoadedScenario) -> Formulation:
    """Build the model with every row traced to the YAML line that set it."""
    return build(loaded.scenario, lambda *path: loaded.origin_of(*path))
