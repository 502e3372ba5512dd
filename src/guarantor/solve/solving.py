"""Run a solver on a linear model through PuLP and map the outcome to our own statuses.

HiGHS runs in-process (default): PuLP builds its model, and the run and the reading of the
outcome are done here, once PuLP's problem is gone (`hand_to_highs` says why). CBC runs through
PuLP's COIN_CMD. Time-limited or gap-limited incumbents are reported as `feasible`, never `optimal`.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field
from enum import StrEnum
from types import ModuleType
from typing import TYPE_CHECKING, Any

from guarantor.errors import SolverError
from guarantor.heap import TRIM_COLUMNS, release_freed_memory
from guarantor.model.linear import INF, LinearModel
from guarantor.native import released
from guarantor.solve.highs_banner import silence_highs_banner

if TYPE_CHECKING:
    import pulp


HIGHS_SETTINGS: dict[str, Any] = {"presolve_rule_off": 1 << 17}
"""HiGHS options every solve path shares. Bit 17 switches off presolve's dual fixing: in HiGHS 1.16
it grew faster than quadratically on our models (0.17 s at 400 contributors x 10 periods, 6 s at
1,600, a third of that solve) and removed nothing the other rules did not (the same presolved
size, the same optimum and branch-and-bound path; `benchmarks/scale.py` measures it)."""


# HiGHS's model statuses (`highspy.HighsModelStatus`), as plain numbers: modules that read them need
# not import highspy, and a number compares faster than its enum in the analyses' loops
OPTIMAL = 7
GAP_STOPS = frozenset({11, 12})  # objective bound or target reached: PuLP's GapLimit
LIMITS = frozenset({11, 12, 13, 14, 16, 17, 18, 19})  # those, time, iterations, solutions, interrupts, memory
FEASIBLE_POINT = 2  # `SolutionStatus.kSolutionStatusFeasible`: a stop at a limit that has an incumbent


class Status(StrEnum):
    optimal = "optimal"
    feasible = "feasible"  # a solution, but not proven optimal (time or gap limit)
    infeasible = "infeasible"
    unbounded = "unbounded"
    no_solution = "no_solution"  # time limit or solver failure without a solution

    @property
    def has_solution(self) -> bool:
        return self in (Status.optimal, Status.feasible)


@dataclass(frozen=True)
class SolveOptions:
    solver: str = "highs"
    time_limit: float | None = None
    gap: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"solver": self.solver, "time_limit": self.time_limit, "gap": self.gap}


@dataclass
class RawSolution:
    """Column values and row duals in model order, plus solver facts."""

    status: Status
    objective: float | None
    values: list[float] = field(default_factory=list)
    row_duals: list[float] = field(default_factory=list)
    solver: str = ""
    solver_version: str = ""
    seconds: float = 0.0
    gap: float | None = None
    message: str = ""


def solver_version(name: str) -> str:
    if name == "highs":
        import highspy

        h = highspy.Highs()
        return f"HiGHS {h.version()}" if hasattr(h, "version") else "HiGHS"
    return "CBC (COIN_CMD)"


@functools.cache  # the scan once per process: later imports add no tracebacks
def import_pulp() -> ModuleType:
    """`import pulp`, without the tracebacks PuLP keeps of the optional back-ends it cannot load.

    Why: PuLP stores the error of each back-end it cannot load (cylp and gurobipy in
    `pulp.apis.core`, COPT's library on its class, ...) with its traceback, and a traceback's
    frames link through `f_back` to whichever function first imported PuLP and to all its
    callers. Those frames then outlive their calls with every local they held: the first solve's
    PuLP problem, its HiGHS model and the formulation stayed alive to the end of the command
    (~190 MiB at 1,600 contributors x 10 periods, through the whole report). Only the messages
    are read later, so the tracebacks are dropped.
    """
    import sys

    import pulp

    for name, module in list(sys.modules.items()):
        if name == "pulp" or name.startswith("pulp."):
            for value in vars(module).values():
                for held in vars(value).values() if isinstance(value, type) else (value,):
                    for error in held.values() if isinstance(held, dict) else (held,):
                        _drop_traceback(error)
    return pulp


def _drop_traceback(error: object) -> None:
    while isinstance(error, BaseException):
        error.__traceback__ = None
        error = error.__cause__ or error.__context__


def to_pulp(model: LinearModel, name: str = "guarantor") -> tuple[pulp.LpProblem, list[Any], list[Any]]:
    """A PuLP problem with the same columns and rows, in the same order.

    PuLP is imported here, not at the top: the report workers import this module (for
    `Status`) and need none of PuLP's 0.15 s of solver back-ends.
    """
    pulp = import_pulp()

    problem = pulp.LpProblem(name, pulp.LpMinimize)
    variables = [
        problem.add_variable(
            c.name,
            lowBound=None if c.lower == -INF else c.lower,
            upBound=None if c.upper == INF else c.upper,
            cat="Integer" if c.integer else "Continuous",
        )
        for c in model.columns
    ]
    objective = pulp.LpAffineExpression.from_list([(variables[j], v) for j, v in model.objective.items()])
    problem.setObjective(objective + model.objective_constant)
    constraints = []
    for row in model.rows:
        expr = pulp.LpAffineExpression.from_list([(variables[j], v) for j, v in row.coefs.items()])
        if row.lower == row.upper:
            constraint = expr == row.lower
        elif row.lower > -INF and row.upper < INF:
            raise ValueError(f"ranged row {row.name} is not supported")
        elif row.lower > -INF:
            constraint = expr >= row.lower
        else:
            constraint = expr <= row.upper
        constraints.append(problem.addConstraint(constraint, row.name))
    return problem, variables, constraints


def _solver(options: SolveOptions, mip: bool) -> pulp.LpSolver:
    pulp = import_pulp()

    if options.solver == "highs":
        return _highs(options, mip)
    if options.solver == "cbc":
        return pulp.COIN_CMD(msg=False, mip=mip, timeLimit=options.time_limit, gapRel=options.gap)
    raise SolverError(f"unknown solver {options.solver!r}; expected highs or cbc")


def _highs(options: SolveOptions, mip: bool) -> Any:
    """PuLP's HiGHS interface with our settings (Any: PuLP's stubs give solvers no build methods)."""
    pulp = import_pulp()

    silence_highs_banner()
    return pulp.HiGHS(
        msg=False, mip=mip, timeLimit=options.time_limit, gapRel=options.gap, threads=1, **HIGHS_SETTINGS
    )


def _status(stats: Any, options: SolveOptions) -> Status:
    import pulp

    code = stats.status
    S = pulp.LpSolveStatus
    if stats.has_solution:
        return _proven(code == S.Optimal, code == S.GapLimit, stats.gap_rel, options)
    if code == S.Infeasible:
        return Status.infeasible
    if code == S.Unbounded:
        return Status.unbounded
    return Status.no_solution


def _proven(optimal: bool, gap_stop: bool, gap: float | None, options: SolveOptions) -> Status:
    """A solution's status: `optimal` when the solver says so and no gap was asked for or the gap
    is closed, or when it stopped at a bound with the gap closed; otherwise `feasible`."""
    # 1e-7: CBC writes solution values to about nine significant digits, so a gap it closed
    # (its log: "Optimal solution found", gap 0) can read back as ~1e-9 relative
    proven = gap is None or abs(gap) <= 1e-7
    # CBC reports a gap stop (GapLimit) when it closes the gap completely: that is a proof too
    if (optimal and (proven or not options.gap)) or (gap_stop and proven):
        return Status.optimal
    return Status.feasible


_STATUSES = {OPTIMAL: Status.optimal, 8: Status.infeasible, 10: Status.unbounded}


def solve_linear(model: LinearModel, options: SolveOptions) -> RawSolution:
    """Solve once; values and duals are read back in model order."""
    raw, highs = solve_keeping(model, options)
    del highs  # free HiGHS's copy of the model now (at 95,000 columns it holds ~250 MB)
    return raw


def solve_keeping(model: LinearModel, options: SolveOptions) -> tuple[RawSolution, Any]:
    """Solve once; also return the live `highspy.Highs` holding exactly `model`'s columns and rows
    in model order (None for CBC, or when PuLP left out columns no row or cost uses)."""
    if options.solver != "highs":
        return _solve_through_pulp(model, options), None
    start = time.perf_counter()
    handed = hand_to_highs(model, options)
    raw = run_highs(handed.highs, model, options, start, handed.columns, handed.rows)
    raw.solver_version = solver_version(options.solver)
    whole = handed.columns is None and handed.rows is None
    return raw, handed.highs if whole else None


@dataclass
class Handed:
    """A HiGHS model PuLP built, and where `model`'s columns and rows are in it (None: in order)."""

    highs: Any
    columns: list[int] | None
    rows: list[int] | None


