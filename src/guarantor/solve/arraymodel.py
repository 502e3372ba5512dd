"""A linear model as flat arrays: what the fast re-solve path compares, changes and pushes.

`ArrayModel` holds a `LinearModel`'s numbers column-wise, as HiGHS takes them; `flat()`
puts every number HiGHS may be told to change into one vector (laid out by `Layout`),
so a variant is a vector too and its difference from the live model is one comparison.
A `Patch` is a fixed set of entries of that vector, sorted by kind once.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from guarantor.model.linear import LinearModel


@dataclass
class ArrayModel:
    """A linear model as arrays: column-wise matrix, bounds, costs and integrality."""

    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    a_start: np.ndarray
    a_index: np.ndarray
    a_value: np.ndarray
    integer: np.ndarray
    offset: float
    structure: tuple[object, ...]

    @classmethod
    def from_linear(cls, model: LinearModel) -> ArrayModel:
        n = len(model.columns)
        cost = np.zeros(n)
        for j, v in model.objective.items():
            cost[j] = v
        entries = sorted((j, i, v) for i, row in enumerate(model.rows) for j, v in row.coefs.items())
        counts = np.bincount(np.array([e[0] for e in entries], dtype=np.int64), minlength=n)
        start = np.zeros(n + 1, dtype=np.int32)
        start[1:] = np.cumsum(counts)
        return cls(
            cost=cost,
            col_lower=np.array([c.lower for c in model.columns], dtype=float),
            col_upper=np.array([c.upper for c in model.columns], dtype=float),
            row_lower=np.array([r.lower for r in model.rows], dtype=float),
            row_upper=np.array([r.upper for r in model.rows], dtype=float),
            a_start=start,
            a_index=np.array([e[1] for e in entries], dtype=np.int32),
            a_value=np.array([e[2] for e in entries], dtype=float),
            integer=np.array([c.integer for c in model.columns], dtype=bool),
            offset=float(model.objective_constant),
            structure=model.structure(),
        )

    @property
    def n(self) -> int:
        return len(self.cost)

    @property
    def m(self) -> int:
        return len(self.row_lower)

    def flat(self) -> np.ndarray:
        """Every number HiGHS may be told to change, in one vector (see `Layout`)."""
        parts = (self.cost, self.col_lower, self.col_upper, self.row_lower, self.row_upper, self.a_value)
        return np.concatenate([*parts, [self.offset]])

    def with_flat(self, flat: np.ndarray) -> ArrayModel:
        """The same structure with the numbers of `flat` (a variant to solve from scratch)."""
        lay = Layout(self)
        return ArrayModel(
            flat[lay.cost].copy(),
            flat[lay.col_lower].copy(),
            flat[lay.col_upper].copy(),
            flat[lay.row_lower].copy(),
            flat[lay.row_upper].copy(),
            self.a_start,
            self.a_index,
            flat[lay.matrix].copy(),
            self.integer,
            float(flat[-1]),
            self.structure,
        )

    def entry_columns(self) -> np.ndarray:
        return np.repeat(np.arange(self.n, dtype=np.int32), np.diff(self.a_start))

    def free_integers(self, flat: np.ndarray | None = None) -> np.ndarray:
        """Integer columns whose bounds leave a choice (fixed ones are plain constants)."""
        lay = Layout(self)
        flat = self.flat() if flat is None else flat
        lower, upper = flat[lay.col_lower], flat[lay.col_upper]
        return np.flatnonzero(self.integer & (lower < upper))


class Layout:
    """Slices of the flat vector: costs, column bounds, row bounds, matrix values, offset."""

    def __init__(self, model: ArrayModel) -> None:
        n, m, nnz = model.n, model.m, len(model.a_value)
        edges = np.cumsum([0, n, n, n, m, m, nnz, 1])
        (
            self.cost,
            self.col_lower,
            self.col_upper,
            self.row_lower,
            self.row_upper,
            self.matrix,
            self.offset,
        ) = (slice(int(a), int(b)) for a, b in itertools.pairwise(edges))
        self.size = int(edges[-1])


class Patch:
    """A fixed set of flat entries, sorted by kind once, so each sample pushes them without searching.

    Uncertainty runs change the same entries (those the inputs touch) thousands of times.
    """

    def __init__(self, model: ArrayModel, idx: np.ndarray) -> None:
        lay, n, m = Layout(model), model.n, model.m
        self.idx = np.asarray(idx, dtype=np.int64)
        kinds = {
            "cost": (self.idx < lay.cost.stop),
            "cols": (self.idx >= n) & (self.idx < 3 * n),
            "rows": (self.idx >= 3 * n) & (self.idx < 3 * n + 2 * m),
            "matrix": (self.idx >= lay.matrix.start) & (self.idx < lay.matrix.stop),
        }
        self.cost = np.flatnonzero(kinds["cost"])
        self.cost_columns = self.idx[self.cost].astype(np.int32)
        self.columns = np.unique((self.idx[kinds["cols"]] - n) % n).astype(np.int32)
        self.rows = np.unique((self.idx[kinds["rows"]] - 3 * n) % m).astype(np.int32)
        self.matrix = np.flatnonzero(kinds["matrix"])
        k = self.idx[self.matrix] - lay.matrix.start
        self.entry_rows = model.a_index[k].tolist()
        self.entry_columns = model.entry_columns()[k].tolist()
        self.offset = bool(len(self.idx)) and self.idx[-1] == lay.offset.start
