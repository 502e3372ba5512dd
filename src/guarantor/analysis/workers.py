"""Where uncertainty chunks run: in this process, in spawned worker processes, or on a Dask cluster.

A `Runner` is one worker's model, built once; it solves whole chunks. Workers are
spawned, or forked before this process has run HiGHS (no HiGHS state is ever copied),
receive the pickled plan with each task and unpickle it only once, and cache their
runner per plan token (thread-local, since a Dask worker may run tasks in threads).
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from guarantor.analysis.engine import Engine, Flats, flat_or_none
from guarantor.analysis.outputs import Extractor, status_code
from guarantor.analysis.sampling import CHUNK_SIZE, chunk_sizes, sample_chunk
from guarantor.analysis.uncertainty_plan import Plan
from guarantor.errors import GuarantorError, InputError

ChunkResult = tuple[int, np.ndarray, np.ndarray, np.ndarray]


class Runner:
    """One worker's model, built once; solves whole chunks."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.engine = Engine(plan.data, plan.options, plan.solver)
        self.extractor = Extractor(self.engine.formulation)

    def chunk(self, index: int) -> ChunkResult:
        """Draw chunk `index` and solve it from a freshly reset model (order-independent results)."""
        plan, engine = self.plan, self.engine
        size = plan.chunks[index]
        values = sample_chunk(plan.marginals, plan.seed, index, size, plan.method)
        status = np.zeros(size, dtype=np.int8)
        engine.solver.reset()
        if plan.affine is not None:
            return index, values, self._affine_chunk(values, status), status
        outputs = np.full((size, len(self.extractor.names)), np.nan)
        paths = [m.path for m in plan.marginals]
        for s in range(size):
            try:
                point = engine.solve(dict(zip(paths, values[s].tolist(), strict=True)))
            except InputError:
                status[s] = status_code("invalid")
                continue
            same = point.formulation is engine.formulation
            extractor = self.extractor if same else Extractor(point.formulation)
            status[s] = status_code(point.solution.status)
            outputs[s] = extractor.row(point.solution)
        return index, values, outputs, status

    def _affine_chunk(self, values: np.ndarray, status: np.ndarray) -> np.ndarray:
        """The hot loop: numbers by the affine map, solved in place, outputs extracted per chunk."""
        engine, affine = self.engine, self.plan.affine
        assert affine is not None
        base = engine.base
        x = np.full((len(values), base.n), np.nan)
        objective = np.full(len(values), np.nan)
        read_rows = engine.touches_metric_rows(affine.touched)
        activities = np.full((len(values), base.m), np.nan) if read_rows else None
        for part in engine.solver.parts:
            part.read_rows = read_rows
        patch = None if engine.needs_check(affine.touched) else engine.solver.patch(affine.touched)
        for s, v in enumerate(values):
            if patch is not None:  # the hot path: only the touched numbers, pushed as they are
                solution = engine.solver.solve_patch(patch, affine.touched_at(v))
            else:
                solution = engine.solve_flat(affine.flat_at(engine.base_flat, v))
            status[s] = status_code(solution.status)
            if solution.x is not None:
                x[s], objective[s] = solution.x, solution.objective
                if activities is not None and solution.rows is not None:
                    activities[s] = solution.rows
        return self.extractor.rows(x, objective, activities)


_LOCAL = threading.local()


def _runner(plan: Plan) -> Runner:
    """The worker's cached runner for this plan (thread-local: Dask may run threads)."""
    cached = getattr(_LOCAL, "runner", None)
    if cached is None or cached.plan.token != plan.token:
        cached = _LOCAL.runner = Runner(plan)
    return cached


def _warm_worker() -> None:
    """Runs when a worker starts: pay the imports and HiGHS's banner while the parent plans."""
    from guarantor.report.rendering import quiet_worker

    quiet_worker()
    from guarantor.solve.fast import quiet_highs  # (scipy.special, for normal inverse CDFs, on demand)

    quiet_highs()


