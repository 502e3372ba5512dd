"""Hostile input at the command line: every case exits 2 with a message naming what is wrong.

Each case was found by an adversarial probe (issue 13) to exit 0, exit 1 ("internal
error") or hang; the exit code and the message are asserted. File contents of the
YAML corpus live in `tests/broken/`; this file covers options, paths and special files.
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, ROOT
from guarantor.cli.app import app
from guarantor.errors import InputError
from guarantor.scenario.loading import load_scenario
from guarantor.scenario.yamlio import MAX_FILE_BYTES

runner = CliRunner()
MINI = FIXTURES / "mini-baseline.yaml"


def run(*args: str | Path) -> tuple[int, str]:
    """Exit code and the combined output with rich's boxes and line breaks flattened."""
    result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    text = re.sub(r"[│╭╮╰╯─\s]+", " ", result.output)
    return result.exit_code, text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["solve", MINI, "--time-limit", "-1"], "'--time-limit': expected a number of seconds > 0, got -1"),
        (["solve", MINI, "--time-limit", "nan"], "'--time-limit': expected a number of seconds > 0, got nan"),
        (["compare", MINI, MINI, "--gap", "nan"], "'--gap': expected a relative gap between 0 and 1"),
        (["evaluate", MINI, "--plan", "x.yaml", "--gap", "-0.5"], "'--gap': expected a relative gap"),
        (["pareto", MINI, "--points", "0"], "'--points'"),
        (["sensitivity", MINI, "--sobol", "-5"], "'--sobol'"),
        (["sensitivity", MINI, "--delta", "nan"], "'--delta': expected a fraction above 0"),
        (["sensitivity", MINI, "--seed", "-1"], "'--seed'"),
        (["uncertainty", MINI, "--workers", "-3"], "'--workers'"),
        (["uncertainty", MINI, "--spread", "inf"], "'--spread': expected a fraction above 0"),
        (["uncertainty", MINI, "--samples", "0"], "'--samples'"),
        (
            ["uncertainty", MINI, "--scheduler", "not an address"],
            "expected a Dask scheduler address such as tcp://host:8786, got 'not an address'",
        ),
        (["uncertainty", MINI, "--scheduler", "tcp://host:99999"], "expected a Dask scheduler address"),
        (["alternatives", MINI, "--plans", "-3"], "'--plans'"),
        (["alternatives", MINI, "--slack", "nan"], "'--slack': expected a fraction from 0 to 1"),
        (["serve", "scenarios", "--port", "99999"], "'--port'"),
        (["serve", "scenarios", "--out", "README.md"], "README.md is a file, not a folder"),
    ],
)
def test_option_out_of_range_is_a_usage_error(args: list[str | Path], message: str) -> None:
    code, text = run(*args)
    assert code == 2, text
    assert message in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["uncertainty", MINI, "--samples", "1000000000"],
            "--samples: 1,000,000,000 samples requested; the most Guarantor runs is 2,000,000",
        ),
        (
            ["uncertainty", MINI, "--samples", "200000"],
            "--samples: 200,000 samples requested; the limit is 100,000 without --allow-large",
        ),
        (
            ["sweep", MINI, "--vary", "requirements.ground_troops=1:2:1000000000"],
            "1,000,000,000 points on one axis requested",
        ),
        (
            [
                "sweep",
                MINI,
                "--vary",
                "requirements.ground_troops=1:2:1000",
                "--vary",
                "requirements.air_defence=1:2:1000",
            ],
            "--vary: 1,000,000 grid points requested; the limit is 100,000 without --allow-large",
        ),
        (["pareto", MINI, "--points", "5000000"], "--points: 5,000,000 frontier points requested"),
        (["sensitivity", MINI, "--sobol", "100000"], "--sobol: 1,310,720 Sobol solves requested"),
    ],
)
def test_oversized_runs_are_refused_with_the_limit(args: list[str | Path], message: str) -> None:
    code, text = run(*args)
    assert code == 2, text
    assert message in text


