"""Variants of one scenario: new input values -> new model numbers -> warm re-solve.

An `Engine` holds the base scenario's resolved data, its formulation and a live solver.
A variant sets values at key paths, re-validates and rebuilds the (pure-Python) linear
model, and pushes only the numbers that changed; a variant whose structure differs
(new rows, another sparsity) is solved on a fresh model instead. `AffineMap` skips
even the rebuild when every changed number is an affine function of the inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from guarantor.errors import InputError, Origin, Problem
from guarantor.model.build import build
from guarantor.model.formulation import Formulation, OriginLookup
from guarantor.model.linear import INF, Row
from guarantor.scenario.paths import get_value, with_values
from guarantor.scenario.schema import Scenario
from guarantor.solve.fast import ArrayModel, FastOptions, Layout, Solution, Solver

METRIC_ROWS = ("escalation_risk", "deployed_force")


def add_metric_rows(f: Formulation) -> Formulation:
    """Free rows holding reported metrics, so that in-place changes reach them too.

    A risk score pushed into the live model changes the objective and the escalation
    ceiling; with the metric as a row of the same model, the risk read back is the
    perturbed one as well. Free rows constrain nothing (HiGHS presolve drops them). The
    total cost needs no row: it is the sum of the funding columns.
    """
    for name in METRIC_ROWS:
        f.model.add_row(Row(f"metric_{name}", dict(f.metrics[name]), -INF, INF, "metric", name))
    return f


def resolve_path(data: dict[str, Any], path: str, flag: str = "--vary") -> str:
    """The path of a numeric input; a sourced figure's path may omit its trailing `.value`."""
    try:
        value = get_value(data, path)
    except KeyError as missing:
        raise InputError(
            [Problem(Origin(flag), path, f"no such key in the resolved scenario: {missing.args[0]!r}")]
        ) from None
    if isinstance(value, dict) and "value" in value:
        return resolve_path(data, f"{path}.value", flag)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError([Problem(Origin(flag), path, f"not a numeric input (found {type(value).__name__})")])
    return path


@dataclass
class Point:
    """One solved variant and the formulation its columns belong to."""

    solution: Solution
    formulation: Formulation
    values: dict[str, float] = field(default_factory=dict)


