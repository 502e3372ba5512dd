"""Re-solve a model derived from the last one on the HiGHS model that solve left, changed in place.

After the main solve, the pipeline solves models that differ from it a little: the MIP
with its integers fixed (the polish), that LP on its optimal face with tie-break columns
and rows appended, the integer tie-break with the optimum held. Handing each to PuLP again cost
more than HiGHS's solve at scale (at 95,000 columns: ~1.4 s to build the PuLP problem, ~0.9 s
for PuLP to pass it to HiGHS and ~0.25 s to read it back, against 0.1-0.2 s of simplex).

`HeldModel` remembers what the HiGHS model holds (column names, bounds, integrality, the
rows by identity and their bounds) and pushes only the difference: changed bounds and
integrality, the new costs, columns and rows appended at the end. Rows are never edited in
place on the solve path (`LinearModel.derived` shares them), so a row whose coefficients are
the same object as before holds the same entries. A model that drops columns or rows (the
pool split drops the tie-break's) is built afresh. The solver's state (basis, solution) is
cleared before each run, so the answer is the one a fresh model gives (tested on every
shipped scenario). This module imports neither PuLP nor pandas.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from guarantor.heap import TRIM_COLUMNS, release_freed_memory
from guarantor.model.linear import LinearModel, Row
from guarantor.solve.solving import RawSolution, SolveOptions, run_highs, solve_keeping


class Resolver:
    """Solves a model, then the models derived from it, on one HiGHS model (PuLP builds the first)."""

    def __init__(self, options: SolveOptions) -> None:
        self.options = options
        self.held: HeldModel | None = None

    def solve(self, model: LinearModel) -> RawSolution:
        if self.held is not None:
            raw = self.held.solve(model, self.options)
            if raw is not None:
                return raw
        self.held = None  # free the old HiGHS model before PuLP builds the next
        raw, highs = solve_keeping(model, self.options)
        if len(model.columns) >= TRIM_COLUMNS:  # PuLP's problem and the branch and bound are gone
            release_freed_memory()  # their pages go back before the re-solves allocate their own
        if highs is not None:
            self.held = HeldModel(highs, model)
        return raw


class HeldModel:
    """A live `highspy.Highs` and a record of the `LinearModel` it holds."""

    def __init__(self, highs: Any, model: LinearModel) -> None:
        self.highs = highs
        self._record(model)

    def _record(self, model: LinearModel) -> None:
        self.names = [c.name for c in model.columns]
        self.lower, self.upper, self.integer = _column_arrays(model)
        self.rows = list(model.rows)
        self.row_lower, self.row_upper = _row_arrays(model.rows)

    def solve(self, model: LinearModel, options: SolveOptions) -> RawSolution | None:
        """Solve `model` in place; None when it does not derive from the held one (rebuild it)."""
        if model.sense != "min" or not self._update(model):
            return None
        self._record(model)
        self.highs.clearSolver()  # no basis or incumbent carried over: the same answer as a fresh model
        return run_highs(self.highs, model, options, time.perf_counter())

    def _update(self, model: LinearModel) -> bool:
        """Change the HiGHS model into `model`; False (nothing changed) unless `model` extends it.

        It extends it when the held columns and rows come first, the rows the same objects.
        Removing columns or rows works too, but HiGHS then answers in the last digits differently
        from a fresh model (1e-12 on the pool split), so those models are rebuilt instead.
        """
        n, m = len(self.names), len(self.rows)
        if len(model.columns) < n or len(model.rows) < m:
            return False
        if any(c.name != name for c, name in zip(model.columns, self.names, strict=False)):
            return False
        if any(new.coefs is not old.coefs for new, old in zip(model.rows, self.rows, strict=False)):
            return False
        h = self.highs
        lower, upper, integer = _column_arrays(model)
        bounds = np.flatnonzero((lower[:n] != self.lower) | (upper[:n] != self.upper)).astype(np.int32)
        if len(bounds):
            h.changeColsBounds(len(bounds), bounds, lower[bounds], upper[bounds])
        if len(model.columns) > n:
            added, empty = len(lower) - n, np.zeros(0, dtype=np.int32)
            h.addCols(added, np.zeros(added), lower[n:], upper[n:], 0, empty, empty, np.zeros(0))
        kinds = np.flatnonzero(np.concatenate([integer[:n] != self.integer, integer[n:]])).astype(np.int32)
        if len(kinds):
            h.changeColsIntegrality(len(kinds), kinds, integer[kinds].astype(np.uint8))
        cost = np.zeros(len(lower))
        for j, v in model.objective.items():
            cost[j] = v
        h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        h.changeObjectiveOffset(float(model.objective_constant))
        row_lower, row_upper = _row_arrays(model.rows)
        moved = np.flatnonzero((row_lower[:m] != self.row_lower) | (row_upper[:m] != self.row_upper))
        if len(moved):
            h.changeRowsBounds(len(moved), moved.astype(np.int32), row_lower[moved], row_upper[moved])
        if len(model.rows) > m:
            _add_rows(h, model.rows[m:], row_lower[m:], row_upper[m:])
        return True


def _column_arrays(model: LinearModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    columns = model.columns
    return (
        np.fromiter((c.lower for c in columns), float, len(columns)),
        np.fromiter((c.upper for c in columns), float, len(columns)),
        np.fromiter((c.integer for c in columns), bool, len(columns)),
    )


def _row_arrays(rows: list[Row]) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.fromiter((r.lower for r in rows), float, len(rows)),
        np.fromiter((r.upper for r in rows), float, len(rows)),
    )


def _add_rows(h: Any, rows: list[Row], lower: np.ndarray, upper: np.ndarray) -> None:
    starts: list[int] = []
    index: list[int] = []
    value: list[float] = []
    for row in rows:
        starts.append(len(index))
        for j, v in row.coefs.items():
            if v != 0.0:  # as PuLP passes them
                index.append(j)
                value.append(v)
    h.addRows(
        len(rows),
        lower,
        upper,
        len(index),
        np.array(starts, dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.array(value, dtype=float),
    )