def hand_to_highs(model: LinearModel, options: SolveOptions) -> Handed:
    """PuLP builds the problem and hands it to HiGHS (its `buildSolverModel`); the PuLP problem is
    then dropped, before HiGHS runs.

    Why not `problem.solve()`: that keeps the PuLP problem alive through HiGHS's run, only to copy
    the solution into its variables at the end. At 1,600 contributors x 10 periods the problem
    (~70 MiB) sat beside the branch and bound's own memory, at the command's peak; the values
    are read from HiGHS directly instead, as the in-place re-solves read them.
    """
    pulp = import_pulp()

    problem, variables, constraints = to_pulp(model)
    solver = _highs(options, mip=model.is_mip)
    try:
        solver.createAndConfigureSolver(problem)
        solver.buildSolverModel(problem)
    except pulp.PulpSolverError as err:
        raise SolverError(f"{options.solver} failed: {err}") from None
    highs, problem.solverModel = problem.solverModel, None
    position = {v.id: j for j, v in enumerate(variables)}
    columns = [position[v.id] for v in problem.exported_variables()]
    rows = [c.id for c in constraints]
    handed = Handed(
        highs,
        None if columns == list(range(len(variables))) else columns,
        None if rows == list(range(len(constraints))) else rows,
    )
    del problem, variables, constraints, position
    if len(model.columns) >= TRIM_COLUMNS:  # the problem's pages back before HiGHS takes its own
        release_freed_memory()
    return handed


