"""One live exploration of a scenario: changed values, the live model, the current and pinned answers.

A `Session` owns its own `Engine` (one HiGHS model, changed in place), so two browser tabs never
share a model; a lock serialises the requests of one session. Every change is a `--set` override
validated by `load_variant`, exactly as YAML and `--set` are, so the app refuses what `validate`
refuses, with the same message. The answer is a full `Result` (decisions, metrics, binding
constraints with their explanations, or the infeasibility diagnosis), verified by the checker.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from guarantor.analysis.engine import Engine
from guarantor.answer.assemble import explain_solution
from guarantor.answer.results import Result
from guarantor.answer.verify import verified
from guarantor.errors import InputError, Problem
from guarantor.model.build import formulate
from guarantor.model.formulation import Formulation
from guarantor.scenario.loading import LoadedScenario, load_scenario, load_variant
from guarantor.scenario.paths import get_value
from guarantor.solve.fast import ArrayModel, FastOptions, LiveModel
from guarantor.solve.pipeline import break_ties, options_for, solve_formulation
from guarantor.solve.solving import RawSolution, Status, solver_version

CLASS_BUDGET = 100
"""Re-solves at most for the firm/flexible classes of one answer (the baseline needs 45, about 0.5 s)."""
STATUSES = {"optimal": Status.optimal, "feasible": Status.feasible, "infeasible": Status.infeasible}


@dataclass
class Pin:
    """A run kept for side-by-side comparison."""

    label: str
    changes: dict[str, str]
    result: Result
    loaded: LoadedScenario


@dataclass
class Moved:
    """A contributor whose troops or payment differ from the scenario as saved."""

    name: str
    troops_before: float
    troops_now: float
    paid_before: float
    paid_now: float


@dataclass
class Difference:
    """The current answer against the scenario as saved."""

    cost_delta_usd_m: float | None
    tier_before: str | None
    tier_now: str | None
    moved: list[Moved] = field(default_factory=list)


def parse_value(text: str) -> Any:
    """A control's text read as YAML, as `--set` reads it (unreadable text stays text)."""
    try:
        return yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError:
        return text