def test_allow_large_raises_the_limit_but_not_past_the_hard_one() -> None:
    code, text = run("uncertainty", MINI, "--samples", "3000000", "--allow-large")
    assert code == 2 and "the most Guarantor runs is 2,000,000" in text


def test_out_naming_a_file(tmp_path: Path) -> None:
    file = tmp_path / "report.txt"
    file.write_text("x")
    code, text = run("solve", MINI, "--out", file)
    assert code == 2
    assert f"{file} is a file, not a folder" in text
    code, text = run("solve", MINI, "--out", file / "sub")
    assert code == 2
    assert f"cannot create {file / 'sub'}: {file} is a file, not a folder" in text


def test_schema_out_problems(tmp_path: Path) -> None:
    file = tmp_path / "schema.json"
    file.write_text("{}")
    code, text = run("schema", "--out", file)
    assert code == 2 and f"{file} is a file, not a folder; --out names a folder" in text


def test_out_impossible_path() -> None:
    long = "x" * 300
    code, text = run("solve", MINI, "--out", long)
    assert code == 2
    assert "is not a usable path: File name too long" in text


def test_out_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder the user cannot write: named before solving, or when the write fails (as root)."""
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):  # root writes anyway: simulate the refusal at write time
            import guarantor.report.reporting as reporting

            def refuse(*args: object, **kwargs: object) -> None:
                raise PermissionError(13, "Permission denied", str(locked / "mini-baseline"))

            monkeypatch.setattr(reporting, "write_solve_report", refuse)
            code, text = run("solve", MINI, "--out", locked)
            assert code == 2
            assert f"{locked / 'mini-baseline'}: Permission denied" in text
        else:
            code, text = run("solve", MINI, "--out", locked / "sub")
            assert code == 2
            assert f"cannot write to {locked / 'sub'}: {locked} is read-only" in text
    finally:
        locked.chmod(0o755)


def test_fifo_does_not_block_validate(tmp_path: Path) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    outcome: list[tuple[int, str]] = []
    worker = threading.Thread(target=lambda: outcome.append(run("validate", fifo)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert outcome, "validate blocked on a FIFO"
    code, text = outcome[0]
    assert code == 2
    assert "is a named pipe (FIFO), not a regular file; expected a YAML file" in text


def test_device_is_not_read() -> None:
    code, text = run("validate", "/dev/zero")
    assert code == 2
    assert "/dev/zero: is a character device, not a regular file" in text


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk is used
    code, text = run("validate", big)
    assert code == 2
    assert "file is 8.0 MiB, over the 8 MiB input limit" in text


def test_foreign_file_contents_are_not_echoed(tmp_path: Path) -> None:
    secret = tmp_path / "credentials"
    secret.write_text("token-1234567890 and some private words\n")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"extends: {secret}\nname: x\n")
    code, text = run("validate", scenario)
    assert code == 2
    assert "token-1234567890" not in text
    assert "found plain text of 39 characters; is this a Guarantor model or scenario file?" in text


def test_replot_of_a_corrupt_analysis_json(tmp_path: Path) -> None:
    folder = tmp_path / "analysis"
    folder.mkdir()
    (folder / "analysis.json").write_text("{not json")
    code, text = run("replot", folder)
    assert code == 2
    assert f"{folder / 'analysis.json'} is damaged" in text and "re-run the analysis" in text
    (folder / "analysis.json").write_text('{"kind": "sweep"}')
    code, text = run("replot", folder)
    assert code == 2 and "missing key 'tables'" in text


def test_check_of_results_with_an_unknown_tier(tmp_path: Path) -> None:
    code, _ = run("solve", MINI, "--out", tmp_path, "--quiet")
    assert code == 0
    results = json.loads((tmp_path / "mini-baseline" / "results.json").read_text())
    results["decisions"]["tier"] = {"year": "warp_drive"}
    saved = tmp_path / "tampered.json"
    saved.write_text(json.dumps(results))
    code, text = run("check", MINI, saved)
    assert code == 2
    assert "US tier in year is 'warp_drive', not one of the scenario's tiers" in text


def test_check_of_results_with_nan(tmp_path: Path) -> None:
    """The independent checker refuses NaN decisions instead of passing every comparison."""
    run("solve", MINI, "--out", tmp_path, "--quiet")
    results = json.loads((tmp_path / "mini-baseline" / "results.json").read_text())
    for row in results["decisions"]["amounts"]:
        if row[:2] == ["france", "ground_troops"]:
            row[3] = math.nan
    saved = tmp_path / "nan.json"
    saved.write_text(json.dumps(results))  # writes NaN, which json.loads reads back
    code, text = run("check", MINI, saved)
    assert code == 2
    assert "france ground_troops in year is nan, not a finite number" in text


def test_number_limits_hold_for_set_values() -> None:
    with pytest.raises(InputError) as caught:
        load_scenario(MINI, ["requirements.ground_troops=1e20"])
    assert "beyond the input limit of ±1,000,000,000" in str(caught.value)
    with pytest.raises(InputError) as caught:
        load_scenario(MINI, ["requirements.ground_troops=yes"])
    assert "expected a number, found true" in str(caught.value)


def test_exponent_numbers_are_numbers() -> None:
    """YAML 1.1 reads `2.5e4` as text; Guarantor reads it as the number editors show."""
    loaded = load_scenario(MINI, ["requirements.ground_troops=1.5e4"])
    assert loaded.scenario.requirements["ground_troops"] == 15000


def test_too_many_periods(tmp_path: Path) -> None:
    scenario = tmp_path / "long.yaml"
    periods = ", ".join(f"{{id: p{i}}}" for i in range(101))
    scenario.write_text(f"extends: {MINI}\nhorizon:\n  periods: [{periods}]\n")
    code, text = run("validate", scenario)
    assert code == 2
    assert "101 periods is over the limit of 100" in text


def test_too_long_a_horizon() -> None:
    """Two periods of a million years with cost escalation used to overflow (exit 1)."""
    periods = "horizon.periods=[{id: y1, years: 1000000}, {id: y2, years: 1000000}, {id: y3}, {id: y4}]"
    code, text = run("validate", FIXTURES / "mini-horizon.yaml", "--set", periods)
    assert code == 2
    assert "the periods add up to 2e+06 years, over the limit of 100 years" in text


def test_huge_values_are_refused_before_the_solver(tmp_path: Path) -> None:
    """10^20 troops used to pass validation and crash inside PuLP's HiGHS wrapper (exit 1)."""
    code, text = run("solve", MINI, "--set", "requirements.ground_troops=1e20", "--out", tmp_path)
    assert code == 2
    assert "1e+20 is beyond the input limit" in text