def run_highs(
    highs: Any,
    model: LinearModel,
    options: SolveOptions,
    start: float,
    columns: list[int] | None = None,
    rows: list[int] | None = None,
) -> RawSolution:
    """Run HiGHS on the model it holds and read the outcome, in `model`'s order.

    `columns[k]` / `rows[k]`: the model column / row that is HiGHS's k-th (None: the same order).
    The statuses are PuLP's reading of HiGHS's (`HiGHS.findSolutionValues`), mapped as `_status`
    maps them: a stop at a limit with an incumbent is `feasible`, a MIP is `optimal` only with its
    gap closed or within the one asked for. `seconds` counts from `start` (the hand-over included,
    as PuLP counts its solve).
    """
    with released():
        highs.run()
    code = int(highs.getModelStatus())
    info = highs.getInfo()
    has_solution = code == OPTIMAL or (code in LIMITS and info.primal_solution_status == FEASIBLE_POINT)
    raw = RawSolution(
        status=_STATUSES.get(code, Status.no_solution),
        objective=None,
        solver=options.solver,
        message=highs.modelStatusToString(highs.getModelStatus()),
    )
    if has_solution:
        found = highs.getSolution()
        raw.values = _in_model_order(found.col_value, columns, len(model.columns))
        if not model.is_mip:
            raw.row_duals = _in_model_order(found.row_dual, rows, len(model.rows))
        raw.objective = sum(v * raw.values[j] for j, v in model.objective.items()) + model.objective_constant
        if model.is_mip:
            raw.gap = _gap(raw.objective, info.mip_dual_bound)
        raw.status = _proven(code == OPTIMAL, code in GAP_STOPS, raw.gap, options)
    raw.seconds = time.perf_counter() - start
    return raw


def _in_model_order(values: Any, order: list[int] | None, n: int) -> list[float]:
    if order is None:
        return list(values)
    out = [0.0] * n  # a column HiGHS was not given (no row or cost uses it) reads 0, as PuLP's None
    for k, j in enumerate(order):
        out[j] = values[k]
    return out


def _gap(objective: float, bound: float) -> float | None:
    """The relative gap as PuLP computes it (`LpSolveStats.gap_rel`)."""
    if not math.isfinite(bound):
        return None
    if objective == 0:
        return 0.0 if bound == 0 else math.inf
    return abs(objective - bound) / abs(objective)


def _solve_through_pulp(model: LinearModel, options: SolveOptions) -> RawSolution:
    """CBC: PuLP runs the solver (COIN_CMD) and reads the solution back into its problem."""
    import pulp

    problem, variables, constraints = to_pulp(model)
    try:
        stats = problem.solve(_solver(options, mip=model.is_mip))
    except pulp.PulpSolverError as err:
        raise SolverError(f"{options.solver} failed: {err}") from None
    status = _status(stats, options)
    raw = RawSolution(
        status=status,
        objective=stats.objective if status.has_solution else None,
        solver=options.solver,
        solver_version=solver_version(options.solver),
        seconds=stats.time or 0.0,
        gap=stats.gap_rel if model.is_mip else None,
        message=stats.status_str,
    )
    if status.has_solution:
        raw.values = [v.value() or 0.0 for v in variables]
        if not model.is_mip:
            raw.row_duals = [c.pi or 0.0 for c in constraints]
        if raw.objective is None:
            raw.objective = (
                sum(v * raw.values[j] for j, v in model.objective.items()) + model.objective_constant
            )
    return raw


def fixed_integer_lp(model: LinearModel, values: list[float]) -> LinearModel:
    """The LP left when every integer decision is fixed at its value (for MIP duals)."""
    fixed = model.derived()
    for j, column in enumerate(fixed.columns):
        if column.integer:
            v = float(round(values[j]))
            column.lower = column.upper = v
            column.integer = False
    return fixed
