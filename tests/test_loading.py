"""Merging and overriding: `extends:` chains, `model_overrides`, `null` removal, `--set`,
and the provenance `resolve --explain` shows for every value.

Merge order under test (later wins): base model < `model_overrides` of ancestors (oldest
first) < the scenario's own `model_overrides`; scenario keys: oldest ancestor < … <
scenario file < every `--set` in command-line order.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conftest import FIXTURES
from guarantor.cli.app import app
from guarantor.errors import InputError, Origin
from guarantor.scenario.loading import is_model_file, load_model, load_scenario, resolve_scenario
from guarantor.scenario.provenance import explain_lines

MINI = FIXTURES / "mini-baseline.yaml"

PARENT = """\
name: parent
question: What does the parent ask?
model: mini-model.yaml
model_overrides:
  contributors:
    - id: france
      cost_per_soldier_year_usd: {value: 210000, source: TEST}
      capabilities:
        air_defence: {available: {value: 3, source: TEST}, unit_cost_usd_m: {value: 150, source: TEST}}
requirements:
  ground_troops: 15000
  air_defence: 3
us_air_support:
  allowed: [none, air_defence_supply]
policy:
  min_contingent: {troops: 1000, label: Battlegroup or nothing}
  europe_min_troop_share: {value: 0.8, label: Europe leads}
contributors:
  - id: canada
    stance: willing
    troop_cap: 5000
"""

CHILD = """\
extends: parent.yaml
name: child
model_overrides:
  contributors:
    - id: france
      cost_per_soldier_year_usd: {value: 220000, source: TEST}
      capabilities:
        headquarters: null
  capabilities:
    - {id: logistics, label: Logistics, unit: battalions}
requirements:
  air_defence: 4
us_air_support:
  allowed: [none]
policy:
  min_contingent: null
  europe_min_troop_share: {value: 0.9}
contributors:
  - id: canada
    troop_cap: 3000
  - id: poland
    exclude: true
"""


def line_of(text: str, snippet: str) -> int:
    """1-based line of the first line containing `snippet` (keeps expected lines readable)."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if snippet in line)


@pytest.fixture
def chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the mini model, a parent scenario and a child that extends it."""
    shutil.copy(FIXTURES / "mini-model.yaml", tmp_path / "mini-model.yaml")
    (tmp_path / "parent.yaml").write_text(PARENT)
    (tmp_path / "child.yaml").write_text(CHILD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def france(data: dict) -> dict:  # type: ignore[type-arg]
    return next(c for c in data["model"]["contributors"] if c["id"] == "france")


# --------------------------------------------------------------------------- merge rules


def test_extends_deep_merges_mappings(chain: Path) -> None:
    scenario = load_scenario("child.yaml").scenario
    assert scenario.requirements == {"ground_troops": 15000, "air_defence": 4}
    assert scenario.policy.europe_min_troop_share is not None
    assert scenario.policy.europe_min_troop_share.value == 0.9
    assert scenario.policy.europe_min_troop_share.label == "Europe leads"  # kept from the parent
    assert scenario.question == "What does the parent ask?"


def test_null_removes_an_inherited_key(chain: Path) -> None:
    assert load_scenario("parent.yaml").scenario.policy.min_contingent is not None
    assert load_scenario("child.yaml").scenario.policy.min_contingent is None


def test_named_lists_merge_by_id_and_plain_lists_are_replaced(chain: Path) -> None:
    scenario = load_scenario("child.yaml").scenario
    rules = {r.id: r for r in scenario.contributors}
    assert [r.id for r in scenario.contributors] == ["canada", "poland"]
    assert rules["canada"].troop_cap == 3000
    assert rules["canada"].stance == "willing"  # from the parent's item with the same id
    assert rules["poland"].exclude
    assert scenario.us_air_support.allowed == ["none"]


def test_model_overrides_merge_in_order(chain: Path) -> None:
    """base model < parent's model_overrides < child's model_overrides < --set."""
    model = load_scenario(FIXTURES / "mini-baseline.yaml").resolved.data
    parent = load_scenario("parent.yaml").resolved.data
    child = load_scenario("child.yaml").resolved.data
    with_set = load_scenario(
        "child.yaml", ["model.contributors.france.cost_per_soldier_year_usd.value=230000"]
    )
    costs = [france(d)["cost_per_soldier_year_usd"]["value"] for d in (model, parent, child)]
    assert costs == [200000, 210000, 220000]
    assert france(with_set.resolved.data)["cost_per_soldier_year_usd"]["value"] == 230000


def test_model_overrides_null_reaches_the_model_through_the_chain(chain: Path) -> None:
    """The child's `headquarters: null` must remove the model's offer, although the parent's
    overrides also touch france's capabilities (merging the two override layers keeps it)."""
    capabilities = france(load_scenario("child.yaml").resolved.data)["capabilities"]
    assert set(capabilities) == {"air_defence"}
    assert capabilities["air_defence"]["available"]["value"] == 3  # the parent's override


