"""Which assumptions matter: one-at-a-time swings, tipping points of the US tier, Sobol indices.

The tornado moves every numeric input (or a chosen subset) by -X % and +X % on its own
and re-solves; inputs that do not change the model at all are skipped without solving.
Tipping points find, by bisection, the value of a tier's cost (or a requirement) at
which the chosen US tier changes. Sobol indices (SALib) apportion the variance of the
objective among the most influential inputs, varied together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from guarantor.analysis.engine import Engine, probe_affine, resolve_path
from guarantor.analysis.outputs import STATUS_CODES
from guarantor.analysis.ranging import Ranging, lp_ranging
from guarantor.analysis.sweep import NO_TIER, Prober, bisect_tier
from guarantor.errors import InputError
from guarantor.scenario.paths import get_value, numeric_paths
from guarantor.solve.fast import ArrayModel, FastOptions

Progress = Callable[[int, int], None]
SKIPPED_PREFIXES = ("sources.", "solver.", "uncertainty.", "model.sources.")
SKIPPED_LEAVES = ("year", "active_personnel", "unit_size", "lead_time_periods")


@dataclass
class SensitivityResult:
    base_objective: float
    base_tier: str
    tornado: list[dict[str, Any]] = field(default_factory=list)
    tipping: list[dict[str, Any]] = field(default_factory=list)
    sobol: list[dict[str, Any]] = field(default_factory=list)
    ranging: Ranging | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def candidate_paths(data: dict[str, Any]) -> list[str]:
    """Numeric inputs worth moving (not citation years, not integer settings)."""
    found = []
    for path, value in numeric_paths(data).items():
        parts = path.split(".")
        leaf = parts[-2] if parts[-1] == "value" and len(parts) > 1 else parts[-1]
        if path.startswith(SKIPPED_PREFIXES) or leaf in SKIPPED_LEAVES or value == 0:
            continue
        found.append(path)
    return found


def label(path: str) -> str:
    """A readable name for a key path: 'france · cost per soldier year usd'."""
    parts = [p for p in path.split(".") if p not in ("model", "value", "contributors", "capabilities")]
    return " · ".join(p.replace("_", " ") for p in parts)


def tornado(
    engine: Engine, paths: list[str], delta: float, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """Objective at -delta and +delta on each input alone, largest swing first."""
    prober = Prober(engine)
    objective = prober.extractor.names.index("objective")
    base_status, base_row = prober.row({})
    base = float(base_row[objective])
    rows = []
    for n, path in enumerate(paths, start=1):
        v0 = float(get_value(engine.data, path))
        entry: dict[str, Any] = {"path": path, "label": label(path), "base_value": v0}
        effect = False
        for side, factor in (("low", 1 - delta), ("high", 1 + delta)):
            value = v0 * factor
            entry[f"{side}_value"] = value
            changed = _changes_model(engine, {path: value})
            if changed is None:
                entry[f"{side}_status"], entry[f"{side}_objective"], entry[f"{side}_tier"] = (
                    "invalid",
                    None,
                    None,
                )
                continue
            if not changed:
                entry[f"{side}_status"], entry[f"{side}_objective"] = STATUS_CODES[base_status], base
                entry[f"{side}_tier"] = prober.extractor.tiers[int(base_row[prober.rank])]
                continue
            effect = True
            status, row = prober.row({path: value})
            entry[f"{side}_status"] = STATUS_CODES[status]
            entry[f"{side}_objective"] = None if np.isnan(row[objective]) else float(row[objective])
            entry[f"{side}_tier"] = (
                None if np.isnan(row[prober.rank]) else prober.extractor.tiers[int(row[prober.rank])]
            )
        if progress is not None:
            progress(n, len(paths))
        if not effect:
            continue
        values = [v for v in (entry["low_objective"], entry["high_objective"], base) if v is not None]
        entry["swing"] = max(values) - min(values)
        rows.append(entry)
    rows.sort(key=lambda r: (-r["swing"], r["path"]))
    return rows


def _changes_model(engine: Engine, values: dict[str, float]) -> bool | None:
    """Whether new values change any model number (None: the values are invalid)."""
    try:
        f = engine.formulate(values)
    except InputError:
        return None
    arrays = ArrayModel.from_linear(f.model)
    return arrays.structure != engine.base.structure or not np.array_equal(arrays.flat(), engine.base_flat)


def tier_tipping_points(engine: Engine, requirements: bool = True) -> list[dict[str, Any]]:
    """Values of tier costs (and requirements) at which the chosen US tier changes."""
    prober = Prober(engine)
    tiers = prober.extractor.tiers
    chosen = prober.tier({})
    if chosen == NO_TIER:
        return []
    p = engine.formulation.params
    allowed = set().union(*(p.allowed_tiers(q.id) for q in p.periods))
    found = []
    for rank, tier in enumerate(tiers):
        if tier not in allowed:
            continue
        path = f"model.us_air_support_tiers.{tier}.annual_cost_usd_m.value"
        v0 = float(get_value(engine.data, path))
        if rank == chosen:
            hi = max(v0 * 2, 100.0)
            for _ in range(8):
                if prober.tier({path: hi}) != chosen:
                    break
                hi *= 4
            else:
                found.append(
                    _tip(path, v0, None, tiers[chosen], tiers[chosen], "stays chosen at any cost tried")
                )
                continue
            lo = v0
        else:
            if prober.tier({path: 0.0}) != rank:
                found.append(
                    _tip(path, v0, None, tiers[chosen], tiers[chosen], f"{tier} not chosen even if free")
                )
                continue
            lo, hi = 0.0, v0
        value, below, above = bisect_tier(prober, {}, path, lo, hi)
        note = _infeasible_note(engine, path, (lo, hi), (below, above))
        found.append(_tip(path, v0, value, _name(tiers, below), _name(tiers, above), note))
    if requirements:
        for k, need in engine.scenario.requirements.items():
            if isinstance(need, dict) or need <= 0:
                continue
            path = resolve_path(engine.data, f"requirements.{k}")
            found.extend(_scan(prober, path, float(need), tiers))
    return found


def _scan(prober: Prober, path: str, v0: float, tiers: list[str]) -> list[dict[str, Any]]:
    """Tier changes of a requirement between 0 and three times its value."""
    grid = np.linspace(0.0, 3 * v0, 13)
    ranks = [prober.tier({path: float(v)}) for v in grid]
    found = []
    for i in range(len(grid) - 1):
        if ranks[i] != ranks[i + 1]:
            lo, hi = float(grid[i]), float(grid[i + 1])
            value, below, above = bisect_tier(prober, {}, path, lo, hi)
            note = _infeasible_note(prober.engine, path, (lo, hi), (below, above))
            found.append(_tip(path, v0, value, _name(tiers, below), _name(tiers, above), note))
    return found


def _infeasible_note(engine: Engine, path: str, ends: tuple[float, float], ranks: tuple[int, int]) -> str:
    """Why one side of a tipping point has no solution ('' when both sides have one)."""
    if NO_TIER not in ranks:
        return ""
    return why_infeasible(engine, path, ends[1] if ranks[1] == NO_TIER else ends[0])


def why_infeasible(engine: Engine, path: str, value: float) -> str:
    """Why no plan exists at `value` (the diagnosis's smallest change), for the tipping-point table."""
    from guarantor.answer.diagnosis import diagnose
    from guarantor.solve.solving import SolveOptions

    where = f"at {label(path)} = {value:,.6g}"
    from guarantor.model.build import build

    try:
        f = build(engine.validate({path: value}))  # the scenario's own rows (no free metric rows)
    except InputError as error:
        return f"infeasible {where}: the value is invalid ({error.problems[0].message})"
    options = SolveOptions(engine.backend, engine.options.time_limit, engine.options.gap)
    diagnosis = diagnose(f, options)
    reasons = [r.explanation for r in diagnosis.relaxations[:2]]
    why = "; ".join(reasons) if reasons else diagnosis.summary
    return f"infeasible {where}: {why}"


def _name(tiers: list[str], rank: int) -> str:
    return tiers[rank] if rank >= 0 else "infeasible"


def _tip(path: str, base: float, value: float | None, below: str, above: str, note: str) -> dict[str, Any]:
    change = None if value is None or base == 0 else 100 * (value - base) / base
    return {
        "path": path,
        "label": label(path),
        "base_value": base,
        "tipping_value": value,
        "change_pct": change,
        "tier_below": below,
        "tier_above": above,
        "note": note,
    }


def sobol_indices(
    engine: Engine, paths: list[str], delta: float, n: int, seed: int, progress: Progress | None = None
) -> tuple[list[dict[str, Any]], str]:
    """First-order and total Sobol indices of the objective, inputs uniform within +/- delta."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    size = 1 << max(2, int(np.ceil(np.log2(max(n, 4)))))
    bounds = [
        sorted((v * (1 - delta), v * (1 + delta))) for v in (float(get_value(engine.data, p)) for p in paths)
    ]
    problem = {"num_vars": len(paths), "names": paths, "bounds": bounds}
    x = sample.sample(problem, size, calc_second_order=False, seed=seed)
    affine = probe_affine(engine, paths, [(b[0], b[1]) for b in bounds], seed)
    prober = Prober(engine)
    objective = prober.extractor.names.index("objective")
    y = np.empty(len(x))
    engine.solver.reset()
    for i, values in enumerate(x):
        if affine is not None:
            y[i] = prober.extractor.row(engine.solve_flat(affine.flat_at(engine.base_flat, values)))[
                objective
            ]
        else:
            y[i] = prober.row(dict(zip(paths, values.tolist(), strict=True)))[1][objective]
        if progress is not None:
            progress(i + 1, len(x))
    if np.isnan(y).any():
        return [], f"Sobol indices skipped: {int(np.isnan(y).sum())} of {len(y)} samples had no solution."
    if np.ptp(y) == 0:
        return [], "Sobol indices skipped: the objective did not vary."
    indices = analyze.analyze(problem, y, calc_second_order=False, seed=seed)
    warning = _unstable(paths, indices, size)
    rows = [
        {
            "path": p,
            "label": label(p),
            "S1": float(s1),
            "S1_conf": float(c1),
            "ST": float(st),
            "ST_conf": float(ct),
        }
        for p, s1, c1, st, ct in zip(
            paths, indices["S1"], indices["S1_conf"], indices["ST"], indices["ST_conf"], strict=True
        )
    ]
    rows.sort(key=lambda r: -r["ST"])  # type: ignore[operator]
    note = f"Sobol indices from {len(y)} solves (N = {size}, inputs uniform within ±{delta:.0%})."
    return rows, f"{note} {warning}" if warning else note


def _unstable(paths: list[str], indices: Any, size: int) -> str:
    """A warning when N is too small for stable indices: an index below zero is sampling noise."""
    negative = [
        (float(value), path)
        for key in ("S1", "ST")
        for path, value in zip(paths, indices[key], strict=True)
        if value < -1e-9
    ]
    if not negative:
        return ""
    value, path = min(negative)
    return (
        f"Warning: N = {size} is too small for stable indices: {len(negative)} index(es) are negative "
        f"(lowest {value:.3f}, {label(path)}), which only sampling noise can produce; "
        f"rerun with --sobol {size * 8} or more."
    )


def run_sensitivity(
    data: dict[str, Any],
    delta: float = 0.2,
    params: list[str] | None = None,
    sobol: int = 0,
    seed: int = 0,
    options: FastOptions | None = None,
    solver: str = "highs",
    progress: Progress | None = None,
) -> SensitivityResult:
    """Tornado, LP ranging, tipping points and (optionally) Sobol indices of one scenario."""
    engine = Engine(data, options, solver)
    paths = [resolve_path(data, p, "--params") for p in params] if params else candidate_paths(data)
    prober = Prober(engine)
    status, row = prober.row({})
    if np.isnan(row[0]):
        raise InputError(
            [_problem(f"the scenario has no solution ({STATUS_CODES[status]}): nothing to analyse")]
        )
    result = SensitivityResult(float(row[0]), prober.extractor.tiers[int(row[prober.rank])])
    result.tornado = tornado(engine, paths, delta, progress)
    if not engine.lexicographic:
        result.ranging = lp_ranging(engine)
    result.tipping = tier_tipping_points(engine)
    notes = []
    if sobol:
        chosen = paths if params else [r["path"] for r in result.tornado[:8]]
        result.sobol, note = sobol_indices(engine, chosen, delta, sobol, seed, progress)
        notes.append(note)
    result.meta = {
        "delta": delta,
        "inputs_moved": len(paths),
        "inputs_with_effect": len(result.tornado),
        "seed": seed,
        "notes": notes,
        "rebuilds": engine.rebuilds,
    }
    return result


def _problem(message: str) -> Any:
    from guarantor.errors import Origin, Problem

    return Problem(Origin("sensitivity"), "", message)