class Engine:
    """Build once, re-solve many: variants of one scenario on a live HiGHS model."""

    def __init__(
        self,
        data: dict[str, Any],
        options: FastOptions | None = None,
        solver: str = "highs",
        metric_rows: bool = True,
    ) -> None:
        self.data = data
        self.options = options or FastOptions()
        self.backend = solver
        self.metric_rows = metric_rows  # the web app reads metrics from the decisions: no extra rows
        self.scenario = Scenario.model_validate(data)
        self.lexicographic = self.scenario.objective.type == "lexicographic" or solver != "highs"
        self.formulation = self._build(self.scenario)
        self.base = ArrayModel.from_linear(self.formulation.model)
        self.base_flat = self.base.flat()
        self.solver = Solver(self.base, self.options)
        self.rebuilds = 0

    def validate(self, values: dict[str, float]) -> Scenario:
        """The scenario with new values, re-validated (InputError names the first problem)."""
        from pydantic import ValidationError

        try:
            return Scenario.model_validate(with_values(self.data, values))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError([Problem(Origin("variant"), where, first["msg"])]) from None

    def formulate(self, values: dict[str, float]) -> Formulation:
        """Rebuild the linear model with new values (raises InputError if they are invalid)."""
        return self._build(self.validate(values)) if values else self.formulation

    def _build(self, scenario: Scenario, origin_of: OriginLookup | None = None) -> Formulation:
        """The formulation (with metric rows on the in-place path; the standard path solves it as is)."""
        f = build(scenario, origin_of)
        return f if self.lexicographic or not self.metric_rows else add_metric_rows(f)

    def solve_variant(self, scenario: Scenario, origin_of: OriginLookup | None = None) -> Point:
        """Solve a scenario validated elsewhere (the web app validates as YAML does) on the live model.

        The point carries the variant's own formulation, whose labels state the variant's numbers
        and whose rows are traced by `origin_of` (origins are not numbers: the structure is the same).
        """
        f = self._build(scenario, origin_of)
        if self.lexicographic:
            return Point(self._solve_standard(f), f)
        arrays = ArrayModel.from_linear(f.model)
        if arrays.structure != self.base.structure:
            self.rebuilds += 1
            return Point(Solver(arrays, self.options).solve(arrays.flat()), f)
        return Point(self.solve_flat(arrays.flat()), f)

    def solve(self, values: dict[str, float] | None = None) -> Point:
        """Solve the scenario with `values` set at their key paths."""
        values = dict(values or {})
        if self.lexicographic:  # the standard path adds rows to its model: give it a fresh one
            f = self._build(self.validate(values))
            return Point(self._solve_standard(f), f, values)
        f = self.formulate(values)
        arrays = ArrayModel.from_linear(f.model) if f is not self.formulation else self.base
        if arrays.structure != self.base.structure:
            self.rebuilds += 1
            return Point(Solver(arrays, self.options).solve(arrays.flat()), f, values)
        return Point(self.solve_flat(arrays.flat()), self.formulation, values)

    def needs_check(self, touched: np.ndarray) -> bool:
        """Whether changing these flat entries could free an integer (bounds of integer columns)."""
        n = self.base.n
        columns = np.flatnonzero(self.base.integer)
        return bool(np.isin(touched, np.concatenate([n + columns, 2 * n + columns])).any())

    def touches_metric_rows(self, touched: np.ndarray) -> bool:
        """Whether changing these flat entries changes a metric row (then read row activities)."""
        rows = [self.formulation.model.row_index.get(f"metric_{m}") for m in METRIC_ROWS]
        matrix = Layout(self.base).matrix
        k = touched[(touched >= matrix.start) & (touched < matrix.stop)] - matrix.start
        return bool(np.isin(self.base.a_index[k], [r for r in rows if r is not None]).any())

    def solve_flat(self, flat: np.ndarray) -> Solution:
        """Solve the base structure with the numbers of `flat`, in place when the solver allows it."""
        if self.solver.accepts(flat):
            return self.solver.solve(flat)
        self.rebuilds += 1
        return Solver(self.base.with_flat(flat), self.options).solve(flat)

    def _solve_standard(self, f: Formulation) -> Solution:
        """Lexicographic objectives and CBC go through the standard (rebuilding) path."""
        from guarantor.solve.pipeline import solve_formulation
        from guarantor.solve.solving import SolveOptions

        options = SolveOptions(self.backend, self.options.time_limit, self.options.gap)
        raw = solve_formulation(f, options)
        if not raw.status.has_solution:
            return Solution(str(raw.status), float("nan"), None)
        values = np.asarray(raw.values[: len(f.model.columns)], dtype=float)
        return Solution(str(raw.status), float(raw.objective or 0.0), values)


@dataclass
class AffineMap:
    """Model numbers as `base + slopes @ (values - base_values)`, on the entries inputs touch."""

    paths: list[str]
    base_values: np.ndarray
    touched: np.ndarray
    base_touched: np.ndarray
    slopes: np.ndarray

    def __post_init__(self) -> None:
        # Each touched number depends on one input or a few: a sparse product, computed with
        # bincount rather than BLAS, whose spinning threads would steal the other worker's core.
        self._rows, self._cols = np.nonzero(self.slopes)
        self._vals = self.slopes[self._rows, self._cols]

    def touched_at(self, values: np.ndarray) -> np.ndarray:
        """The touched numbers at these input values."""
        delta = self._vals * (values - self.base_values)[self._cols]
        return self.base_touched + np.bincount(self._rows, weights=delta, minlength=len(self.touched))

    def flat_at(self, base_flat: np.ndarray, values: np.ndarray) -> np.ndarray:
        flat = base_flat.copy()
        flat[self.touched] = self.touched_at(values)
        return flat