class Session:
    """A scenario as saved, the changes made to it, and the answer to the changed scenario."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.saved_scenario = load_scenario(path)
        self.saved_data = self.saved_scenario.resolved.data  # plain data, read once
        self.options = options_for(self.saved_scenario)
        fast = FastOptions(time_limit=self.options.time_limit, gap=self.options.gap)
        self.engine = Engine(self.saved_scenario.resolved.data, fast, self.options.solver, metric_rows=False)
        self.lock = threading.Lock()
        self.changes: dict[str, str] = {}
        self.checked_models: set[tuple[str, ...]] = set()  # model overrides whose model passed its checks
        self.basis: tuple[Formulation, list[float]] | None = None
        self.saved = self._solve(self.saved_scenario)
        self.saved_basis = self.basis
        self.result, self.loaded = self.saved, self.saved_scenario
        self.pins: list[Pin] = []
        self.seconds = 0.0

    # ------------------------------------------------------------------ changes

    def saved_value(self, path: str) -> Any:
        """The value at `path` in the scenario as saved (None where it is not set)."""
        try:
            return get_value(self.saved_data, path)
        except KeyError:
            return None

    def change(self, path: str, text: str) -> list[Problem]:
        """Set one value (YAML text; blank removes the key) and re-solve; on a problem nothing changes."""
        return self.apply({path: text})

    def apply(self, updates: dict[str, str]) -> list[Problem]:
        """Set several values at once, validated together; on a problem nothing changes."""
        with self.lock:
            changes = dict(self.changes)
            for path, text in updates.items():
                changes.pop(path, None)
                if parse_value(text) != self.saved_value(path):
                    changes[path] = text if text.strip() else "null"
            try:
                loaded = self.variant(changes)
            except InputError as error:
                return error.problems
            start = time.perf_counter()
            self.result = self._solve(loaded)
            self.seconds = time.perf_counter() - start
            self.changes, self.loaded = changes, loaded
            return []

    def classify(self) -> bool:
        """Add the firm/flexible classes to the current answer (False if there is nothing to add).

        `answer.robustness.near_optimal` takes tens of re-solves, so the page asks for it after
        the headline has been shown; the budget bounds it (classes not proven in time are unknown).
        """
        from guarantor.answer.robustness import near_optimal
        from guarantor.solve.effort import resolve_budget

        with self.lock:
            result, basis = self.result, self.basis
            if result.robustness is not None or result.decisions is None or basis is None:
                return False
            f, values = basis
            budget = resolve_budget(f.model, CLASS_BUDGET)
            if budget == 0:  # a large MIP: as `solve` does, say so rather than spend minutes
                return False
            result.robustness = near_optimal(f, values, 0.0, "troops_payments", 0, budget)
            return True

    def reset(self) -> None:
        """Back to the scenario as saved."""
        with self.lock:
            self.changes, self.loaded, self.result = {}, self.saved_scenario, self.saved
            self.basis = self.saved_basis

    def variant(self, changes: dict[str, str]) -> LoadedScenario:
        """The saved scenario with `changes`, validated; a model variant is checked once per session."""
        if not changes:
            return self.saved_scenario
        overrides = [f"{k}={v}" for k, v in changes.items()]
        model = tuple(o for o in overrides if o.startswith("model.") or o.startswith("model="))
        loaded = load_variant(self.saved_scenario, overrides, model in self.checked_models)
        self.checked_models.add(model)  # the model is the base's plus these, in this order
        return loaded

    def overrides(self) -> list[str]:
        """The changes as `--set` arguments (what `guarantor solve --set` would need)."""
        return [f"{k}={v}" for k, v in self.changes.items()]

    # ------------------------------------------------------------------ solving

    def _solve(self, loaded: LoadedScenario) -> Result:
        """The fast path where it gives the CLI's answer; the standard pipeline where it does not.

        Lexicographic objectives, CBC and the common pool (whose split is balanced in a second
        stage) go through `solve_formulation`, as `guarantor solve` does.
        """
        policy = loaded.scenario.policy
        if self.engine.lexicographic or policy.funding_rule == "common_pool":
            f = formulate(loaded)
            raw = solve_formulation(f, self.options)
        else:
            point = self.engine.solve_variant(loaded.scenario, loaded.origin_of)
            f, raw = point.formulation, fast_raw(point.formulation, point.solution.status, point.solution.x)
            if loaded.scenario.objective.tie_break != "none":  # the plan `solve` reports among equal ones
                raw = break_ties(f, raw, self.options)
        self.basis = (f, raw.values)  # what solved the newest answer, for its firm/flexible classes
        return verified(explain_solution(f, raw, self.options), loaded)

    # ------------------------------------------------------------------ comparisons

    def difference(self) -> Difference:
        """Cost delta and who moved, against the scenario as saved."""
        now, before = self.result, self.saved
        if now.metrics is None or before.metrics is None or now.decisions is None or before.decisions is None:
            return Difference(None, None, None)
        first = now.periods[0]
        params = self.engine.formulation.params
        moved = []
        for c in params.contributors:
            tb = max(before.decisions.ground(params, c.id, p) for p in before.periods)
            tn = max(now.decisions.ground(params, c.id, p) for p in now.periods)
            pb = sum(before.decisions.funding.get((c.id, p), 0.0) for p in before.periods)
            pn = sum(now.decisions.funding.get((c.id, p), 0.0) for p in now.periods)
            if abs(tb - tn) > 0.5 or abs(pb - pn) > 0.05:
                moved.append(Moved(c.name, tb, tn, pb, pn))
        return Difference(
            now.metrics.total_cost_usd_m - before.metrics.total_cost_usd_m,
            before.decisions.tier.get(first),
            now.decisions.tier.get(first),
            moved,
        )

    def pin(self, label: str = "") -> Pin:
        with self.lock:
            pin = Pin(label or f"run {len(self.pins) + 1}", dict(self.changes), self.result, self.loaded)
            self.pins.append(pin)
            return pin

    def unpin(self, index: int) -> None:
        with self.lock:
            if 0 <= index < len(self.pins):
                del self.pins[index]


def fast_raw(f: Formulation, status: str, x: np.ndarray | None) -> RawSolution:
    """A fast-path solution as the pipeline's `RawSolution`, polished as `_polish` polishes a MIP.

    The integers the live model chose are fixed (as `solving.fixed_integer_lp` fixes them) and the
    LP re-solved on a fresh HiGHS model passed as arrays (no PuLP, no model copy), giving values
    exactly consistent with them and the row duals that the explanations price constraints with.
    """
    version = solver_version("highs")
    if x is None:
        return RawSolution(
            STATUSES.get(status, Status.no_solution),
            None,
            solver="highs",
            solver_version=version,
            message="Infeasible" if status == "infeasible" else status,
        )
    start = time.perf_counter()
    arrays = ArrayModel.from_linear(f.model)
    if arrays.integer.any():  # as `fixed_integer_lp`: every integer at its rounded value
        lower, upper = arrays.col_lower.copy(), arrays.col_upper.copy()
        lower[arrays.integer] = upper[arrays.integer] = np.round(x[arrays.integer])
        arrays = replace(arrays, col_lower=lower, col_upper=upper)
    live = LiveModel(arrays, FastOptions())
    solution = live.run()
    if solution.x is None:  # cannot happen for a feasible MIP point; keep the MIP's own values
        values, duals = x.tolist(), []
    else:
        values = solution.x.tolist()
        duals = list(live.highs.getSolution().row_dual)
    objective = sum(v * values[j] for j, v in f.model.objective.items()) + f.model.objective_constant
    return RawSolution(
        STATUSES.get(status, Status.feasible),
        objective,
        values,
        duals,
        solver="highs",
        solver_version=version,
        seconds=time.perf_counter() - start,
        message="Optimal",
    )
