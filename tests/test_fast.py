"""The fast re-solve path agrees with a fresh build and solve, whatever the perturbation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guarantor.analysis.engine import Engine, probe_affine
from guarantor.model.build import build
from guarantor.scenario.loading import load_scenario
from guarantor.scenario.paths import get_value, with_values
from guarantor.scenario.schema import Scenario
from guarantor.solve.fast import ArrayModel, FastOptions, LiveModel, Solver, split_choices
from guarantor.solve.solving import SolveOptions, solve_linear

FIXTURES = Path(__file__).parent / "fixtures"
PERTURBED = (
    "model.contributors.france.cost_per_soldier_year_usd.value",
    "model.contributors.united_kingdom.cost_per_soldier_year_usd.value",
    "model.contributors.canada.cost_per_soldier_year_usd.value",
    "model.us_air_support_tiers.air_defence_supply.annual_cost_usd_m.value",
    "model.contributors.france.capabilities.air_defence.unit_cost_usd_m.value",
    "requirements.ground_troops",
)
LP_SETTINGS = (
    "policy.min_contingent=null",
    "model.capabilities.air_defence.whole_units=false",
    "model.capabilities.headquarters.whole_units=false",
)


@pytest.fixture(scope="module")
def mini_data() -> dict[str, object]:
    return load_scenario(FIXTURES / "mini-baseline.yaml").resolved.data


EXACT = 1e-9  # MIP gap on both sides, so both reach the true optimum (HiGHS's default stops at 1e-4)


@pytest.fixture(scope="module")
def engine(mini_data: dict[str, object]) -> Engine:
    return Engine(mini_data, FastOptions(gap=EXACT))


def fresh_objective(data: dict[str, object], values: dict[str, float]) -> float | None:
    """Objective from a brand-new build solved through PuLP (the standard path)."""
    f = build(Scenario.model_validate(with_values(data, values)))
    raw = solve_linear(f.model, SolveOptions(gap=EXACT))
    return None if raw.objective is None else float(raw.objective)


multipliers = st.lists(st.floats(0.5, 1.6, allow_nan=False), min_size=len(PERTURBED), max_size=len(PERTURBED))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=True,
)
@given(factors=multipliers)
def test_in_place_resolve_matches_fresh_build(engine: Engine, factors: list[float]) -> None:
    values = {p: float(get_value(engine.data, p)) * k for p, k in zip(PERTURBED, factors, strict=True)}
    fast = engine.solve(values).solution
    fresh = fresh_objective(engine.data, values)
    if fresh is None:
        assert fast.x is None
    else:
        assert fast.x is not None
        assert fast.objective == pytest.approx(fresh, rel=1e-7)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=True,
)
@given(factors=multipliers)
def test_affine_map_gives_the_rebuilt_numbers(engine: Engine, factors: list[float]) -> None:
    paths = list(PERTURBED)
    base = np.array([float(get_value(engine.data, p)) for p in paths])
    affine = probe_affine(engine, paths, [(0.5 * v, 1.6 * v) for v in base])
    assert affine is not None
    values = base * np.array(factors)
    predicted = affine.flat_at(engine.base_flat, values)
    rebuilt = ArrayModel.from_linear(
        engine.formulate(dict(zip(paths, values.tolist(), strict=True))).model
    ).flat()
    finite = np.isfinite(rebuilt)
    assert np.array_equal(finite, np.isfinite(predicted))
    assert np.allclose(predicted[finite], rebuilt[finite], rtol=1e-9, atol=1e-9)
    fast = engine.solve_flat(predicted)
    rebuilt_solution = engine.solve(dict(zip(paths, values.tolist(), strict=True))).solution
    assert fast.status == rebuilt_solution.status
    if fast.x is not None:
        assert fast.objective == pytest.approx(rebuilt_solution.objective, rel=1e-9)


def test_affine_map_refuses_kinks(engine: Engine) -> None:
    """Offers are rounded down to whole units: not affine, so the rebuild path must be used."""
    path = "model.contributors.france.capabilities.air_defence.available.value"
    assert probe_affine(engine, [path], [(0.5, 3.5)]) is None


def test_structure_change_falls_back_to_a_fresh_model(engine: Engine, mini_data: dict[str, object]) -> None:
    """A zero cost removes a matrix entry: another sparsity pattern, solved on a new model."""
    path = "model.contributors.canada.cost_per_soldier_year_usd.value"
    before = engine.rebuilds
    point = engine.solve({path: 0.0})
    assert engine.rebuilds == before + 1
    assert point.solution.objective == pytest.approx(fresh_objective(mini_data, {path: 0.0}), rel=1e-6)


def test_reset_makes_a_sequence_of_solves_reproducible(engine: Engine) -> None:
    flats = [engine.base_flat * 1.0 for _ in range(3)]
    cost = slice(0, engine.base.n)
    for k, flat in enumerate(flats):
        flat[cost] *= 1 + 0.1 * k
    first, second = [], []
    for run in (first, second):
        engine.solver.reset()
        for flat in flats:
            solution = engine.solver.solve(flat)
            assert solution.x is not None
            run.append((solution.objective, solution.x.tobytes()))
    assert first == second


def test_tier_choice_is_solved_exactly_as_one_lp_per_tier() -> None:
    loaded = load_scenario(FIXTURES / "mini-baseline.yaml", LP_SETTINGS)
    f = build(loaded.scenario)
    base = ArrayModel.from_linear(f.model)
    combos = split_choices(base)
    assert combos is not None and len(combos) == 4  # 2 allowed tiers x US command on/off
    split = Solver(base, FastOptions())
    assert split.split
    direct = LiveModel(base, FastOptions())
    assert direct.mip
    rng = np.random.default_rng(5)
    flat = base.flat()
    for _ in range(10):
        target = flat.copy()
        target[: base.n] *= rng.uniform(0.5, 1.5, base.n)
        direct.load(target)
        assert split.solve(target).objective == pytest.approx(direct.run().objective, rel=1e-6)


def test_patch_path_matches_full_vector_path(engine: Engine) -> None:
    """Uncertainty's hot path pushes only the touched entries; it must solve the same problems."""
    paths = list(PERTURBED)
    base = np.array([float(get_value(engine.data, p)) for p in paths])
    affine = probe_affine(engine, paths, [(0.5 * v, 1.6 * v) for v in base])
    assert affine is not None
    patch = engine.solver.patch(affine.touched)
    assert patch is not None
    rng = np.random.default_rng(9)
    for _ in range(10):
        values = base * rng.uniform(0.5, 1.6, len(base))
        flat = affine.flat_at(engine.base_flat, values)
        by_patch = engine.solver.solve_patch(patch, flat[affine.touched])
        by_flat = Solver(engine.base, engine.options).solve(flat)
        assert by_patch.status == by_flat.status
        if by_flat.x is not None:
            assert by_patch.objective == pytest.approx(by_flat.objective, rel=1e-9)
