"""The fast re-solve path: one live HiGHS model per scenario structure, changed in place.

PuLP builds a fresh HiGHS model on every solve (~19 ms a scenario). Many-scenario
analyses instead pass the model to `highspy` once, then push only the costs, bounds,
right-hand sides and matrix entries that differ, and re-run warm (under 1 ms for our
LPs). A model is held as one flat vector of numbers so that a variant is a vector too
and its difference from the live model is one `numpy` comparison. When the integers
are a single exactly-one choice (the US tier), the MIP is solved exactly as one warm LP
per option, keeping the cheapest. This module imports neither PuLP nor pandas, so that
worker processes start quickly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from guarantor.native import released
from guarantor.solve.arraymodel import ArrayModel, Layout, Patch
from guarantor.solve.highs_banner import silence_highs_banner
from guarantor.solve.solving import HIGHS_SETTINGS, LIMITS

__all__ = ["ArrayModel", "FastOptions", "Layout", "LiveModel", "Patch", "Solution", "Solver", "split_choices"]

STATUS_NAMES = {7: "optimal", 8: "infeasible", 10: "unbounded"}
quiet_highs = silence_highs_banner  # kept for callers of the fast path


MAX_SPLIT = 8


@dataclass(frozen=True)
class FastOptions:
    """Solver options for re-solves; HiGHS always runs single-threaded (one model per core)."""

    time_limit: float | None = None
    gap: float | None = None
    split: bool = True


@dataclass
class Solution:
    status: str
    objective: float
    x: np.ndarray | None
    rows: np.ndarray | None = None  # row activities (metric rows are read from here)


class LiveModel:
    """One `highspy.Highs` holding a model; `load` pushes only what differs, `run` re-solves warm."""

    def __init__(self, base: ArrayModel, options: FastOptions, fixed: dict[int, float] | None = None) -> None:
        import highspy

        quiet_highs()
        self.base, self.options, self.fixed = base, options, dict(fixed or {})
        self.layout = Layout(base)
        self.columns = base.entry_columns()
        self.rows_of = base.a_index
        self.read_rows = True
        self.mip = len(base.free_integers()) > 0 and not self.fixed
        self.highs = highspy.Highs()
        for key, value in self._settings().items():
            self.highs.setOptionValue(key, value)
        self.reset()

    def _settings(self) -> dict[str, Any]:
        settings: dict[str, Any] = {"output_flag": False, "threads": 1, "random_seed": 0, **HIGHS_SETTINGS}
        if self.options.time_limit:
            settings["time_limit"] = float(self.options.time_limit)
        if self.mip:
            # Our MIPs are small and solved at the root; the feasibility-jump heuristic
            # costs more than it saves (measured ~2x slower re-solves on the baseline).
            settings["mip_heuristic_run_feasibility_jump"] = False
            if self.options.gap is not None:
                settings["mip_rel_gap"] = float(self.options.gap)
        return settings

    def _pinned(self, flat: np.ndarray) -> np.ndarray:
        """The target with the fixed (enumerated) columns' bounds pinned to their values."""
        if not self.fixed:
            return flat
        flat = flat.copy()
        for j, value in self.fixed.items():
            flat[self.layout.col_lower.start + j] = value
            flat[self.layout.col_upper.start + j] = value
        return flat

    def reset(self) -> None:
        """Pass the base model afresh: identical state whatever ran before (reproducible chunks)."""
        b, flat = self.base, self._pinned(self.base.flat())
        lay = self.layout
        integrality = b.integer.astype(np.int32) if self.mip else np.zeros(b.n, dtype=np.int32)
        arrays = (
            flat[lay.cost],
            flat[lay.col_lower],
            flat[lay.col_upper],
            flat[lay.row_lower],
            flat[lay.row_upper],
        )
        self.highs.passModel(
            b.n, b.m, len(b.a_value), 1, 1, b.offset, *arrays, b.a_start, b.a_index, b.a_value, integrality
        )
        self.clean = True  # at the base: patches may be applied directly
        self.patched: Patch | None = None
        self.current = flat

    def accepts(self, flat: np.ndarray) -> bool:
        """False when the target frees an integer this model treats as fixed (needs a rebuild)."""
        if self.mip:
            return True
        lay = self.layout
        loose = self.base.integer & (flat[lay.col_lower] < flat[lay.col_upper])
        loose[list(self.fixed)] = False
        return not loose.any()

    def allows(self, flat: np.ndarray) -> bool:
        """Whether the pinned values lie within the target's bounds (else this option is infeasible)."""
        lay = self.layout
        return all(
            flat[lay.col_lower.start + j] <= v <= flat[lay.col_upper.start + j] for j, v in self.fixed.items()
        )

    def load(self, flat: np.ndarray) -> None:
        """Change the live model to `flat`, pushing only the entries that differ."""
        flat = self._pinned(flat)
        changed = np.flatnonzero(flat != self.current)
        if len(changed) == 0:
            return
        self.clean, self.patched = False, None
        lay, h = self.layout, self.highs
        n, m = self.base.n, self.base.m
        cost = changed[changed < lay.cost.stop]
        if len(cost):
            h.changeColsCost(len(cost), cost.astype(np.int32), flat[cost])
        cols = changed[(changed >= n) & (changed < 3 * n)]
        if len(cols):
            idx = np.unique((cols - n) % n).astype(np.int32)
            h.changeColsBounds(len(idx), idx, flat[lay.col_lower][idx], flat[lay.col_upper][idx])
        rows = changed[(changed >= 3 * n) & (changed < 3 * n + 2 * m)] - 3 * n
        if len(rows):
            idx = np.unique(rows % m).astype(np.int32)
            h.changeRowsBounds(len(idx), idx, flat[lay.row_lower][idx], flat[lay.row_upper][idx])  # type: ignore[attr-defined]
        entries = changed[(changed >= lay.matrix.start) & (changed < lay.matrix.stop)]
        if len(entries):
            k = entries - lay.matrix.start
            for i, j, v in zip(
                self.rows_of[k].tolist(), self.columns[k].tolist(), flat[entries].tolist(), strict=True
            ):
                h.changeCoeff(i, j, v)
        if changed[-1] == lay.offset.start:
            h.changeObjectiveOffset(float(flat[-1]))
        self.current = flat.copy()  # callers may reuse and mutate their array

    def apply(self, patch: Patch, values: np.ndarray) -> None:
        """Set the patch's entries to `values` (all of them: the result never depends on history).

        Everything else must be at the base: after `load` or another patch, reset first.
        """
        if self.patched is not patch and (self.patched is not None or not self.clean):
            self.reset()
        self.patched = patch
        h, lay, cur = self.highs, self.layout, self.current
        cur[patch.idx] = values
        if len(patch.cost):
            h.changeColsCost(len(patch.cost), patch.cost_columns, values[patch.cost])
        if len(patch.columns):
            cols = patch.columns
            h.changeColsBounds(len(cols), cols, cur[lay.col_lower][cols], cur[lay.col_upper][cols])
        if len(patch.rows):
            rows = patch.rows
            h.changeRowsBounds(len(rows), rows, cur[lay.row_lower][rows], cur[lay.row_upper][rows])  # type: ignore[attr-defined]
        for i, j, v in zip(patch.entry_rows, patch.entry_columns, values[patch.matrix].tolist(), strict=True):
            h.changeCoeff(i, j, v)
        if patch.offset:
            h.changeObjectiveOffset(float(values[-1]))

    def pins(self, patch: Patch) -> bool:
        """Whether the patch touches the bounds of a column this model pins (split options)."""
        return bool(self.fixed) and bool(np.isin(patch.columns, list(self.fixed)).any())

    def run(self) -> Solution:
        h = self.highs
        with released():
            h.run()
        code = int(h.getModelStatus())
        if code == 9:  # unbounded or infeasible: presolve could not tell, ask the simplex
            h.setOptionValue("presolve", "off")
            h.run()
            h.setOptionValue("presolve", "choose")
            code = int(h.getModelStatus())
        info = h.getInfo()
        has_solution = code == 7 or (code in LIMITS and info.primal_solution_status == 2)
        if not has_solution:
            return Solution(STATUS_NAMES.get(code, "no_solution"), float("nan"), None)
        status = "optimal" if code == 7 else "feasible"
        if status == "optimal" and self.mip and self.options.gap and info.mip_gap > 1e-9:
            status = "feasible"
        found = h.getSolution()
        x = np.asarray(found.col_value, dtype=float)
        rows = np.asarray(found.row_value, dtype=float) if self.read_rows else None
        return Solution(status, float(info.objective_function_value), x, rows)


