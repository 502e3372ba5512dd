"""The corpus of broken files: every mistake is caught, located and explained, all at once.

Each file in `tests/broken/` ends with `# expect:` comment lines (comments at the end so
they shift no line numbers), one per problem the loader must report, in the loader's
order: `line:column: key.path: message` for problems in the file itself, or a full
`file:line:column: …` for problems located in another file. The test compares the whole
list, so it also proves that every problem in a file is reported in one run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from guarantor.cli.app import app
from guarantor.errors import InputError, Problem
from guarantor.scenario.jsonschema import schema_texts
from guarantor.scenario.keyref import REGENERATE, reference
from guarantor.scenario.loading import is_model_file, load_model, load_scenario

BROKEN = ROOT / "tests" / "broken"
CORPUS = sorted(BROKEN.glob("*.yaml"))
SHIPPED = sorted((ROOT / "models").glob("*.yaml")) + sorted((ROOT / "scenarios").glob("*.yaml"))


def expected_problems(path: Path) -> list[str]:
    """The `# expect:` lines of a corpus file, with the file name filled in."""
    name = str(path.relative_to(ROOT))
    found = []
    for line in path.read_bytes().decode("utf-8", "replace").splitlines():
        if line.startswith("# expect: "):
            text = line.removeprefix("# expect: ")
            found.append(f"{name}:{text}" if text[:1].isdigit() else text)
    return found


def problems_of(path: Path) -> list[Problem]:
    """Load a corpus file the way `guarantor validate` does and return what it reports."""
    relative = path.relative_to(ROOT)
    with pytest.raises(InputError) as caught:
        if is_model_file(relative):
            load_model(relative)
        else:
            load_scenario(relative)
    return caught.value.problems


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_broken_file_reports_exact_problems(path: Path) -> None:
    expected = expected_problems(path)
    assert expected, f"{path.name} has no `# expect:` lines"
    assert [str(p) for p in problems_of(path)] == expected


def test_corpus_covers_the_required_mistakes() -> None:
    """The issue's list of mistakes, each with its own file in the corpus."""
    required = {
        "bad_indentation",
        "typo_key",
        "wrong_type",
        "negative_cost",
        "share_out_of_range",
        "unknown_country",
        "cycle_a",
        "missing_model",
        "empty",
        "binary",
        "plain_text",
        "duplicate_key",
        "unknown_tier",
        "unknown_capability",
        "per_period_without_horizon",
        "unknown_source",
        "missing_provenance",
        "tab_indentation",
    }
    assert required <= {p.stem for p in CORPUS}


def test_every_problem_has_a_location() -> None:
    for path in CORPUS:
        for problem in problems_of(path):
            assert problem.origin.file, problem
            assert problem.origin.line > 0 and problem.origin.column > 0, problem


def test_three_mistakes_give_three_problems() -> None:
    problems = problems_of(BROKEN / "typo_key.yaml")
    assert [(p.origin.line, p.key_path) for p in problems] == [
        (4, "polcy"),
        (7, "objective.typ"),
        (10, "solver.time_limt"),
    ]


def test_schema_and_cross_reference_problems_come_together(tmp_path: Path) -> None:
    """A typo'd key does not hide an unknown country elsewhere in the same file."""
    scenario = tmp_path / "mixed.yaml"
    scenario.write_text(
        f"extends: {ROOT / 'tests/fixtures/mini-baseline.yaml'}\n"
        "polcy: {}\n"
        "contributors:\n"
        "  - id: frnace\n"
        "requirements:\n"
        "  air_defense: 2\n"
    )
    with pytest.raises(InputError) as caught:
        load_scenario(scenario)
    assert [(p.origin.line, p.key_path) for p in caught.value.problems] == [
        (2, "polcy"),
        (4, "contributors.frnace.id"),
        (6, "requirements.air_defense"),
    ]


# --------------------------------------------------------------------------- the command line

runner = CliRunner()


def test_validate_cli_reports_every_file_on_stderr_with_exit_code_2() -> None:
    paths = [str(p.relative_to(ROOT)) for p in CORPUS]
    result = runner.invoke(app, ["validate", *paths])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    expected = [line for p in CORPUS for line in expected_problems(p)]
    errors = [
        line.removeprefix("error: ") for line in result.stderr.splitlines() if line.startswith("error: ")
    ]
    assert sorted(errors) == sorted(expected)
    assert result.stderr.splitlines()[-1] == f"{len(expected)} problem(s) found."
    assert result.stdout == ""