def _pool_chunk(task: tuple[str, bytes, int]) -> ChunkResult:
    """A chunk task carries the pickled plan; each worker unpickles and builds it only once."""
    token, payload, index = task
    cached = getattr(_LOCAL, "runner", None)
    if cached is None or cached.plan.token != token:
        cached = _LOCAL.runner = Runner(pickle.loads(payload))
    return cached.chunk(index)  # type: ignore[no-any-return]


def probe_flats(pool: Any, data: dict[str, Any], options: Any, solver: str) -> Flats:
    """`probe_affine`'s rebuilds on the pool's workers, idle until the plan exists: the parent's
    planning (one rebuild per end of every input's range) then takes half the time."""
    import hashlib

    payload = pickle.dumps((data, options, solver), protocol=pickle.HIGHEST_PROTOCOL)
    token = hashlib.sha256(payload).hexdigest()[:16]

    def run(variants: list[dict[str, float]]) -> list[np.ndarray | None]:
        size = max(1, -(-len(variants) // PROBE_TASKS))
        tasks = [(token, payload, variants[i : i + size]) for i in range(0, len(variants), size)]
        return [flat for part in pool.map(_probe_chunk, tasks, chunksize=1) for flat in part]

    return run


PROBE_TASKS = 8
"""Probe tasks per planning: several per worker, so neither waits for the other."""


def _probe_chunk(task: tuple[str, bytes, list[dict[str, float]]]) -> list[np.ndarray | None]:
    token, payload, variants = task
    cached = getattr(_LOCAL, "probing", None)
    if cached is None or cached[0] != token:
        data, options, solver = pickle.loads(payload)
        cached = _LOCAL.probing = (token, Engine(data, options, solver))
    return [flat_or_none(cached[1], values) for values in variants]


def _dask_chunk(plan: Plan, index: int) -> ChunkResult:
    return _runner(plan).chunk(index)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def worker_count(workers: int | None, samples: int, chunk_size: int = CHUNK_SIZE) -> int:
    """All cores by default, never more workers than chunks."""
    return max(1, min(workers or default_workers(), len(chunk_sizes(samples, chunk_size))))


@contextmanager
def worker_pool(workers: int, fork: bool = False) -> Iterator[Any]:
    """Worker processes, or None for one worker; start it before planning, so the workers
    import and warm up while the parent works.

    They are spawned, unless `fork` says this process has not run HiGHS yet (the command line
    starts the pool first thing): then, on Linux, they are forked, and start with everything
    the command has imported instead of importing it again (about 0.4 s of CPU each, paid
    while the parent plans on the same two cores).
    """
    if workers <= 1:
        yield None
        return
    import multiprocessing
    import sys

    from guarantor.report.rendering import reap_at_exit, sigterm_exits, single_threaded_children

    forked = fork and sys.platform == "linux"
    context = multiprocessing.get_context("fork" if forked else "spawn")
    reap_at_exit()  # nothing of the pool outlives the command, SIGTERM included (tested)
    with sigterm_exits(), single_threaded_children(), context.Pool(workers, _warm_worker) as pool:
        yield pool
        close_pool(pool)


def close_pool(pool: Any) -> None:
    """Let the workers finish and exit on their own (a command calls this once the solving is
    done, so they are gone before it writes its report; calling it again does nothing)."""
    if pool is not None:
        pool.close()
        pool.join()


def chunks_local(plan: Plan, pool: Any) -> Iterator[ChunkResult]:
    indices = range(len(plan.chunks))
    if pool is None:
        runner = Runner(plan)
        for i in indices:
            yield runner.chunk(i)
        return
    payload = pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL)
    yield from pool.imap_unordered(_pool_chunk, [(plan.token, payload, i) for i in indices])


def chunks_dask(plan: Plan, scheduler: str) -> Iterator[ChunkResult]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise GuarantorError("--scheduler needs Dask: pip install 'guarantor[distributed]'") from None
    with Client(scheduler) as client:
        remote = client.scatter(plan, broadcast=True)
        futures = [client.submit(_dask_chunk, remote, i, pure=False) for i in range(len(plan.chunks))]
        for future in as_completed(futures):
            yield future.result()
