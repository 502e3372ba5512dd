"""Property: no input, however mangled, makes the loader crash.

Random mutations of a valid scenario (and of its base model) — text edits such as
truncation, re-indentation, junk lines and stray characters, and data edits such as
deleted keys, changed types, junk keys and negative, huge or NaN numbers — must each
end in either a valid `LoadedScenario` or an `InputError` whose every problem points at
a file and line (or names the `--set` that caused it). Anything else is a bug.
"""

from __future__ import annotations

import copy
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from guarantor.errors import InputError
from guarantor.scenario.loading import LoadedScenario, load_scenario
from guarantor.scenario.paths import get_value, numeric_paths, with_values

FUZZ = int(os.environ.get("GUARANTOR_FUZZ_EXAMPLES", "0"))
"""Set e.g. GUARANTOR_FUZZ_EXAMPLES=5000 for a long, randomly seeded hunt; default: 60, seeded."""

SETTINGS = settings(
    max_examples=FUZZ or 60,
    deadline=None,
    derandomize=not FUZZ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

SCENARIO_TEXT = (FIXTURES / "mini-baseline.yaml").read_text()
MODEL_TEXT = (FIXTURES / "mini-model.yaml").read_text()
SCENARIO_DATA: dict[str, Any] = yaml.safe_load(SCENARIO_TEXT)
INLINE_DATA: dict[str, Any] = {**SCENARIO_DATA, "model": yaml.safe_load(MODEL_TEXT)}
"""The scenario with its model inline, so data mutations reach model keys too."""

ODD_VALUES = [
    "-1",
    "-0.5",
    "1.5",
    "1e400",
    "-1e400",
    ".nan",
    ".inf",
    "'NaN'",
    "99999999999999999999999999999999",
    "abc",
    "''",
    "[]",
    "{}",
    "null",
    "true",
    "[1, [2, {a: 3}]]",
    "2025-01-01",
    "&a [*a]",
    "!!binary aGVsbG8=",
    "{id: [x]}",
]
JUNK = st.sampled_from(["polcy", "id", "value", "source", "<<", "? [a]", "x y", "label", "0", "null", "é"])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutations")


def check_outcome(scenario: Path, overrides: tuple[str, ...] = ()) -> None:
    """The property itself: a scenario, or an error whose problems are all located."""
    try:
        loaded = load_scenario(scenario, overrides)
    except InputError as error:
        assert error.problems, "InputError without problems"
        for problem in error.problems:
            assert problem.message, problem
            if problem.origin.file.startswith("--set "):
                continue
            assert problem.origin.file, problem
            assert problem.origin.line > 0, problem
        return
    assert isinstance(loaded, LoadedScenario)


# --------------------------------------------------------------------------- text mutations


@st.composite
def text_mutation(draw: st.DrawFn, text: str) -> str:
    """One to three edits of YAML text, the way hands and editors break files."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        kind = draw(
            st.sampled_from(
                [
                    "truncate",
                    "delete",
                    "duplicate",
                    "indent",
                    "dedent",
                    "tab",
                    "junk",
                    "number",
                    "char",
                    "swap",
                ]
            )
        )
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        if kind == "truncate":
            joined = "".join(lines)
            lines = [joined[: draw(st.integers(0, len(joined)))]]
        elif kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, line)
        elif kind == "indent":
            lines[i] = " " * draw(st.integers(1, 4)) + line
        elif kind == "dedent":
            lines[i] = line[min(len(line) - len(line.lstrip(" ")), draw(st.integers(1, 4))) :]
        elif kind == "tab":
            lines[i] = "\t" + line.lstrip(" ")
        elif kind == "junk":
            indent = " " * draw(st.integers(0, 6))
            lines.insert(i, f"{indent}{draw(JUNK)}: {draw(st.sampled_from(ODD_VALUES))}\n")
        elif kind == "number":
            digits = [j for j, ch in enumerate(line) if ch.isdigit()]
            if digits:
                j = draw(st.sampled_from(digits))
                end = j
                while end < len(line) and (line[end].isdigit() or line[end] == "."):
                    end += 1
                lines[i] = line[:j] + draw(st.sampled_from(ODD_VALUES)) + line[end:]
        elif kind == "char":
            j = draw(st.integers(0, len(line)))
            ch = draw(
                st.sampled_from(
                    [
                        ":",
                        "-",
                        "{",
                        "}",
                        "[",
                        "]",
                        "'",
                        '"',
                        "#",
                        "&",
                        "*",
                        "!",
                        "|",
                        ">",
                        "\x00",
                        "\x07",
                        "\ufeff",
                        "é",
                    ]
                )
            )
            lines[i] = line[:j] + ch + line[j:]
        elif kind == "swap" and len(lines) > 1:
            k = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[k] = lines[k], lines[i]
    return "".join(lines)


@SETTINGS
@given(text=text_mutation(SCENARIO_TEXT))
def test_mutated_scenario_text_never_crashes(folder: Path, text: str) -> None:
    shutil.copy(FIXTURES / "mini-model.yaml", folder / "mini-model.yaml")
    scenario = folder / "scenario.yaml"
    scenario.write_text(text, encoding="utf-8")
    check_outcome(scenario)


@SETTINGS
@given(text=text_mutation(MODEL_TEXT))
def test_mutated_model_text_never_crashes(folder: Path, text: str) -> None:
    (folder / "mini-model.yaml").write_text(text, encoding="utf-8")
    scenario = folder / "scenario.yaml"
    scenario.write_text(SCENARIO_TEXT, encoding="utf-8")
    check_outcome(scenario)


@SETTINGS
@given(data=st.binary(max_size=200))
def test_arbitrary_bytes_never_crash(folder: Path, data: bytes) -> None:
    scenario = folder / "scenario.yaml"
    scenario.write_bytes(data)
    check_outcome(scenario)


# --------------------------------------------------------------------------- data mutations


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path (list items by position) below `node`."""
    if isinstance(node, dict):
        for key, child in node.items():
            yield (*prefix, key)
            yield from _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield (*prefix, i)
            yield from _paths(child, (*prefix, i))


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


REPLACEMENTS = st.one_of(
    st.sampled_from([-1, -1e9, 1e308, float("nan"), float("inf"), "NaN", "-5", 10**40, 1.5, 75, 0]),
    st.sampled_from([None, True, False, "", "junk", [], {}, [1, "a"], {"value": 1}, {"id": "x"}]),
    st.text(max_size=8),
).map(copy.deepcopy)
"""Replacement values (copied: sampled lists and dicts must not be shared between examples)."""


@st.composite
def data_mutation(draw: st.DrawFn, data: dict[str, Any]) -> dict[str, Any]:
    """One to four edits of the scenario's data: delete, retype, add junk keys."""
    mutated = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 4))):
        paths = sorted(_paths(mutated), key=str)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(mutated, path)
        kind = draw(st.sampled_from(["delete", "replace", "junk"]))
        if kind == "delete":
            del parent[path[-1]]
        elif kind == "replace":
            parent[path[-1]] = draw(REPLACEMENTS)
        else:
            target = parent[path[-1]]
            if isinstance(target, dict):
                target[draw(JUNK)] = draw(REPLACEMENTS)
            elif isinstance(target, list):
                target.append(draw(REPLACEMENTS))
    return mutated