def test_validate_cli_runs_as_a_process_without_traceback() -> None:
    """The console-script entry point in a real process: exit code 2, one line per problem."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from guarantor.cli.app import main; main()",
            "validate",
            "tests/broken/wrong_type.yaml",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        *(f"error: {line}" for line in expected_problems(BROKEN / "wrong_type.yaml")),
        "5 problem(s) found.",
    ]


def test_validate_cli_missing_file() -> None:
    result = runner.invoke(app, ["validate", "tests/broken/no-such-file.yaml"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: tests/broken/no-such-file.yaml: file not found"


def test_validate_cli_bad_set_is_reported_like_a_file_problem() -> None:
    result = runner.invoke(
        app, ["validate", "tests/fixtures/mini-baseline.yaml", "--set", "policy.min_contingent.troop=5"]
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "error: --set policy.min_contingent.troop=5: policy.min_contingent.troop: "
        "unknown key 'troop' (did you mean 'troops'?)"
    )


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_shipped_file_validates(path: Path) -> None:
    relative = str(path.relative_to(ROOT))
    result = runner.invoke(app, ["validate", relative])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"ok: {relative}\n"


def test_shipped_files_exist() -> None:
    assert any(p.parent.name == "models" for p in SHIPPED)
    assert any(p.parent.name == "scenarios" for p in SHIPPED)


# --------------------------------------------------------------------------- editor support


def test_json_schemas_in_repo_are_up_to_date() -> None:
    for name, text in schema_texts().items():
        path = ROOT / "schema" / name
        assert path.exists(), f"schema/{name} missing: run `guarantor schema --out schema`"
        assert path.read_text() == text, f"schema/{name} is stale: run `guarantor schema --out schema`"


def test_schema_command_writes_both_schemas(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for name, text in schema_texts().items():
        assert (tmp_path / "out" / name).read_text() == text


def test_shipped_files_point_editors_at_the_schema() -> None:
    for path in SHIPPED:
        kind = "model" if path.parent.name == "models" else "scenario"
        first = path.read_text().splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schema/{kind}.schema.json", path


def test_shipped_files_satisfy_the_json_schema() -> None:
    """What editors check must agree with what the loader accepts (no false red squiggles)."""
    jsonschema = pytest.importorskip("jsonschema")
    import json

    import yaml

    for path in SHIPPED:
        kind = "model" if path.parent.name == "models" else "scenario"
        schema = json.loads((ROOT / "schema" / f"{kind}.schema.json").read_text())
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)


def test_key_reference_is_up_to_date() -> None:
    path = ROOT / "docs" / "yaml-reference.md"
    assert path.exists() and path.read_text() == reference(), (
        f"docs/yaml-reference.md is stale: run `{REGENERATE}`"
    )


def test_key_reference_lists_every_field() -> None:
    """Every field of every schema class appears as the last part of some documented key."""
    from pydantic import BaseModel

    from guarantor.scenario import schema

    text = reference()
    for cls in vars(schema).values():
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls.__module__ == schema.__name__:
            for name, info in cls.model_fields.items():
                key = info.alias or name
                if key == "$schema":
                    continue
                assert f"{key}` |" in text or f".{key}`" in text, f"{cls.__name__}.{key} missing"


# --------------------------------------------------------------------------- the README tour

README = ROOT / "README.md"


def readme_blocks(language: str) -> list[str]:
    """Code blocks of one language in the README's scenario-language section."""
    import re

    text = README.read_text()
    section = text[text.index("<!-- BEGIN yaml -->") : text.index("<!-- END yaml -->")]
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.DOTALL)


@pytest.fixture
def tour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped model and baseline, with the README's example beside them."""
    shutil.copytree(ROOT / "models", tmp_path / "models")
    (tmp_path / "scenarios").mkdir()
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", tmp_path / "scenarios" / "baseline.yaml")
    (tmp_path / "scenarios" / "no_german_troops.yaml").write_text(readme_blocks("yaml")[0])
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_readme_example_validates(tour: Path) -> None:
    result = runner.invoke(app, ["validate", "scenarios/no_german_troops.yaml"])
    assert result.exit_code == 0, result.output
    scenario = load_scenario("scenarios/no_german_troops.yaml").scenario
    assert scenario.us_air_support.allowed == ["none", "air_defence_supply", "isr_enablers"]
    assert [(r.id, r.troop_cap) for r in scenario.contributors if r.id == "germany"] == [("germany", 0)]


def test_readme_error_output_is_real(tour: Path) -> None:
    example = tour / "scenarios" / "no_german_troops.yaml"
    text = example.read_text()
    for right, wrong in (
        ("us_air_support:", "us_air_suport:"),
        ("id: germany", "id: germny"),
        ("troop_cap: 0", "troop_cap: none"),
    ):
        text = text.replace(right, wrong)
    example.write_text(text)
    console = readme_blocks("console")[0].splitlines()
    result = runner.invoke(app, console[0].removeprefix("$ guarantor ").split())
    assert result.exit_code == 2
    assert result.stderr.splitlines() == console[1:]


def test_readme_explain_output_is_real(tour: Path) -> None:
    console = readme_blocks("console")[1].splitlines()
    result = runner.invoke(app, console[0].removeprefix("$ guarantor ").split())
    assert result.exit_code == 0, result.output
    shown = [line for line in console[1:] if line != "…"]
    assert set(shown) <= set(result.stdout.splitlines())


def test_readme_set_example_is_valid(tour: Path) -> None:
    import shlex

    command = readme_blocks("bash")[0].replace("\\\n", " ")
    words = shlex.split(command)
    assert words[:2] == ["guarantor", "solve"]
    result = runner.invoke(app, ["validate", *words[2:]])
    assert result.exit_code == 0, result.output