Flats = Callable[[list[dict[str, float]]], list["np.ndarray | None"]]
"""Variants -> their flat numbers (None: invalid, or another structure); in order."""


def probe_affine(
    engine: Engine,
    paths: list[str],
    ranges: Iterable[tuple[float, float]],
    seed: int = 0,
    flats: Flats | None = None,
) -> AffineMap | None:
    """Find slopes by rebuilding at probe values; None if any number is not affine in the inputs.

    Each input is probed at both ends of its range (with the base value, three points
    that must lie on one line), then a few joint points are rebuilt and compared with
    the prediction, so kinks (caps, rounding to whole units), interactions between
    inputs and structure changes all fall back to rebuilding. A map is returned only if every
    probe validated: both ends of every range are then valid values (callers rely on this).
    The rebuilds are independent: `flats` may run them elsewhere (the command's idle workers,
    `workers.probe_flats`); by default they run here, one by one.
    """
    if engine.lexicographic or not paths:
        return None
    base_flat = engine.base_flat
    finite = np.isfinite(base_flat)
    base = np.where(finite, base_flat, 0.0)
    v0 = np.array([float(get_value(engine.data, p)) for p in paths])
    bounds = [(float(lo), float(hi)) for lo, hi in ranges]
    probes = [(i, value) for i, (lo, hi) in enumerate(bounds) for value in sorted({lo, hi} - {v0[i]})]
    rng = np.random.default_rng([seed, 7])
    joint = [np.array([rng.uniform(lo, hi) for lo, hi in bounds]) for _ in range(3)]
    variants = [{paths[i]: value} for i, value in probes]
    variants += [dict(zip(paths, values.tolist(), strict=True)) for values in joint]
    rebuilt = (flats or (lambda vs: [flat_or_none(engine, v) for v in vs]))(variants)
    found = [flat for flat in rebuilt if flat is not None and np.array_equal(np.isfinite(flat), finite)]
    if len(found) < len(rebuilt):
        return None
    by_input: dict[int, list[tuple[float, np.ndarray]]] = {}
    for (i, value), flat in zip(probes, found, strict=False):
        by_input.setdefault(i, []).append((value - v0[i], np.where(finite, flat, 0.0)))
    columns = []
    for i in range(len(paths)):
        if i not in by_input:
            columns.append(np.zeros_like(base_flat))
            continue
        far_dv, far_flat = max(by_input[i], key=lambda d: abs(d[0]))
        slope = (far_flat - base) / far_dv
        if not all(_close(flat, base + slope * dv, base) for dv, flat in by_input[i]):
            return None
        columns.append(slope)
    slopes = np.column_stack(columns)
    touched = np.flatnonzero(np.any(slopes != 0, axis=1))
    result = AffineMap(list(paths), v0, touched, base_flat[touched].copy(), slopes[touched].copy())
    for values, flat in zip(joint, found[len(probes) :], strict=True):
        predicted = np.where(finite, result.flat_at(base_flat, values), 0.0)
        if not _close(np.where(finite, flat, 0.0), predicted, base):
            return None
    return result


def _close(a: np.ndarray, b: np.ndarray, base: np.ndarray) -> bool:
    """Equal up to rounding, entry by entry (relative to each entry's own size)."""
    scale = np.abs(a) + np.abs(b) + np.abs(base)
    return bool(np.all(np.abs(a - b) <= 1e-9 * scale + 1e-12))


def flat_or_none(engine: Engine, values: dict[str, float]) -> np.ndarray | None:
    """The variant's flat numbers, or None if it is invalid or changes the structure."""
    try:
        f = engine.formulate(values)
    except InputError:
        return None
    arrays = ArrayModel.from_linear(f.model)
    return arrays.flat() if arrays.structure == engine.base.structure else None