class Solver:
    """Solve variants of one base model: directly, or as one warm LP per option of a binary choice."""

    def __init__(self, base: ArrayModel, options: FastOptions) -> None:
        self.base = base
        combos = split_choices(base) if options.split else None
        if combos:
            self.parts = [LiveModel(base, options, fixed) for fixed in combos]
        else:
            self.parts = [LiveModel(base, options)]
        self.split = bool(combos)

    def reset(self) -> None:
        for part in self.parts:
            part.reset()

    def accepts(self, flat: np.ndarray) -> bool:
        return all(part.accepts(flat) for part in self.parts)

    def patch(self, idx: np.ndarray) -> Patch | None:
        """A patch for `solve_patch`, or None when it would move a pinned column (use `solve`)."""
        patch = Patch(self.base, idx)
        return None if any(part.pins(patch) for part in self.parts) else patch

    def solve_patch(self, patch: Patch, values: np.ndarray) -> Solution:
        """Like `solve`, for a base model with only the patch's entries changed."""
        return self._best(lambda part: part.apply(patch, values) or True)

    def solve(self, flat: np.ndarray) -> Solution:
        """Best solution over the parts (ties go to the earlier option: deterministic)."""
        return self._best(lambda part: (not self.split or part.allows(flat)) and (part.load(flat) or True))

    def _best(self, prepare: Any) -> Solution:
        best: Solution | None = None
        worst_status = "infeasible"
        for part in self.parts:
            if not prepare(part):
                continue
            solution = part.run()
            if solution.x is None:
                if solution.status != "infeasible":
                    worst_status = solution.status
                continue
            if best is None or solution.objective < best.objective - 1e-9 * max(1.0, abs(best.objective)):
                best = solution
        return best if best is not None else Solution(worst_status, float("nan"), None)


