"""Monte Carlo over uncertain inputs, on all cores, reproducible whatever the worker count.

The parent resolves the distributions, finds the affine map from inputs to model numbers
once, and sends one `Plan` to each worker (spawned, or forked before the parent has run
HiGHS: no HiGHS state is copied). A worker builds the model once, then for each chunk index draws that chunk's
samples from `(seed, chunk)`, resets its live model to the base (so a chunk's results do
not depend on what the worker solved before) and solves the samples warm, in order.
The same chunks run on a Dask cluster with `scheduler=`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import numpy as np

from guarantor.analysis.engine import Engine, probe_affine, resolve_path
from guarantor.analysis.outputs import Extractor
from guarantor.analysis.sampling import (
    Marginal,
    default_marginals,
    marginal_from,
)
from guarantor.analysis.uncertainty_plan import Plan
from guarantor.analysis.workers import (
    ChunkResult,
    chunks_dask,
    chunks_local,
    probe_flats,
    worker_count,
    worker_pool,
)
from guarantor.errors import InputError, Origin, Problem
from guarantor.solve.fast import FastOptions

Progress = Callable[[int, int], None]


@dataclass
class UncertaintyResult:
    """Inputs, outputs and status of every sample, in sample order."""

    inputs: np.ndarray
    outputs: np.ndarray
    status: np.ndarray
    input_names: list[str]
    output_names: list[str]
    tiers: list[str]
    meta: dict[str, Any]


def plan_uncertainty(
    data: dict[str, Any],
    samples: int,
    seed: int,
    options: FastOptions | None = None,
    solver: str = "highs",
    spread: float = 0.3,
    method: str | None = None,
    pool: Any = None,
) -> Plan:
    """Resolve the declared distributions (or the default cost spread) and probe the affine map
    (its rebuilds on `pool`, a running `worker_pool`, when given)."""
    if samples < 1:
        raise InputError([Problem(Origin("--samples"), "samples", "need at least one sample")])
    options = options or FastOptions()
    engine = Engine(data, options, solver)
    declared = (data.get("uncertainty") or {}).get("distributions") or []
    if declared:
        from guarantor.scenario.schema import Distribution

        marginals = []
        for item in declared:
            dist = Distribution.model_validate(item)
            marginals.append(marginal_from(dist, data, resolve_path(data, dist.path, "uncertainty")))
    else:
        included = {c.id for c in engine.formulation.params.contributors}
        marginals = default_marginals(data, spread, included)
    method = method or (data.get("uncertainty") or {}).get("sampling", "lhs")
    flats = probe_flats(pool, data, options, solver) if pool is not None else None
    affine = probe_affine(engine, [m.path for m in marginals], [m.support() for m in marginals], seed, flats)
    if affine is None:  # an affine map means every end of every support was validated as a probe
        _check_supports(engine, marginals)
    extractor = Extractor(engine.formulation)
    return Plan(
        data,
        marginals,
        method,
        seed,
        samples,
        options,
        solver,
        affine,
        defaulted=not declared,
        output_names=extractor.names,
        tiers=extractor.tiers,
        split=engine.solver.split,
    )


def _check_supports(engine: Engine, marginals: list[Marginal]) -> None:
    """Every distribution must stay within what the scenario accepts (e.g. costs >= 0)."""
    problems = []
    for m in marginals:
        for end in m.support():
            try:
                engine.validate({m.path: end})
            except InputError as error:
                reason = error.problems[0].message
                problems.append(
                    Problem(
                        Origin("uncertainty"),
                        m.path,
                        f"samples reach {end:g}, which is invalid ({reason}); "
                        "bound the distribution with `low:`/`high:`",
                    )
                )
    if problems:
        raise InputError(problems)


def run_uncertainty(
    plan: Plan,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    pool: Any = None,
) -> UncertaintyResult:
    """Solve every sample of the plan; results are in sample order whatever the workers.

    `pool` is a running `worker_pool` (started early by the CLI); without one, a pool
    of `workers` processes is started here.
    """
    workers = worker_count(workers, plan.samples, plan.chunk_size)
    start = time.perf_counter()
    parts: dict[int, ChunkResult] = {}
    with ExitStack() as stack:
        if scheduler:
            stream = chunks_dask(plan, scheduler)
        else:
            if pool is None:
                pool = stack.enter_context(worker_pool(workers))
            workers = workers if pool is not None else 1
            stream = chunks_local(plan, pool)
        for part in stream:
            parts[part[0]] = part
            if progress is not None:
                progress(sum(len(p[1]) for p in parts.values()), plan.samples)
    seconds = time.perf_counter() - start
    ordered = [parts[i] for i in sorted(parts)]
    meta = {
        "samples": plan.samples,
        "seed": plan.seed,
        "sampling": plan.method,
        "chunk_size": plan.chunk_size,
        "workers": workers if not scheduler else None,
        "scheduler": scheduler,
        "seconds": round(seconds, 3),
        "solves_per_second": round(plan.samples / seconds, 1) if seconds > 0 else None,
        "method": "in place, affine inputs" if plan.affine is not None else "in place, numbers rebuilt",
        "us_tier_split": plan.split,
        "default_distributions": plan.defaulted,
        "distributions": [vars(m) for m in plan.marginals],
    }
    return UncertaintyResult(
        inputs=np.vstack([p[1] for p in ordered]),
        outputs=np.vstack([p[2] for p in ordered]),
        status=np.concatenate([p[3] for p in ordered]),
        input_names=[m.path for m in plan.marginals],
        output_names=plan.output_names,
        tiers=plan.tiers,
        meta=meta,
    )
