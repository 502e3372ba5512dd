"""Shared fixtures: paths to the shipped data and the small test model."""

from __future__ import annotations

from pathlib import Path

import pytest

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
