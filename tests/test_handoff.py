"""The scenario handed to the report workers before the solve: the same report, a lighter bundle."""

from __future__ import annotations

import pickle
import re
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest
from tests.test_workbook_ahead import workbook_cells

from guarantor.answer.assemble import solve_scenario
from guarantor.model.params import build_params
from guarantor.report import solvejobs as sj
from guarantor.report.payload import manifest, report_fields
from guarantor.report.rendering import DOCUMENT_PRELOAD, chart_renderer
from guarantor.report.reporting import hand_over, write_solve_report
from guarantor.report.shared import staged
from guarantor.scenario.loading import load_scenario

STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^\"<|\s]*")


def _texts(folder: Path) -> dict[str, bytes]:
    """The report's text files, timestamps blanked (the one thing that differs between runs)."""
    return {
        p.name: STAMP.sub(b"T", p.read_bytes())
        for p in sorted(folder.iterdir())
        if p.suffix in (".json", ".csv", ".md", ".html") and p.name != "run.json"
    }


def test_a_report_from_handed_over_workers_is_the_report_without(mini_baseline: Path, tmp_path: Path) -> None:
    loaded = load_scenario(mini_baseline)
    with chart_renderer((), workers=2, preload=DOCUMENT_PRELOAD) as renderer:
        with hand_over(loaded, renderer) as handoff:
            assert handoff is not None
            result = solve_scenario(loaded)  # its first HiGHS run starts the hand-over
            sent = handoff.result()
            assert Path(sent.where).exists() and sent.workbook is not None
            handed = write_solve_report(result, loaded, tmp_path / "a", renderer=renderer, handoff=handoff)
            begun = sent.workbook._made()  # report.xlsx as the worker that began it during the solve made it
        assert not Path(sent.where).exists()  # the staged scenario goes with the block
        plain = write_solve_report(result, loaded, tmp_path / "b", renderer=renderer)
    assert _texts(handed) == _texts(plain)
    assert (handed / "report.xlsx").read_bytes() == begun
    cells = workbook_cells(plain / "report.xlsx")
    assert workbook_cells(handed / "report.xlsx") == cells
    titles = [title for title, _ in cells]
    assert titles[0] == "Summary"
    assert titles[-4:] == ["Scenario inputs", "Model figures", "Sources", "Manifest"]


def test_the_bundle_leaves_the_scenario_behind_and_a_worker_rebuilds_it(
    mini_baseline: Path, tmp_path: Path
) -> None:
    loaded = load_scenario(mini_baseline)
    result = solve_scenario(loaded)
    params = build_params(loaded.scenario)
    made = manifest(loaded, result.options, result.solver, result.solver_version)
    bundle = sj.Bundle(result, loaded, report_fields(result, loaded, params, made), (), "png")
    token, blob = sj.pack_scenario(loaded)
    with staged(blob) as where:
        handoff = sj.Handoff(token, where)
        light_token, light = sj.pack(bundle, handoff)
        _, full = sj.pack(bundle)
        assert len(light) < len(full) - len(blob) // 2
        assert not isinstance(pickle.loads(light), sj.Bundle)
        with staged(light) as light_where:
            sj._SCENARIOS.clear()
            sj.scenario_job(token, where)  # what a worker does while the command solves
            ready = sj.prepared(light_token, light_where)
    assert ready.bundle.loaded.scenario == loaded.scenario
    assert ready.bundle.result.objective_value == result.objective_value
    assert ready.params.contributors == params.contributors
    assert "resolved_scenario" not in ready.bundle.payload["manifest"]


