"""A small solver-neutral linear model: named columns and rows with report metadata.

The formulation writes here first; `to_pulp` turns it into a PuLP problem for the
standard solve path, and the fast re-solve path diffs two of these to change a live
HiGHS model in place. Rows carry the label, unit and YAML origin reports cite.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Literal

from guarantor.errors import Origin

Expr = dict[int, float]
INF = float("inf")


@dataclass
class Column:
    name: str
    lower: float
    upper: float
    integer: bool


@dataclass
class Row:
    """`lower <= sum(coefs[j] * x[j]) <= upper`, with what reports need to explain it."""

    name: str
    coefs: Expr
    lower: float
    upper: float
    family: str
    label: str
    unit: str = ""
    origin: Origin | None = None
    relaxable: bool = True
    scale: float = 1.0  # natural size of one unit of violation, for elastic weights
    share_base: Expr | None = None  # for share rows: the total the share is taken of


@dataclass
class LinearModel:
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    objective: Expr = field(default_factory=dict)
    objective_constant: float = 0.0
    sense: Literal["min", "max"] = "min"
    index: dict[str, int] = field(default_factory=dict)
    row_index: dict[str, int] = field(default_factory=dict)

    def add_column(self, name: str, lower: float = 0.0, upper: float = INF, integer: bool = False) -> int:
        if name in self.index:
            raise ValueError(f"duplicate column {name}")
        self.index[name] = len(self.columns)
        self.columns.append(Column(name, lower, upper, integer))
        return self.index[name]

    def add_row(self, row: Row) -> int:
        if row.name in self.row_index:
            raise ValueError(f"duplicate row {row.name}")
        row.coefs = {j: v for j, v in row.coefs.items() if v != 0.0}
        self.row_index[row.name] = len(self.rows)
        self.rows.append(row)
        return self.row_index[row.name]

    @property
    def is_mip(self) -> bool:
        return any(c.integer for c in self.columns)

    def copy(self) -> LinearModel:
        """A deep copy, for callers that edit rows in place (diagnosis)."""
        return copy.deepcopy(self)

    def derived(self) -> LinearModel:
        """A copy for the solve path: own columns, objective and row list, rows shared.

        Fixing integer columns and appending rows (polish, pool balancing) never edit an
        existing row, so the rows need not be copied: a deep copy cost 3.6 s at 91,520 columns.
        """
        return LinearModel(
            columns=[Column(c.name, c.lower, c.upper, c.integer) for c in self.columns],
            rows=list(self.rows),
            objective=dict(self.objective),
            objective_constant=self.objective_constant,
            sense=self.sense,
            index=dict(self.index),
            row_index=dict(self.row_index),
        )

    def structure(self) -> tuple[object, ...]:
        """What must match for an in-place re-solve: names, integrality, sparsity pattern."""
        return (
            tuple((c.name, c.integer) for c in self.columns),
            tuple((r.name, tuple(sorted(r.coefs))) for r in self.rows),
        )


def evaluate(expr: Expr, values: list[float], constant: float = 0.0) -> float:
    return constant + sum(coef * values[j] for j, coef in expr.items())


def add_expr(target: Expr, source: Expr, factor: float = 1.0) -> Expr:
    for j, coef in source.items():
        target[j] = target.get(j, 0.0) + factor * coef
    return target
