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
