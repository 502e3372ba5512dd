"""Sensitivity: ranges agree with re-solving just inside and just outside; tornado; tipping points; Sobol."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guarantor.analysis.engine import Engine
from guarantor.analysis.ranging import lp_ranging, ranged_model
from guarantor.analysis.sensitivity import candidate_paths, run_sensitivity, tier_tipping_points, tornado
from guarantor.analysis.sweep import Prober
from guarantor.scenario.loading import load_scenario
from guarantor.solve.fast import LiveModel

FIXTURES = Path(__file__).parent / "fixtures"
RELAXED = (
    "policy.min_contingent=null",
    "model.capabilities.air_defence.whole_units=false",
    "model.capabilities.headquarters.whole_units=false",
)


def _engine(*overrides: str) -> Engine:
    return Engine(load_scenario(FIXTURES / "mini-baseline.yaml", overrides).resolved.data)


@pytest.mark.parametrize("overrides", [(), RELAXED], ids=["mip", "lp-with-tier-choice"])
def test_ranges_agree_with_resolving_inside_and_outside(overrides: tuple[str, ...]) -> None:
    engine = _engine(*overrides)
    ranging = lp_ranging(engine)
    assert ranging.method == "fixed_integers"  # integers (or the tier binaries) were fixed, and it says so
    live, solution, _ = ranged_model(engine)
    base, lay, z0 = live.base.flat(), live.layout, solution.objective

    def linear_at(slot: int, slope: float, step: float) -> bool:
        flat = base.copy()
        flat[slot] += step
        found = LiveModel(live.base.with_flat(flat), engine.options).run()
        return found.x is not None and abs(found.objective - (z0 + slope * step)) <= 1e-7 * max(1.0, abs(z0))

    items = [
        (
            lay.row_lower.start + engine.formulation.model.row_index[r["row"]],
            r["shadow_price"],
            max(abs(r["requirement"]), 1.0),
            r,
        )
        for r in ranging.requirements
    ]
    items += [
        (lay.cost.start + engine.formulation.model.index[c["column"]], c["value"], abs(c["coefficient"]), c)
        for c in ranging.costs
    ]
    checked = 0
    for slot, slope, scale, item in items:
        for sign, amount in ((1.0, item["allowable_increase"]), (-1.0, item["allowable_decrease"])):
            if not np.isfinite(amount):
                assert linear_at(slot, slope, sign * 100 * scale)
                continue
            if amount > 0:
                assert linear_at(slot, slope, sign * 0.99 * amount), item
            assert not linear_at(slot, slope, sign * (amount + max(0.01 * amount, 1e-3 * scale))), item
            checked += 1
    assert checked >= 5


def test_basis_ranges_never_exceed_the_reported_ranges() -> None:
    ranging = lp_ranging(_engine())
    for item in ranging.costs + ranging.requirements:
        assert item["allowable_increase"] >= item["basis_increase"] - 1e-9
        assert item["allowable_decrease"] >= item["basis_decrease"] - 1e-9


def test_tornado_skips_inputs_without_effect_and_sorts_by_swing() -> None:
    engine = _engine()
    paths = [
        "model.contributors.france.cost_per_soldier_year_usd.value",
        "model.contributors.france.active_personnel.value",
        "requirements.ground_troops",
    ]
    rows = tornado(engine, paths, 0.2)
    assert [r["path"] for r in rows] == ["requirements.ground_troops", paths[0]]
    assert rows[0]["swing"] >= rows[1]["swing"] > 0
    france = rows[1]
    assert france["low_objective"] < france["high_objective"]
    assert "model.contributors.france.stance.year" not in candidate_paths(engine.data)


def test_tier_tipping_point_by_bisection() -> None:
    engine = _engine()
    tips = [t for t in tier_tipping_points(engine, requirements=False) if t["tipping_value"] is not None]
    (tip,) = tips
    assert tip["path"].endswith("air_defence_supply.annual_cost_usd_m.value")
    prober = Prober(engine)
    tiers = prober.extractor.tiers
    assert tiers[prober.tier({tip["path"]: tip["tipping_value"] * 0.999})] == tip["tier_below"]
    assert tiers[prober.tier({tip["path"]: tip["tipping_value"] * 1.001})] == tip["tier_above"]


def test_full_run_with_sobol() -> None:
    data = load_scenario(FIXTURES / "mini-baseline.yaml").resolved.data
    params = [
        "model.contributors.france.cost_per_soldier_year_usd",
        "model.contributors.canada.cost_per_soldier_year_usd",
        "model.us_air_support_tiers.air_defence_supply.annual_cost_usd_m",
    ]
    result = run_sensitivity(data, 0.2, params, sobol=16, seed=3)
    assert result.base_tier == "air_defence_supply"
    assert len(result.sobol) == 3
    assert all(-0.5 < row["ST"] < 1.5 for row in result.sobol)
    assert result.ranging is not None and result.ranging.note.startswith("Mixed-integer")
