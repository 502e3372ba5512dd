"""Parameter sweeps: solve a grid of input values and find where the US tier changes.

`--vary key.path=START:STOP:STEPS` (evenly spaced, both ends included) or
`key.path=v1,v2,v3`; two `--vary` give a two-dimensional grid. Between neighbouring
grid points whose chosen US tier differs, the exact switching value is found by
bisection (a tipping point).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from guarantor.analysis.engine import Engine, resolve_path
from guarantor.analysis.limits import check_size
from guarantor.analysis.outputs import Extractor, status_code
from guarantor.errors import InputError, Origin, Problem
from guarantor.solve.fast import FastOptions

Progress = Callable[[int, int], None]
NO_TIER = -1


@dataclass(frozen=True)
class Axis:
    path: str
    values: tuple[float, ...]


def parse_vary(text: str, data: dict[str, Any]) -> Axis:
    """`key.path=START:STOP:STEPS` or `key.path=v1,v2,...` -> an axis of values."""
    path, sep, spec = text.partition("=")
    origin = Origin(f"--vary {text}")
    if not sep or not spec.strip():
        raise InputError([Problem(origin, path, "expected key.path=START:STOP:STEPS or key.path=v1,v2,...")])
    path = resolve_path(data, path.strip())
    try:
        if ":" in spec:
            start, stop, steps = spec.split(":")
            count = int(steps)
            if count < 2:
                raise ValueError("STEPS must be at least 2")
            check_size(f"--vary {text}", count, "points on one axis", allow_large=True)
            values = tuple(float(v) for v in np.linspace(float(start), float(stop), count))
        else:
            values = tuple(float(v) for v in spec.split(","))
    except ValueError as error:
        raise InputError([Problem(origin, path, f"cannot read values: {error}")]) from None
    if any(not math.isfinite(v) for v in values):
        raise InputError([Problem(origin, path, "values must be finite numbers")])
    return Axis(path, values)


@dataclass
class SweepResult:
    axes: list[Axis]
    grid: np.ndarray
    outputs: np.ndarray
    status: np.ndarray
    output_names: list[str]
    tiers: list[str]
    tipping: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


class Prober:
    """Solve a variant and read one output row; caches the extractor per formulation."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.extractor = Extractor(engine.formulation)
        self.rank = self.extractor.names.index("us_tier_rank")
        self.solves = 0

    def row(self, values: dict[str, float]) -> tuple[int, np.ndarray]:
        self.solves += 1
        try:
            point = self.engine.solve(values)
        except InputError:
            return status_code("invalid"), np.full(len(self.extractor.names), np.nan)
        same = point.formulation is self.engine.formulation
        extractor = self.extractor if same else Extractor(point.formulation)
        return status_code(point.solution.status), extractor.row(point.solution)

    def tier(self, values: dict[str, float]) -> int:
        """Chosen US tier rank, or NO_TIER when there is no solution."""
        _, row = self.row(values)
        return NO_TIER if math.isnan(row[self.rank]) else int(row[self.rank])


def bisect_tier(
    prober: Prober, fixed: dict[str, float], path: str, lo: float, hi: float, tol: float | None = None
) -> tuple[float, int, int]:
    """The value of `path` between lo and hi where the chosen tier switches (lo side, hi side)."""
    tier_lo, tier_hi = prober.tier({**fixed, path: lo}), prober.tier({**fixed, path: hi})
    tol = tol if tol is not None else 1e-4 * max(abs(lo), abs(hi), 1e-9)
    for _ in range(60):
        if abs(hi - lo) <= tol:
            break
        mid = (lo + hi) / 2
        tier = prober.tier({**fixed, path: mid})
        if tier == tier_lo:
            lo = mid
        else:
            hi, tier_hi = mid, tier
    return (lo + hi) / 2, tier_lo, tier_hi


def run_sweep(
    data: dict[str, Any],
    axes: list[Axis],
    options: FastOptions | None = None,
    solver: str = "highs",
    progress: Progress | None = None,
) -> SweepResult:
    """Solve every grid point, then refine each tier change along each axis by bisection."""
    if not axes:
        raise InputError([Problem(Origin("--vary"), "vary", "give at least one --vary key.path=...")])
    engine = Engine(data, options, solver)
    prober = Prober(engine)
    grid = np.array(list(itertools.product(*(a.values for a in axes))), dtype=float)
    outputs = np.full((len(grid), len(prober.extractor.names)), np.nan)
    status = np.zeros(len(grid), dtype=np.int8)
    paths = [a.path for a in axes]
    for i, point in enumerate(grid):
        status[i], outputs[i] = prober.row(dict(zip(paths, point.tolist(), strict=True)))
        if progress is not None:
            progress(i + 1, len(grid))
    result = SweepResult(axes, grid, outputs, status, prober.extractor.names, prober.extractor.tiers)
    result.tipping = _tipping_points(prober, axes, outputs[:, prober.rank])
    result.meta = {"points": len(grid), "solves": prober.solves, "rebuilds": engine.rebuilds}
    return result


def _tipping_points(prober: Prober, axes: list[Axis], ranks: np.ndarray) -> list[dict[str, Any]]:
    """Bisect between neighbours along each axis whose tier differs (NaN = no solution)."""
    shape = tuple(len(a.values) for a in axes)
    ranks = ranks.reshape(shape)
    found = []
    for d, axis in enumerate(axes):
        for index in itertools.product(*(range(s) for s in shape)):
            if index[d] + 1 >= shape[d]:
                continue
            nxt = tuple(k + 1 if e == d else k for e, k in enumerate(index))
            a, b = ranks[index], ranks[nxt]
            if math.isnan(a) or math.isnan(b) or a == b:
                continue
            fixed = {o.path: o.values[index[e]] for e, o in enumerate(axes) if e != d}
            start, stop = axis.values[index[d]], axis.values[nxt[d]]
            value, t_lo, t_hi = bisect_tier(prober, fixed, axis.path, start, stop)
            if start > stop:
                t_lo, t_hi = t_hi, t_lo
            tiers = prober.extractor.tiers
            found.append(
                {
                    "path": axis.path,
                    "value": value,
                    **{f"at_{k}": v for k, v in fixed.items()},
                    "tier_below": tiers[t_lo] if t_lo >= 0 else "none feasible",
                    "tier_above": tiers[t_hi] if t_hi >= 0 else "none feasible",
                }
            )
    return found
