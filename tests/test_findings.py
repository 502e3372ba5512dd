"""What the analysis commands print in the terminal: their key findings, not just a count.

Each assertion names a finding the terminal used to omit (issue 13): the cost range and
tiers of a sweep, the largest swings and why a tier is "infeasible" in sensitivity, the
percentiles of uncertainty, a single-point Pareto frontier, unstable Sobol indices.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from conftest import FIXTURES
from guarantor.analysis.sensitivity import _unstable
from guarantor.cli.app import app

MINI = FIXTURES / "mini-baseline.yaml"


def run(*args: str | Path) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_sweep_prints_cost_range_tiers_and_unsolved_points(tmp_path: Path) -> None:
    out = run("sweep", MINI, "--vary", "requirements.ground_troops=5000:40000:5", "--out", tmp_path)
    assert "total cost from $1.43 bn (requirements · ground troops = 5,000) to $3.11 bn" in out
    assert "US tier chosen: US supplies air defence at 2 point(s)" in out
    assert "3 point(s) without a solution, first at requirements · ground troops = 22,500" in out


def test_sensitivity_prints_swings_tipping_points_and_why_infeasible(tmp_path: Path) -> None:
    out = run("sensitivity", MINI, "--out", tmp_path)
    assert "largest swings of the optimum when one input moves by ±20%:" in out
    assert "US supplies air defence -> no solution at requirements · ground troops = 20,999.5" in out
    assert (
        "infeasible at requirements · ground troops = 22,500: Requirement: ground troops >= 22,500 troops "
        "cannot be met: short 1,500 troops"
    ) in out


def test_uncertainty_prints_percentiles_and_tier_frequencies(tmp_path: Path) -> None:
    out = run(
        "uncertainty",
        FIXTURES / "mini-uncertain.yaml",
        "--samples",
        "64",
        "--workers",
        "1",
        "--out",
        tmp_path,
    )
    assert "total cost: P5 $" in out and ", P50 $" in out and ", P95 $" in out
    assert "US tier chosen:" in out


def test_pareto_warns_when_objectives_do_not_conflict(tmp_path: Path) -> None:
    out = run("pareto", MINI, "--set", "us_air_support.allowed=[none]", "--points", "3", "--out", tmp_path)
    assert "1 frontier point(s)" in out
    assert "warning: cost and us_involvement do not conflict here" in out
    assert "try --objectives cost,deployed_force, which do conflict" in out


def test_sobol_warns_when_n_is_too_small() -> None:
    warning = _unstable(["a.b", "c.d"], {"S1": [0.5, -0.2], "ST": [0.6, 0.1]}, 16)
    assert warning.startswith("Warning: N = 16 is too small for stable indices: 1 index(es) are negative")
    assert "rerun with --sobol 128 or more" in warning
    assert _unstable(["a.b"], {"S1": [0.5], "ST": [0.6]}, 16) == ""