def test_results_json_built_from_the_report_fields_is_the_one_built_alone() -> None:
    """The command passes `report_fields` on to `result_payload` (their cost basis and estimates
    are not computed twice); the document is the same either way, key order included."""
    from guarantor.api import options_for
    from guarantor.report.payload import result_payload

    loaded = load_scenario(Path("scenarios/ten_year_force.yaml"))
    result = solve_scenario(loaded, options_for(loaded), robustness=False, explain=False)
    params = build_params(loaded.scenario)
    made = manifest(loaded, result.options, result.solver, result.solver_version)
    fields = report_fields(result, loaded, params, made)
    assert fields["cost_basis"] and fields["published_estimates"]
    shared = result_payload(result, loaded, params, made, fields)
    alone = result_payload(result, loaded, params, made)
    assert list(shared) == list(alone)
    assert shared == alone


def test_the_sourced_figures_are_built_once_per_scenario(
    mini_baseline: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workbook and the report both list them; a worker builds them while the command solves."""
    from guarantor.report import inputs

    built: list[int] = []
    build = inputs._sourced_figures
    monkeypatch.setattr(inputs, "_sourced_figures", lambda loaded: built.append(1) or build(loaded))
    loaded = load_scenario(mini_baseline)
    first = inputs.sourced_figures(loaded)
    first["figure"] = "changed by a caller"
    second = inputs.sourced_figures(loaded)
    assert len(built) == 1
    assert (second["figure"] != "changed by a caller").all()  # each caller gets its own copy
    assert second.equals(build(loaded))
    inputs.sourced_figures(load_scenario(mini_baseline))  # another scenario object: built again
    assert len(built) == 2


def test_the_hand_over_hashes_the_inputs_once_during_the_solve(
    mini_baseline: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest's input hash (0.4 s at 1,600 contributors) is made on the hand-over's thread
    while HiGHS runs, once, and is the hash a fresh load gives."""
    from guarantor.scenario import resolved

    dumps = resolved.json.dumps
    hashed: list[int] = []
    monkeypatch.setattr(resolved.json, "dumps", lambda *a, **k: hashed.append(1) or dumps(*a, **k))
    loaded = load_scenario(mini_baseline)
    with (
        chart_renderer((), workers=1, preload=DOCUMENT_PRELOAD) as renderer,
        hand_over(loaded, renderer) as handoff,
    ):
        assert handoff is not None
        result = solve_scenario(loaded)
        handoff.result()
        assert len(hashed) == 1  # before the report asked for it
        made = manifest(loaded, result.options, result.solver, result.solver_version)
    assert len(hashed) == 1
    fresh = pickle.loads(pickle.dumps(load_scenario(mini_baseline)))  # a copy carries no cached hash
    before = len(hashed)
    assert made["inputs_sha256"] == fresh.resolved.sha256() and len(hashed) == before + 1


def _note_exists(seen: list[bool], path: Path) -> None:
    seen.append(path.exists())


def test_meanwhile_runs_once_while_the_workers_write(mini_baseline: Path, tmp_path: Path) -> None:
    """`solve` makes its terminal summary while the report's workers write: before the folder
    is in place, once, on the workers' path and in process alike."""
    loaded = load_scenario(mini_baseline)
    result = solve_scenario(loaded)
    for workers in (0, 2):
        seen: list[bool] = []
        final = tmp_path / str(workers) / "run"
        with chart_renderer((), workers=workers, preload=DOCUMENT_PRELOAD) as renderer:
            folder = write_solve_report(
                result, loaded, final.parent, "run", renderer, meanwhile=partial(_note_exists, seen, final)
            )
        assert folder == final and seen == [False] and (folder / "report.md").exists()


def test_an_answer_pickles_its_constraint_rows_as_columns(mini_baseline: Path) -> None:
    """What a report worker gets back is the answer it was sent, row for row."""
    from guarantor.answer.results import ConstraintReport

    result = solve_scenario(load_scenario(mini_baseline))
    assert len(result.constraints) > 10
    state = result.__getstate__()["constraints"]
    assert isinstance(state, tuple) and all(len(column) == len(result.constraints) for column in state)
    back = pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == result and back.binding == result.binding
    assert all(type(c) is ConstraintReport for c in back.constraints)
    empty = pickle.loads(pickle.dumps(replace(result, constraints=[])))
    assert empty.constraints == [] and empty == replace(result, constraints=[])
