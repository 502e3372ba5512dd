"""Uncertainty: reproducible samples, identical results whatever the workers (pool or Dask)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guarantor.analysis.sampling import Marginal, chunk_sizes, sample_chunk, uniforms
from guarantor.analysis.tables import uncertainty_tables
from guarantor.analysis.uncertainty import plan_uncertainty, run_uncertainty
from guarantor.errors import InputError
from guarantor.scenario.loading import load_scenario

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def uncertain() -> dict[str, object]:
    return load_scenario(FIXTURES / "mini-uncertain.yaml").resolved.data


def test_chunks_depend_only_on_seed_and_index() -> None:
    assert chunk_sizes(600, 250) == [250, 250, 100]
    a, b = uniforms(7, 2, 250, 3, "lhs"), uniforms(7, 2, 250, 3, "lhs")
    assert np.array_equal(a, b) and not np.array_equal(a, uniforms(7, 3, 250, 3, "lhs"))
    strata = np.sort(np.floor(a * 250), axis=0)  # one sample in each of 250 strata, per input
    assert np.array_equal(strata, np.tile(np.arange(250.0)[:, None], (1, 3)))


def test_marginals_respect_bounds_and_shapes() -> None:
    normal = Marginal("x", "normal", 10.0, low=5.0, high=12.0, mean=10.0, sd=4.0)
    lognormal = Marginal("y", "lognormal", 1.0, high=2.0, mean=1.0, sd=0.5)
    triangular = Marginal("z", "triangular", 1.0, low=0.0, mode=1.0, high=4.0)
    values = sample_chunk([normal, lognormal, triangular], 1, 0, 4000, "random")
    assert values[:, 0].min() >= 5.0 and values[:, 0].max() <= 12.0
    assert values[:, 1].min() > 0 and values[:, 1].max() <= 2.0
    assert values[:, 2].mean() == pytest.approx(5 / 3, rel=0.05)


def test_plan_reads_declared_distributions(uncertain: dict[str, object]) -> None:
    plan = plan_uncertainty(uncertain, 100, seed=1)
    assert [m.dist for m in plan.marginals] == ["triangular", "uniform", "lognormal", "normal"]
    france = plan.marginals[0]
    assert (france.low, france.mode, france.high) == pytest.approx((160000, 200000, 300000))
    assert not plan.defaulted and plan.affine is not None


def test_default_distributions_vary_every_cost(mini_baseline: Path) -> None:
    data = load_scenario(mini_baseline).resolved.data
    plan = plan_uncertainty(data, 10, seed=0, spread=0.3)
    assert plan.defaulted
    assert "model.contributors.france.cost_per_soldier_year_usd.value" in [m.path for m in plan.marginals]
    assert all(m.low == pytest.approx(0.7 * m.base) for m in plan.marginals)


def test_distribution_reaching_invalid_values_is_an_input_error(mini_baseline: Path) -> None:
    share = "{path: policy.europe_min_troop_share.value, dist: uniform, low: 0.5, high: 1.2}"
    data = load_scenario(mini_baseline, [f"uncertainty={{distributions: [{share}]}}"]).resolved.data
    with pytest.raises(InputError, match="bound the distribution"):
        plan_uncertainty(data, 10, seed=0)


def test_same_seed_same_results_with_one_or_two_workers(uncertain: dict[str, object]) -> None:
    plan = plan_uncertainty(uncertain, 600, seed=11)
    one = run_uncertainty(plan, workers=1)
    two = run_uncertainty(plan, workers=2)
    assert np.array_equal(one.inputs, two.inputs)
    assert np.array_equal(one.status, two.status)
    assert np.array_equal(one.outputs, two.outputs, equal_nan=True)
    assert two.meta["workers"] == 2
    tables = uncertainty_tables(one)
    assert tables["tier_frequency"]["samples"].sum() == 600
    assert set(tables["summary"]["output"]) >= {"total_cost_usd_m", "europe_cost_share"}


def test_dask_cluster_gives_the_same_results(uncertain: dict[str, object]) -> None:
    distributed = pytest.importorskip("distributed")
    plan = plan_uncertainty(uncertain, 300, seed=4)
    local = run_uncertainty(plan, workers=1)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        remote = run_uncertainty(plan, scheduler=cluster.scheduler_address)
    assert np.array_equal(local.outputs, remote.outputs, equal_nan=True)
    assert remote.meta["scheduler"] == cluster.scheduler_address


def test_driver_ranks_are_average_ranks_with_ties() -> None:
    """The drivers' Spearman correlations rank as `DataFrame.rank` does (ties share their mean)."""
    import numpy as np
    import pandas as pd

    from guarantor.analysis.tables import _ranks

    rng = np.random.default_rng(0)
    n = 1000
    values = np.column_stack(
        [rng.normal(size=n), rng.integers(0, 3, n), np.ones(n), rng.integers(0, 50, n) * 0.5]
    ).astype(float)
    assert np.array_equal(_ranks(values), pd.DataFrame(values).rank().to_numpy())
