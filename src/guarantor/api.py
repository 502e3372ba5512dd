"""Library entry points: load a scenario, solve it, explain or diagnose the answer.

The face notebooks use; each name lives in the stage that owns it.

>>> from guarantor.api import solve_file   # doctest: +SKIP
>>> result = solve_file("scenarios/baseline.yaml")   # doctest: +SKIP
>>> result.status, result.metrics.total_cost_usd_m   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from guarantor.answer.assemble import solve_scenario
from guarantor.answer.results import Result
from guarantor.model.build import formulate
from guarantor.scenario.loading import LoadedScenario, load_data, load_scenario
from guarantor.solve.pipeline import options_for, solve_formulation

__all__ = [
    "LoadedScenario",
    "Result",
    "formulate",
    "load_data",
    "load_scenario",
    "options_for",
    "solve_file",
    "solve_formulation",
    "solve_scenario",
]


def solve_file(
    path: str | Path,
    overrides: list[str] | tuple[str, ...] = (),
    robustness: bool = False,
    explain: bool = False,
    **options: object,
) -> Result:
    """Load, validate and solve a scenario file (`robustness=True, explain=True`: as `guarantor solve`)."""
    loaded = load_scenario(path, overrides)
    return solve_scenario(loaded, options_for(loaded, **options), robustness, explain=explain)