def test_shipped_scenarios_still_validate() -> None:
    code, text = run("validate", *sorted((ROOT / "scenarios").glob("*.yaml")))
    assert code == 0, text


def test_checker_rejects_non_finite_decisions() -> None:
    from guarantor.answer.checker import check_solution
    from guarantor.model.params import build_params
    from guarantor.plans.plan import Plan, complete_decisions

    params = build_params(load_scenario(MINI).scenario)
    decisions = complete_decisions(params, Plan("x"))
    decisions.amounts[("france", "ground_troops", "year")] = math.inf
    violations = check_solution(params, decisions)
    assert [v.rule for v in violations] == ["malformed"]
    assert "france ground_troops in year is inf, not a finite number" in violations[0].message


def test_explicit_troop_cap_overrides_the_policy_default(tmp_path: Path) -> None:
    """`troop_cap: 4000` for a conditional contributor wins over `conditional_troop_cap: 1000`."""
    from guarantor.model.build import formulate

    scenario = tmp_path / "cap.yaml"
    scenario.write_text(
        f"extends: {MINI}\npolicy:\n  conditional_troop_cap: 1000\n"
        "contributors:\n  - id: canada\n    stance: conditional\n    troop_cap: 4000\n"
        "  - id: france\n    stance: conditional\n"
    )
    f = formulate(load_scenario(scenario))
    rows = {r.name: r for r in f.model.rows}
    assert rows["troop_cap_canada"].upper == 4000
    assert str(rows["troop_cap_canada"].origin).endswith("cap.yaml:7:5")
    assert rows["troop_cap_france"].upper == 1000  # no rule of its own: the policy default applies
    assert str(rows["troop_cap_france"].origin).endswith("cap.yaml:3:3")