@SETTINGS
@given(data=data_mutation(INLINE_DATA))
def test_mutated_scenario_data_never_crashes(folder: Path, data: dict[str, Any]) -> None:
    scenario = folder / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    check_outcome(scenario)


@SETTINGS
@given(data=data_mutation(SCENARIO_DATA))
def test_mutated_child_layer_never_crashes(folder: Path, data: dict[str, Any]) -> None:
    """The same mutations in a file that `extends:` a valid one (merging sees them first)."""
    shutil.copy(FIXTURES / "mini-model.yaml", folder / "mini-model.yaml")
    (folder / "parent.yaml").write_text(SCENARIO_TEXT, encoding="utf-8")
    layer = {"extends": "parent.yaml", **data}
    scenario = folder / "child.yaml"
    scenario.write_text(yaml.safe_dump(layer, allow_unicode=True), encoding="utf-8")
    check_outcome(scenario)


# --------------------------------------------------------------------------- --set


NUMERIC = sorted(numeric_paths(load_scenario(FIXTURES / "mini-baseline.yaml").resolved.data))


@SETTINGS
@given(
    path=st.one_of(
        st.sampled_from(NUMERIC),
        st.sampled_from(NUMERIC).map(lambda p: p.replace("e", "a", 1)),
        st.text(alphabet="abcdefgilmnoprstuy_.0123", min_size=1, max_size=30),
    ),
    value=st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=10)),
)
def test_random_set_overrides_never_crash(path: str, value: str) -> None:
    check_outcome(FIXTURES / "mini-baseline.yaml", (f"{path}={value}",))


@SETTINGS
@given(path=st.sampled_from(NUMERIC), value=st.integers(0, 10**6))
def test_set_agrees_with_with_values(path: str, value: int) -> None:
    """`--set` on the file and `paths.with_values` on the data address the same value."""
    base = load_scenario(FIXTURES / "mini-baseline.yaml").resolved.data
    try:
        loaded = load_scenario(FIXTURES / "mini-baseline.yaml", (f"{path}={value}",))
    except InputError:
        return  # e.g. a share set to 7: rejected, which is the point of validation
    assert loaded.resolved.data == with_values(base, {path: value})
    assert get_value(loaded.resolved.data, path) == value