def split_choices(base: ArrayModel, limit: int = MAX_SPLIT) -> list[dict[int, float]] | None:
    """Feasible 0/1 assignments of the free binaries when they are few (else None: solve the MIP).

    Exact: with every other variable continuous, the MIP optimum is the best of the LPs
    that fix the binaries to each assignment allowed by the equalities on them alone
    (such as "exactly one US tier"); any other row stays in every LP.
    """
    free = base.free_integers()
    if len(free) == 0 or len(free) > 6:
        return None
    if np.any(base.col_lower[free] != 0) or np.any(base.col_upper[free] != 1):
        return None
    columns = base.entry_columns()
    chosen = set(free.tolist())
    fixed = base.col_lower == base.col_upper
    only_free = []  # equalities on the free binaries alone (exactly one tier); inequalities stay in the LPs
    for i in np.flatnonzero(base.row_lower == base.row_upper):
        mask = base.a_index == i
        cols, coefs = columns[mask], base.a_value[mask]
        loose = ~fixed[cols]
        if loose.any() and set(cols[loose].tolist()) <= chosen:
            constant = float(coefs[~loose] @ base.col_lower[cols[~loose]])
            only_free.append((dict(zip(cols[loose].tolist(), coefs[loose], strict=True)), constant, i))
    combos = []
    for bits in itertools.product((0.0, 1.0), repeat=len(free)):
        values = dict(zip(free.tolist(), bits, strict=True))
        if all(
            base.row_lower[i] - 1e-9
            <= c + sum(v * values[j] for j, v in coefs.items())
            <= base.row_upper[i] + 1e-9
            for coefs, c, i in only_free
        ):
            combos.append(values)
    return combos if 0 < len(combos) <= limit else None
