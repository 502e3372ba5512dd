"""How much each figure of the base model moves a scenario's answer: the tornado swing per figure.

`guarantor sources SCENARIO` ranks weak evidence by this swing, so the figures to re-check
first are the weak ones that matter. Only the model's figures are moved (each by +/-delta
alone, as in `sensitivity`), on the one fast re-solve engine.
"""

from __future__ import annotations

from typing import Any

from guarantor.analysis.engine import Engine
from guarantor.analysis.sensitivity import candidate_paths, tornado
from guarantor.solve.fast import FastOptions


def figure_swings(data: dict[str, Any], delta: float = 0.2, solver: str = "highs") -> dict[str, float]:
    """Objective swing (max - min over -delta, 0, +delta) for every model figure that changes the model."""
    engine = Engine(data, FastOptions(), solver)
    paths = [p for p in candidate_paths(data) if p.startswith("model.") and p.endswith(".value")]
    return {row["path"]: float(row["swing"]) for row in tornado(engine, paths, delta)}
