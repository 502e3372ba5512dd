"""What keeps a large solve's memory down: the scenario's pickled form, the loader's strings, and a
HiGHS run without the PuLP problem beside it (`benchmarks/scale.py` measures the peaks)."""

from __future__ import annotations

import pickle
import weakref
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import SCENARIOS
from tests.conftest import tiny_mip as _tiny

from guarantor.model.linear import INF, LinearModel, Row
from guarantor.scenario import treecodec, yamlio
from guarantor.scenario.loading import load_scenario
from guarantor.solve import solving
from guarantor.solve.solving import SolveOptions, Status

ROOT = Path(__file__).resolve().parent.parent


def _tree(node: yamlio.Node) -> Any:
    """Values (with their types), origins and earlier origins of a whole annotated tree."""
    if type(node.value) is dict:
        inner: Any = {k: _tree(v) for k, v in node.value.items()}
    elif type(node.value) is list:
        inner = [_tree(v) for v in node.value]
    else:
        inner = (type(node.value).__name__, repr(node.value))
    return (node.origin, node.layers, inner)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_pickled_scenario_carries_the_same_tree(path: Path) -> None:
    loaded = load_scenario(path, ["description=set twice"])  # with layers
    copy_ = pickle.loads(pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
    assert _tree(copy_.resolved.root) == _tree(loaded.resolved.root)
    assert copy_.resolved.files == loaded.resolved.files
    assert copy_.resolved.sha256() == loaded.resolved.sha256()
    assert copy_.scenario == loaded.scenario


def test_values_set_on_the_command_line_pickle_too() -> None:
    """`--set` builds its nodes from plain values (lists and mappings included)."""
    loaded = load_scenario(
        ROOT / "scenarios" / "baseline.yaml",
        ["us_air_support.allowed=[none,air_defence_supply]", "requirements={ground_troops: 20000}"],
    )
    copy_ = pickle.loads(pickle.dumps(loaded))
    assert _tree(copy_.resolved.root) == _tree(loaded.resolved.root)
    assert copy_.resolved.read_only()["us_air_support"]["allowed"] == ["none", "air_defence_supply"]


def test_the_codec_keeps_layers_empty_values_and_nesting() -> None:
    o = yamlio.Origin
    root = yamlio.Node(
        {
            "a": yamlio.Node([], o("f.yaml", 1, 1)),
            "b": yamlio.Node({}, o("g.yaml", 2, 3), (o("f.yaml", 9, 9), o("<--set>"))),
            "c": yamlio.Node(
                [yamlio.Node([yamlio.Node(None, o("f.yaml", 4, 5))], o("f.yaml", 4, 3))], o("f", 3, 1)
            ),
            "d": yamlio.Node("x\ud800", o("f.yaml", 6, 1)),
        },
        o("f.yaml", 1, 1),
    )
    assert _tree(treecodec.decode(treecodec.encode(root))) == _tree(root)


def test_the_loaded_tree_keeps_none_of_the_composers_strings() -> None:
    """The composed nodes and their marks are garbage once the tree is built; a string shared with
    them would keep their memory mapped (`yamlio._Builder._scalar`)."""
    text = (ROOT / "models" / "coalition-2025.yaml").read_text()
    composed = yamlio.compose_documents(text)[0]
    theirs: set[int] = set()
    stack = [composed]
    while stack:
        node = stack.pop()
        if isinstance(node.value, str):
            theirs.add(id(node.value))
        elif isinstance(node.value, list):
            stack.extend(
                item for pair in node.value for item in (pair if isinstance(pair, tuple) else (pair,))
            )
    built = yamlio._Builder("coalition-2025.yaml").build(composed, ())
    ours: list[str] = []
    nodes = [built]
    while nodes:
        node = nodes.pop()
        if type(node.value) is dict:
            ours.extend(node.value)
            nodes.extend(node.value.values())
        elif type(node.value) is list:
            nodes.extend(node.value)
        elif type(node.value) is str:
            ours.append(node.value)
    shared = [s for s in ours if id(s) in theirs and len(s) > 1]  # one-character strings are static
    assert len(ours) > 1000 and not shared, shared[:5]


def test_highs_runs_without_the_pulp_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    """PuLP builds the HiGHS model, and its problem is gone before HiGHS runs."""
    problems: list[weakref.ref[Any]] = []
    to_pulp = solving.to_pulp

    def kept(model: LinearModel, name: str = "guarantor") -> Any:
        made = to_pulp(model, name)
        problems.append(weakref.ref(made[0]))
        return made

    alive: list[bool] = []
    run = solving.run_highs

    def checked(*args: Any, **kwargs: Any) -> Any:
        alive.append(any(ref() is not None for ref in problems))
        return run(*args, **kwargs)

    monkeypatch.setattr(solving, "to_pulp", kept)
    monkeypatch.setattr(solving, "run_highs", checked)
    raw, highs = solving.solve_keeping(_tiny(), SolveOptions())
    assert raw.status == Status.optimal and raw.values == [3.0, 1.0] and highs is not None
    assert problems and alive == [False]


def test_a_column_no_row_or_cost_uses_reads_zero_in_model_order() -> None:
    """PuLP leaves such a column out of HiGHS's model; the values still come back in model order."""
    model = _tiny()
    model.add_column("unused", 0.0, 5.0)
    model.add_column("w", 0.0, INF)
    model.add_row(Row("w_min", {3: 1.0}, 2.0, INF, "test", ""))
    model.objective[3] = 1.0
    raw, highs = solving.solve_keeping(model, SolveOptions())
    assert raw.status == Status.optimal
    assert raw.values == [3.0, 1.0, 0.0, 2.0]
    assert raw.objective == pytest.approx(13.0)
    assert highs is None  # it does not hold the model's columns in order: never re-solved in place


def test_an_lp_gives_its_row_duals_in_model_order() -> None:
    model = LinearModel()
    x = model.add_column("x", 0.0, INF)
    y = model.add_column("y", 0.0, INF)
    model.add_row(Row("a", {x: 1.0}, 2.0, INF, "test", ""))
    model.add_row(Row("b", {y: 1.0}, 3.0, INF, "test", ""))
    model.objective = {x: 2.0, y: 5.0}
    raw = solving.solve_linear(model, SolveOptions())
    assert raw.values == [2.0, 3.0] and raw.row_duals == [2.0, 5.0] and raw.gap is None


def test_a_mip_read_from_highs_gives_its_gap_and_its_proof() -> None:
    raw = solving.solve_linear(_tiny(), SolveOptions(gap=0.5))
    assert raw.status == Status.optimal  # a tiny MIP closes its gap at once: a proof, gap asked or not
    assert raw.gap == 0.0 and raw.objective == 11.0 and raw.solver_version.startswith("HiGHS")