def test_model_overrides_append_new_named_items(chain: Path) -> None:
    model = load_scenario("child.yaml").scenario.model
    assert [c.id for c in model.capabilities] == ["ground_troops", "air_defence", "headquarters", "logistics"]


def test_merged_layers_are_listed(chain: Path) -> None:
    assert load_scenario("child.yaml").resolved.files == ("child.yaml", "mini-model.yaml", "parent.yaml")


def test_model_path_is_relative_to_the_file_that_names_it(chain: Path) -> None:
    """A child in another folder inherits `model:` from its parent, relative to the parent."""
    (chain / "sub").mkdir()
    (chain / "sub" / "grandchild.yaml").write_text("extends: ../child.yaml\nname: grandchild\n")
    assert load_scenario("sub/grandchild.yaml").scenario.name == "grandchild"


# --------------------------------------------------------------------------- --set


@pytest.mark.parametrize(
    ("override", "read"),
    [
        ("requirements.ground_troops=20000", lambda s: s.requirements["ground_troops"]),
        ("policy.no_us_ground_troops.value=false", lambda s: s.policy.no_us_ground_troops.value),
        ("us_air_support.allowed=[none]", lambda s: s.us_air_support.allowed),
        ("objective.type=min_us_involvement", lambda s: s.objective.type),
        ("model.contributors.france.deployable_ground_force.value=1000",
         lambda s: s.model.contributors[0].deployable_ground_force.value),
        ("model.rotation_factor={value: 2, assumption: two-rotation cycle}",
         lambda s: (s.model.rotation_factor.value, s.model.rotation_factor.assumption)),
        ("model.capabilities.air_defence.unit_size=2", lambda s: s.model.capabilities[1].unit_size),
        ("model.us_air_support_tiers.1.annual_cost_usd_m.value=300",
         lambda s: s.model.us_air_support_tiers[1].annual_cost_usd_m.value),
    ],
)  # fmt: skip
def test_set_values(override: str, read: object) -> None:
    expected = {
        "requirements.ground_troops=20000": 20000,
        "policy.no_us_ground_troops.value=false": False,
        "us_air_support.allowed=[none]": ["none"],
        "objective.type=min_us_involvement": "min_us_involvement",
        "model.contributors.france.deployable_ground_force.value=1000": 1000,
        "model.rotation_factor={value: 2, assumption: two-rotation cycle}": (2, "two-rotation cycle"),
        "model.capabilities.air_defence.unit_size=2": 2,
        "model.us_air_support_tiers.1.annual_cost_usd_m.value=300": 300,
    }[override]
    assert read(load_scenario(MINI, [override]).scenario) == expected  # type: ignore[operator]


def test_set_adds_a_scenario_rule_for_a_contributor_by_id() -> None:
    scenario = load_scenario(
        MINI, ["contributors.poland.troop_cap=0", "contributors.canada.exclude=true"]
    ).scenario
    assert [(r.id, r.troop_cap, r.exclude) for r in scenario.contributors] == [
        ("poland", 0, False),
        ("canada", None, True),
    ]


def test_set_merges_into_an_existing_rule(chain: Path) -> None:
    scenario = load_scenario("child.yaml", ["contributors.canada.troop_cap=100"]).scenario
    canada = next(r for r in scenario.contributors if r.id == "canada")
    assert (canada.troop_cap, canada.stance) == (100, "willing")


def test_set_null_removes_a_key() -> None:
    assert load_scenario(MINI, ["policy.min_contingent=null"]).scenario.policy.min_contingent is None


def test_later_set_wins() -> None:
    scenario = load_scenario(MINI, ["requirements.air_defence=4", "requirements.air_defence=5"]).scenario
    assert scenario.requirements["air_defence"] == 5


def test_set_records_its_origin() -> None:
    loaded = load_scenario(MINI, ["requirements.air_defence=4"])
    assert loaded.origin_of("requirements", "air_defence") == Origin("--set requirements.air_defence=4")
    assert loaded.origin_of("requirements", "ground_troops") == Origin(
        "tests/fixtures/mini-baseline.yaml", 5, 3
    )


