"""Re-solves in place on the HiGHS model of the main solve give exactly the answers of fresh models."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import SCENARIOS
from tests.conftest import tiny_mip as _tiny

from guarantor.answer import assemble
from guarantor.model.linear import INF, LinearModel, Row
from guarantor.scenario.loading import load_scenario
from guarantor.solve import inplace, pipeline, solving
from guarantor.solve.solving import SolveOptions


def _solve(path: Path) -> tuple[str, list[float]]:
    loaded = load_scenario(path)
    raw = pipeline.solve_formulation(assemble.formulate(loaded), pipeline.options_for(loaded))
    return str(raw.status), raw.values


def _counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    built: list[int] = []
    to_pulp = solving.to_pulp

    def counted(model: LinearModel, name: str = "guarantor") -> object:
        built.append(len(model.columns))
        return to_pulp(model, name)

    monkeypatch.setattr(solving, "to_pulp", counted)
    return built


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_gets_the_answer_fresh_models_give(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _counting_builds(monkeypatch)
    in_place = _solve(path)
    in_place_builds = len(built)
    monkeypatch.setattr(inplace.Resolver, "solve", lambda self, m: solving.solve_linear(m, self.options))
    built.clear()
    fresh = _solve(path)
    assert in_place == fresh  # exactly: every value to the last bit
    if fresh[0] == "optimal" and len(built) > 1:  # the pipeline re-solved: most of it ran in place
        assert in_place_builds < len(built)


def test_a_model_extending_the_held_one_is_solved_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    built = _counting_builds(monkeypatch)
    resolver = inplace.Resolver(SolveOptions())
    base = _tiny()
    first = resolver.solve(base)
    assert first.values == [3.0, 1.0]  # 2*3 + 1 >= 7 at cost 11 (x=4 costs 12, y=7 costs 14)
    derived = base.derived()  # integers fixed, a column and a row appended, a new objective
    derived.columns[0].integer = False
    derived.columns[0].lower = derived.columns[0].upper = 2.0
    z = derived.add_column("z", 0.0, 5.0)
    derived.add_row(Row("more", {1: 1.0, z: 1.0}, 4.0, INF, "test", ""))
    derived.objective = {1: 1.0, z: 0.5}
    second = resolver.solve(derived)
    assert len(built) == 1  # no second PuLP build
    assert second.status == solving.Status.optimal
    assert second.values == pytest.approx([2.0, 3.0, 1.0])  # y >= 7 - 4 = 3; z >= 4 - 3 = 1
    assert second.row_duals == pytest.approx([0.5, 0.5])  # either limit one higher costs 0.5 more
    assert second.values == solving.solve_linear(derived, SolveOptions()).values


def test_a_model_that_drops_rows_is_rebuilt(monkeypatch: pytest.MonkeyPatch) -> None:
    built = _counting_builds(monkeypatch)
    resolver = inplace.Resolver(SolveOptions())
    base = _tiny()
    resolver.solve(base)
    smaller = LinearModel()
    smaller.add_column("x", 0.0, 10.0, integer=True)
    smaller.add_column("y", 0.0, INF)
    smaller.objective = {0: 1.0}
    again = resolver.solve(smaller)
    assert len(built) == 2
    assert again.values == [0.0, 0.0]


def test_an_infeasible_derived_model_says_so_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    built = _counting_builds(monkeypatch)
    resolver = inplace.Resolver(SolveOptions())
    base = _tiny()
    resolver.solve(base)
    derived = base.derived()
    derived.add_row(Row("cap", {0: 2.0, 1: 1.0}, -INF, 6.0, "test", ""))
    found = resolver.solve(derived)
    assert len(built) == 1
    assert found.status == solving.Status.infeasible
    assert not found.status.has_solution


def test_every_highs_model_gets_the_shared_settings() -> None:
    """The main solve (through PuLP) and the fast path's live models both switch dual fixing off."""
    from guarantor.solve.arraymodel import ArrayModel
    from guarantor.solve.fast import FastOptions, LiveModel

    assert solving.HIGHS_SETTINGS["presolve_rule_off"] & (1 << 17)  # HiGHS's rule 17: dual fixing
    resolver = inplace.Resolver(SolveOptions())
    resolver.solve(_tiny())
    assert resolver.held is not None
    live = LiveModel(ArrayModel.from_linear(_tiny()), FastOptions())
    for highs in (resolver.held.highs, live.highs):
        for key, value in solving.HIGHS_SETTINGS.items():
            assert highs.getOptionValue(key)[1] == value
