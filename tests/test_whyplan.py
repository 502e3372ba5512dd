"""Every explanation Guarantor prints is re-checked by an independent re-solve (`solve_file`, `--set`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from guarantor.answer.results import Explanation, Result
from guarantor.api import solve_file
from guarantor.model.params import build_params
from guarantor.scenario.loading import load_scenario

LP = ["model.capabilities.air_defence.whole_units=false", "model.capabilities.headquarters.whole_units=false"]
CASES = {
    "contingents": (FIXTURES / "mini-baseline.yaml", []),
    "blocks": (FIXTURES / "mini-blocks.yaml", []),
    "lp": (FIXTURES / "mini-twins.yaml", LP),
}


def cost(path: Path, sets: list[str]) -> float:
    result = solve_file(path, sets)
    return float("inf") if result.objective_value is None else result.objective_value


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def check(path: Path, sets: list[str], base: Result, e: Explanation) -> None:
    z0 = base.objective_value
    assert z0 is not None
    params = build_params(load_scenario(path, sets).scenario)
    if e.kind == "requirement":
        k = next(k for k in params.capabilities if e.subject.startswith(f"requirement_{k}"))
        assert e.holds_from is not None and e.holds_to is not None
        step = params.unit_size[k]
        for extra in (step, e.holds_to - e.holds_from):
            moved = cost(path, [*sets, f"requirements.{k}={e.holds_from + extra}"]) - z0
            assert close(moved, e.value / 1e6 * extra), (e.claim, extra, moved)
    elif e.kind == "what_if_not":
        c = next(c for c in params.contributors if c.id == e.subject)
        nothing = [f"contributors.{c.id}.troop_cap=0"] + [
            f"model.contributors.{c.id}.capabilities.{k}.available.value=0" for k in c.offers
        ]
        moved = cost(path, [*sets, *nothing]) - z0
        assert close(moved, e.value / 1e6) or (moved == e.value == float("inf")), (e.claim, moved)
    elif e.kind == "why_not":
        c = next(c for c in params.contributors if c.id == e.subject)
        key = f"model.contributors.{c.id}.cost_per_soldier_year_usd.value"
        per_year = c.troop_cost_usd_m * 1e6
        if e.unit == "USD per soldier-year":
            cheaper = cost(path, [*sets, f"{key}={per_year - e.value - 200}"])
            assert cheaper < z0 - 1e-6, e.claim
            not_yet = cost(path, [*sets, f"{key}={per_year - e.value + 200}"])
            assert close(not_yet, z0), e.claim
    elif e.kind in ("stance", "troop_cap"):
        assert e.holds_to is not None
        allow = [f"contributors.{e.subject}.stance=willing"] if e.kind == "stance" else []
        allowed = cost(path, [*sets, *allow, f"contributors.{e.subject}.troop_cap={e.holds_to:g}"])
        assert close(z0 - allowed, e.value / 1e6), (e.claim, z0 - allowed)
    else:
        raise AssertionError(f"unchecked kind {e.kind}")


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_every_explanation_is_confirmed_by_an_independent_resolve(case: str) -> None:
    path, sets = CASES[case]
    base = solve_file(path, sets, explain=True)
    assert base.explanations, "no explanations"
    kinds = {e.kind for e in base.explanations}
    assert {"requirement", "what_if_not"} <= kinds
    for e in base.explanations:
        assert e.checked_by_resolve
        check(path, sets, base, e)


def test_stance_sentences_state_the_discrete_truth() -> None:
    base = solve_file(FIXTURES / "mini-baseline.yaml", explain=True)
    stance = next(e for e in base.explanations if e.kind == "stance" and e.subject == "poland")
    assert "saves nothing below 1,000 (the minimum contingent); allowing 1,000 saves" in stance.claim
    printed = [c.explanation for c in base.binding if c.family == "stance"]
    assert printed and not any("each troop it were allowed to send" in text for text in printed)


def test_explanations_reach_every_output(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from guarantor.cli.app import app

    outcome = CliRunner().invoke(app, ["solve", str(FIXTURES / "mini-baseline.yaml"), "--out", str(tmp_path)])
    assert outcome.exit_code == 0, outcome.output
    assert "Why this plan" in outcome.output
    data = json.loads((tmp_path / "mini-baseline" / "results.json").read_text())
    first = data["explanations"][0]
    assert set(first) >= {"claim", "kind", "value", "unit", "holds_from", "holds_to", "checked_by_resolve"}
    assert first["checked_by_resolve"] is True
    assert "## Why this plan" in (tmp_path / "mini-baseline" / "report.md").read_text()
    quiet = CliRunner().invoke(
        app, ["solve", str(FIXTURES / "mini-baseline.yaml"), "--out", str(tmp_path), "--no-explain"]
    )
    assert quiet.exit_code == 0
    assert json.loads((tmp_path / "mini-baseline" / "results.json").read_text())["explanations"] == []