def set_problems(*overrides: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_scenario(MINI, list(overrides))
    return [str(p) for p in caught.value.problems]


def test_set_unknown_paths_suggest_the_right_one() -> None:
    assert set_problems(
        "polcy.min_contingent.troops=5",
        "requirements.ground_troop=5",
        "model.contributors.frnace.stance.value=open",
        "policy.min_contingent.troop=5",
    ) == [
        "--set model.contributors.frnace.stance.value=open: model.contributors.frnace.stance.value: "
        "no item 'frnace' in model.contributors (did you mean 'france'?); "
        "known: france, united_kingdom, poland, canada, united_states",
        "--set polcy.min_contingent.troops=5: polcy: unknown key 'polcy' (did you mean 'policy'?)",
        "--set policy.min_contingent.troop=5: policy.min_contingent.troop: "
        "unknown key 'troop' (did you mean 'troops'?)",
        "--set requirements.ground_troop=5: requirements.ground_troop: unknown capability "
        "'ground_troop' (did you mean 'ground_troops'?); capabilities are listed under "
        "`capabilities:` in the model",
    ]


def test_set_malformed() -> None:
    assert set_problems(
        "name", "requirements.ground_troops.x=1", "model.contributors.france=1", "a..b=1"
    ) == [
        "--set a..b=1: a..b: expected --set key.path=value, e.g. --set policy.budget_cap.fraction=0.1",
        "--set model.contributors.france=1: model.contributors.france: cannot replace a whole list "
        "item; set one of its keys, e.g. --set model.contributors.france.<key>=value",
        "--set name: name: expected --set key.path=value",
        "--set requirements.ground_troops.x=1: requirements.ground_troops.x: requirements.ground_troops "
        "is a single value (15000), it has no key 'x'",
    ]


def test_set_wrong_value_is_validated() -> None:
    assert set_problems("policy.europe_min_troop_share.value=80", "solver.time_limit=soon") == [
        "--set policy.europe_min_troop_share.value=80: policy.europe_min_troop_share.value: "
        "expected a number <= 1, got 80 (a fraction between 0 and 1; write 0.8 for 80%)",
        "--set solver.time_limit=soon: solver.time_limit: expected a number, found text 'soon'",
    ]


# --------------------------------------------------------------------------- provenance


def test_origin_of_each_layer(chain: Path) -> None:
    loaded = load_scenario("child.yaml", ["requirements.ground_troops=16000"])
    model_text = (chain / "mini-model.yaml").read_text()
    assert loaded.origin_of("model", "contributors", "poland", "gdp_usd_bn") == Origin(
        "mini-model.yaml", line_of(model_text, "gdp_usd_bn: {value: 900"), 5
    )
    assert loaded.origin_of("policy", "europe_min_troop_share", "label") == Origin(
        "parent.yaml", line_of(PARENT, "europe_min_troop_share"), 40
    )
    assert loaded.origin_of("requirements", "air_defence") == Origin(
        "child.yaml", line_of(CHILD, "air_defence: 4"), 3
    )
    assert loaded.origin_of("model", "contributors", 0, "cost_per_soldier_year_usd", "value") == Origin(
        "child.yaml", line_of(CHILD, "cost_per_soldier_year_usd"), 35
    )
    assert loaded.origin_of("requirements", "ground_troops") == Origin(
        "--set requirements.ground_troops=16000"
    )


def test_resolve_explain_shows_file_and_line_of_every_layer(chain: Path) -> None:
    result = CliRunner().invoke(
        app, ["resolve", "child.yaml", "--explain", "--set", "requirements.ground_troops=16000"]
    )
    assert result.exit_code == 0, result.output
    lines = {line.split(" = ")[0]: line.split("  # ")[-1] for line in result.stdout.splitlines()}
    model_text = (chain / "mini-model.yaml").read_text()
    assert lines["model.contributors.poland.gdp_usd_bn.value"] == (
        f"mini-model.yaml:{line_of(model_text, 'gdp_usd_bn: {value: 900')}:18"
    )
    assert lines["question"] == f"parent.yaml:{line_of(PARENT, 'question')}:1"
    assert lines["requirements.air_defence"] == f"child.yaml:{line_of(CHILD, 'air_defence: 4')}:3"
    assert lines["contributors.canada.stance"] == f"parent.yaml:{line_of(PARENT, 'stance: willing')}:5"
    assert lines["contributors.canada.troop_cap"] == f"child.yaml:{line_of(CHILD, 'troop_cap: 3000')}:5"
    assert lines["requirements.ground_troops"] == "--set requirements.ground_troops=16000"


def test_explain_paths_are_valid_set_paths(chain: Path) -> None:
    """Every path `--explain` prints can be pasted into `--set` (and is found there)."""
    resolved = resolve_scenario("child.yaml")
    for line in explain_lines(resolved):
        path, _, rest = line.partition(" = ")
        if path.startswith("model.contributors.france.cost_per_soldier_year_usd.value"):
            value = rest.split("  # ")[0]
            again = resolve_scenario("child.yaml", [f"{path}={value}"])
            assert again.data == resolved.data


def test_resolve_prints_yaml_of_the_merged_scenario(chain: Path) -> None:
    result = CliRunner().invoke(app, ["resolve", "child.yaml"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == resolve_scenario("child.yaml").data


# --------------------------------------------------------------------------- model files


def test_model_files_are_told_from_scenarios() -> None:
    assert is_model_file(FIXTURES / "mini-model.yaml")
    assert not is_model_file(MINI)


def test_load_model_on_its_own() -> None:
    model, resolved = load_model(FIXTURES / "mini-model.yaml")
    assert [c.id for c in model.contributors][:2] == ["france", "united_kingdom"]
    assert resolved.files == ("tests/fixtures/mini-model.yaml",)


def test_scenario_named_as_model_is_explained(chain: Path) -> None:
    (chain / "wrong.yaml").write_text("name: w\nquestion: q\nmodel: parent.yaml\nrequirements: {}\n")
    with pytest.raises(InputError) as caught:
        load_scenario("wrong.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "wrong.yaml:3:1: model: parent.yaml is a scenario, not a model file; "
        "build on it with `extends: parent.yaml` instead"
    ]
