"""Shared fixtures: paths to the shipped data and the small test model."""

from __future__ import annotations

from pathlib import Path

import pytest

from guarantor.model.linear import INF, LinearModel, Row

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture
def mini_baseline() -> Path:
    return FIXTURES / "mini-baseline.yaml"


@pytest.fixture(autouse=True)
def _run_from_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in messages are relative to the working directory; tests run from the repo root."""
    monkeypatch.chdir(ROOT)


pytest_plugins = ["tests.browser", "tests.served"]


def tiny_mip() -> LinearModel:
    """min 3x + 2y with 2x + y >= 7, x whole in [0, 10]: x = 3, y = 1 at cost 11."""
    m = LinearModel()
    x = m.add_column("x", 0.0, 10.0, integer=True)
    y = m.add_column("y", 0.0, INF)
    m.add_row(Row("need", {x: 2.0, y: 1.0}, 7.0, INF, "test", ""))
    m.objective = {x: 3.0, y: 2.0}
    return m