def test_wrong_infeasible_verdict_is_named_a_scaling_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    """HiGHS calling a feasible model infeasible (bad scaling) is reported as such, not as infeasibility.

    The solver's wrong verdict is simulated; the elastic relaxation and CBC are real.
    """
    import guarantor.answer.assemble as assemble
    from guarantor.api import options_for
    from guarantor.solve.solving import RawSolution, Status

    def wrong(*args: object, **kwargs: object) -> RawSolution:
        return RawSolution(Status.infeasible, None, message="Infeasible", solver="highs")

    monkeypatch.setattr(assemble, "solve_formulation", wrong)
    loaded = load_scenario(MINI)
    result = assemble.solve_scenario(loaded, options_for(loaded))
    assert result.status == Status.no_solution
    assert result.diagnosis is not None and result.diagnosis.numerical
    summary = result.diagnosis.summary
    assert summary.startswith("Not shown to be infeasible: HiGHS reported no feasible plan")
    assert "The model is badly scaled: its numbers range from" in summary
    assert "CBC solves it (objective 3,370)" in summary


def test_whole_units_violation_is_located() -> None:
    from guarantor.answer.checker import check_solution
    from guarantor.model.params import build_params
    from guarantor.plans.plan import Plan, complete_decisions

    loaded = load_scenario(MINI)
    params = build_params(loaded.scenario)
    decisions = complete_decisions(params, Plan("x", amounts={("france", "air_defence", "year"): 1.5}))
    (violation,) = [v for v in check_solution(params, decisions, loaded.origin_of) if v.rule == "whole_units"]
    assert violation.origin.startswith("tests/fixtures/mini-model.yaml:8:")


def test_set_takes_the_figure_shorthand() -> None:
    """`--set` of a plain number on a sourced figure sets its value, as `--vary` does."""
    loaded = load_scenario(MINI, ["model.contributors.france.cost_per_soldier_year_usd=150000"])
    (france,) = [c for c in loaded.scenario.model.contributors if c.id == "france"]
    assert france.cost_per_soldier_year_usd.value == 150000
    assert france.cost_per_soldier_year_usd.source == "TEST"  # the provenance is kept


def test_unreachable_scheduler_is_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import guarantor.analysis.uncertainty as uncertainty

    def unreachable(*args: object) -> None:
        raise TimeoutError("Timed out trying to connect to tcp://127.0.0.1:1 after 30 s")

    monkeypatch.setattr(uncertainty, "chunks_dask", unreachable)
    code, text = run(
        "uncertainty",
        FIXTURES / "mini-uncertain.yaml",
        "--samples",
        "8",
        "--scheduler",
        "tcp://127.0.0.1:1",
        "--out",
        tmp_path,
    )
    assert code == 2
    assert "--scheduler: cannot reach tcp://127.0.0.1:1: Timed out trying to connect" in text


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ("us_air_support: {year: [none]}\n", "1:1: us_air_support: expected a US tier id, found a list"),
        ("scenario: [x]\n", "1:1: scenario: expected the name of the scenario the plan was written for"),
    ],
)
def test_malformed_plans_are_input_errors(tmp_path: Path, plan: str, message: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(plan)
    code, text = run("evaluate", MINI, "--plan", path, "--out", tmp_path)
    assert code == 2 and message in text


def test_fractional_whole_units_in_a_plan_are_a_violation(tmp_path: Path) -> None:
    """Half an air-defence battery used to make the completion infeasible and blame the funding."""
    path = tmp_path / "plan.yaml"
    path.write_text("contributions: {france: {air_defence: 0.5}}\n")
    code, text = run("evaluate", MINI, "--plan", path, "--out", tmp_path)
    assert code == 3
    assert "| whole_units | 0.5 units | tests/fixtures/mini-model.yaml:8:5 |" in text
