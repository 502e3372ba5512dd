"""Golden LP files: the model each small scenario builds, written by PuLP's LP writer.

Regenerate after an intended formulation change with
`GUARANTOR_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_lp.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from guarantor.api import formulate
from guarantor.model.build import FAMILY_NAMES
from guarantor.scenario.loading import load_scenario
from guarantor.solve.solving import to_pulp

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.glob("*.yaml") if p.name != "micro-model.yaml")


def lp_text(case: Path, tmp_path: Path) -> str:
    f = formulate(load_scenario(case))
    problem, _, _ = to_pulp(f.model, case.stem)
    out = tmp_path / f"{case.stem}.lp"
    problem.writeLP(str(out))
    return out.read_text()


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_model_matches_golden_lp(case: Path, tmp_path: Path) -> None:
    golden = case.with_suffix(".lp")
    text = lp_text(case, tmp_path)
    if os.environ.get("GUARANTOR_REGEN_GOLDEN"):
        golden.write_text(text)
    assert golden.exists(), f"no golden file for {case.name}; regenerate with GUARANTOR_REGEN_GOLDEN=1"
    assert text == golden.read_text()


def test_every_constraint_family_has_a_golden_case() -> None:
    covered: set[str] = set()
    for case in CASES:
        covered |= {row.family for row in formulate(load_scenario(case)).model.rows}
    missing = set(FAMILY_NAMES) - covered
    assert not missing, f"constraint families without a golden LP case: {sorted(missing)}"
    unknown = covered - set(FAMILY_NAMES)
    assert not unknown, f"families missing from FAMILY_NAMES: {sorted(unknown)}"
