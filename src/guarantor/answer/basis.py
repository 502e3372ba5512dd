"""The same plan priced on both cost bases, so every report can state which one it optimised.

Fully loaded costs count everything a deployed force costs (pay that is spent anyway
included); incremental costs count only what deploying adds. Published estimates differ
by up to 3x for this reason alone, so reports always give both.
"""

from __future__ import annotations

from guarantor.answer.explain import money
from guarantor.answer.metrics import period_cost
from guarantor.answer.results import Decisions
from guarantor.model.params import Params, build_params
from guarantor.scenario.schema import Scenario

BASIS_NAMES = {"full": "fully loaded", "incremental": "incremental"}


_ON: dict[str, tuple[Scenario, Params]] = {}


def params_on(scenario: Scenario, basis: str) -> Params:
    """Parameters of the scenario with every cost on `basis` (full or incremental), built once per
    scenario object and basis (a report asks for both bases about ten times)."""
    if scenario.cost_basis == basis:
        return build_params(scenario)
    kept = _ON.get(basis)
    if kept is None or kept[0] is not scenario:
        kept = _ON[basis] = (scenario, build_params(scenario.model_copy(update={"cost_basis": basis}), False))
    return kept[1]


def annual_cost(params: Params, d: Decisions) -> float:
    """Average annual cost of the decisions (USD m), undiscounted."""
    years = sum(q.years for q in params.periods)
    return sum(period_cost(params, d, q.id) for q in params.periods) / years


def ground_cost(params: Params, d: Decisions) -> float:
    """Average annual cost of the ground troops alone (USD m)."""
    years = sum(q.years for q in params.periods)
    total = 0.0
    for q in params.periods:
        for c in params.contributors:
            total += d.ground(params, c.id, q.id) * c.troop_cost_usd_m * params.cost_factor[q.id]
    return total / years


def costs_by_basis(scenario: Scenario, d: Decisions) -> dict[str, float]:
    """Annual cost of the plan on each basis (USD m), the optimised basis first."""
    chosen = scenario.cost_basis or scenario.model.cost_basis
    order = [chosen, *(b for b in BASIS_NAMES if b != chosen)]
    return {basis: annual_cost(params_on(scenario, basis), d) for basis in order}


def basis_headline(scenario: Scenario, d: Decisions) -> str:
    """'fully loaded cost: $6.83 bn a year (the basis optimised); incremental: $3.40 bn'."""
    costs = costs_by_basis(scenario, d)
    (chosen, value), (other, alternative) = list(costs.items())
    shown = money(alternative) if has_incremental(scenario) else "not available (no incremental figures)"
    optimised = f"{BASIS_NAMES[chosen]} cost: {money(value)} a year (the basis optimised)"
    return f"{optimised}; {BASIS_NAMES[other]}: {shown}"


def has_incremental(scenario: Scenario) -> bool:
    """Whether the model records incremental costs at all (else both bases price the same)."""
    return any(c.incremental_cost_per_soldier_year_usd is not None for c in scenario.model.contributors)
