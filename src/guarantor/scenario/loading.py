"""Load and merge scenarios: `extends:` chains, the base model, `model_overrides`, `--set`.

Merge order (later wins): the base model file, then `model_overrides` from the
oldest ancestor scenario to the scenario itself; for scenario keys, the oldest
ancestor first, then each `extends:` child, then the scenario file, then every
`--set` in command-line order (a `--set model.…` path changes the merged model).

Merge rules: mappings merge key by key; lists of mappings with an `id` merge item by
item (matching ids merge, new ids are appended); any other value is replaced; a `null`
removes the key it names.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from guarantor.errors import InputError, Origin, Problem
from guarantor.gcpause import gc_paused
from guarantor.scenario.checks import check_model, check_scenario
from guarantor.scenario.resolved import Resolved
from guarantor.scenario.schema import Model, Scenario
from guarantor.scenario.validation import can_add_named_item, problems_from_validation
from guarantor.scenario.yamlio import (
    Key,
    Node,
    _node_from_plain,
    describe,
    is_file,
    merge,
    named_path,
    read_yaml,
    relative_name,
    set_path,
    shown,
    suggest,
)


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario plus the provenance needed to trace numbers to YAML lines."""

    scenario: Scenario
    resolved: Resolved
    path: str
    overrides: tuple[str, ...] = ()
    """The `--set key=value` overrides applied, in order (reports list them at the top)."""

    def origin_of(self, *path: Key) -> Origin:
        return self.resolved.origin_of(tuple(path))


def _scenario_layers(path: Path, stack: tuple[Path, ...]) -> Node:
    """The scenario file merged onto its `extends:` ancestors (model not yet loaded).

    `model_overrides` of the layers are merged keeping `null`s, so that a `null` in a child's
    overrides still removes the key from the *model*, not just from the parent's overrides.
    """
    resolved_path = path.resolve()
    node = read_yaml(path)
    extends = node.value.get("extends")
    if extends is None or extends.value is None:
        return node
    if not isinstance(extends.value, str) or not extends.value.strip():
        raise InputError(
            [
                Problem(
                    extends.origin,
                    "extends",
                    f"expected the path of another scenario file (e.g. baseline.yaml), found "
                    f"{describe(extends.value)}",
                )
            ]
        )
    parent_path = path.parent / extends.value
    if not is_file(parent_path):
        nearby = _yaml_names(parent_path.parent)
        raise InputError(
            [
                Problem(
                    extends.origin,
                    "extends",
                    f"scenario file not found: {shown(extends.value)} "
                    f"(looked in {relative_name(path.parent)}/)"
                    f"{suggest(Path(extends.value).name, nearby)}",
                )
            ]
        )
    chain = (*stack, resolved_path)
    if parent_path.resolve() in chain:
        shown_chain = " -> ".join(relative_name(p) for p in (*chain, parent_path.resolve()))
        raise InputError(
            [
                Problem(
                    extends.origin,
                    "extends",
                    f"cycle in extends: {shown_chain}; a scenario cannot build on itself or its children",
                )
            ]
        )
    parent = _scenario_layers(parent_path, chain)
    parent_overrides = parent.value.pop("model_overrides", None)
    child_overrides = node.value.pop("model_overrides", None)
    merged = merge(parent, node)
    overrides = [o for o in (parent_overrides, child_overrides) if o is not None and o.value is not None]
    if child_overrides is not None and child_overrides.value is None:
        overrides = []  # `model_overrides: null` drops the inherited overrides
    if len(overrides) == 2 and not (
        isinstance(overrides[0].value, dict) and isinstance(overrides[1].value, dict)
    ):
        overrides = overrides[1:]
    if overrides:
        merged.value["model_overrides"] = (
            merge(overrides[0], overrides[1], keep_nulls=True) if len(overrides) == 2 else overrides[0]
        )
    return merged


def _yaml_names(folder: Path) -> list[str]:
    """YAML files next to a missing one, for 'did you mean'."""
    try:
        return sorted(p.name for p in folder.glob("*.y*ml"))
    except OSError:
        return []


def _load_model_node(model_ref: Node, path: Path) -> tuple[Node, str | None]:
    """The base model named by a scenario's `model:` (a path, or inline data)."""
    if isinstance(model_ref.value, dict):
        return model_ref, None
    if not isinstance(model_ref.value, str) or not model_ref.value.strip():
        raise InputError(
            [
                Problem(
                    model_ref.origin,
                    "model",
                    f"expected the path of a model file (e.g. ../models/coalition-2025.yaml), found "
                    f"{describe(model_ref.value)}",
                )
            ]
        )
    # a path is relative to the file that wrote it (an ancestor scenario may have set it)
    scenario_dir = Path(model_ref.origin.file).parent if model_ref.origin.file else path.parent
    model_path = _locate(model_ref.value, scenario_dir, path.parent)
    if model_path is None:
        nearby = _yaml_names((scenario_dir / model_ref.value).parent)
        raise InputError(
            [
                Problem(
                    model_ref.origin,
                    "model",
                    f"model file not found: {shown(model_ref.value)} (paths are relative to "
                    f"{relative_name(scenario_dir)}/){suggest(Path(model_ref.value).name, nearby)}",
                )
            ]
        )
    model_node = read_yaml(model_path)
    if "model" in model_node.value or "extends" in model_node.value:
        raise InputError(
            [
                Problem(
                    model_ref.origin,
                    "model",
                    f"{model_ref.value} is a scenario, not a model file; build on it with "
                    f"`extends: {model_ref.value}` instead",
                )
            ]
        )
    model_node.value.pop("$schema", None)
    return model_node, model_node.origin.file


def resolve_scenario(path: Path | str, overrides: list[str] | tuple[str, ...] = ()) -> Resolved:
    """Merge a scenario with its ancestors, base model, model overrides and `--set` values."""
    resolved, problems = _resolve(Path(path), overrides)
    if problems:
        raise InputError(problems)
    return resolved


def _resolve(path: Path, overrides: list[str] | tuple[str, ...]) -> tuple[Resolved, list[Problem]]:
    """The merged scenario, and the `--set` values that could not be applied."""
    root = _scenario_layers(path, ())
    files = {root.origin.file, *(layer.file for layer in root.layers)}
    model_ref = root.value.get("model")
    if model_ref is None or model_ref.value is None:
        raise InputError(
            [
                Problem(
                    root.origin,
                    "model",
                    "missing required key: add `model:` with the base model file, e.g. "
                    "model: ../models/coalition-2025.yaml (or `extends:` a scenario that has one)",
                )
            ]
        )
    model_node, model_file = _load_model_node(model_ref, path)
    if model_file is not None:
        files.add(model_file)
    model_overrides = root.value.pop("model_overrides", None)
    if model_overrides is not None and model_overrides.value is not None:
        if not isinstance(model_overrides.value, dict):
            raise InputError(
                [
                    Problem(
                        model_overrides.origin,
                        "model_overrides",
                        "expected a mapping of model keys to change, found "
                        f"{describe(model_overrides.value)}",
                    )
                ]
            )
        model_node = merge(model_node, model_overrides)
    root.value["model"] = model_node
    root.value.pop("$schema", None)
    return Resolved(root, tuple(sorted(files))), _apply_sets(root, overrides)


def _apply_sets(root: Node, overrides: Iterable[str]) -> list[Problem]:
    """Apply `--set key.path=value` overrides in order; return those that could not be applied."""
    from guarantor.scenario.quoted import refresh_quoted, value_at

    problems: list[Problem] = []
    for text in overrides:
        key, sep, raw = text.partition("=")
        origin = Origin(f"--set {text}")
        if not sep:
            problems.append(Problem(origin, key, "expected --set key.path=value"))
            continue
        before = value_at(root, key.strip())
        try:
            set_path(root, key.strip(), raw.strip(), origin, _can_add_item)
        except InputError as error:
            problems.extend(error.problems)
        else:
            refresh_quoted(root, key.strip(), before, origin)  # "(at least 75%)" follows the value
    return problems


def load_variant(
    base: LoadedScenario, overrides: Iterable[str], model_checked: bool | None = None
) -> LoadedScenario:
    """`base` with `--set` overrides, validated exactly as `load_scenario` would, without re-reading files.

    Only the branches the overrides touch are copied (the base tree is shared and never changed),
    so a variant costs a validation, not a file read: the live web app validates every control this way.
    The model's own checks depend on the model alone; they are skipped when the overrides leave it
    as the base has it, or when the caller says (`model_checked`) this very model passed them.
    """
    overrides = list(overrides)
    paths = [text.partition("=")[0].strip() for text in overrides]
    root = _copy_along(base.resolved.root, paths)
    problems = _apply_sets(root, overrides)
    resolved = Resolved(root, base.resolved.files)
    same_model = not any(p == "model" or p.startswith("model.") for p in paths) or bool(model_checked)
    scenario = _validate(
        resolved, Scenario, lambda data: check_scenario(data, resolved, same_model), problems
    )
    return LoadedScenario(scenario, resolved, base.path)


def _copy_along(root: Node, paths: list[str]) -> Node:
    """A copy of `root` in which every node on the given key paths is a fresh copy."""
    top = Node(dict(root.value), root.origin, root.layers)
    for dotted in paths:
        node = top
        for part in (p.strip() for p in dotted.split(".")):
            if isinstance(node.value, dict) and part in node.value:
                index: Any = part
            elif isinstance(node.value, list):
                items = node.value
                index = next((i for i, it in enumerate(items) if _item_id(it) == part), None)
                if index is None and part.isdigit() and int(part) < len(items):
                    index = int(part)
                if index is None:
                    break
            else:
                break
            child = node.value[index]
            if isinstance(child.value, dict | list):
                child = Node(copy.copy(child.value), child.origin, child.layers)
                node.value[index] = child
            node = child
    return top


def _item_id(item: Node) -> str | None:
    if isinstance(item.value, dict) and "id" in item.value:
        return str(item.value["id"].value)
    return None


def _can_add_item(path: tuple[str, ...]) -> bool:
    return can_add_named_item(Scenario, path)


def _locate(ref: str, *folders: Path) -> Path | None:
    for folder in folders:
        candidate = folder / ref
        if is_file(candidate):
            return candidate
    return None


def load_scenario(path: Path | str, overrides: list[str] | tuple[str, ...] = ()) -> LoadedScenario:
    """Resolve and validate a scenario; raise `InputError` listing every problem at once."""
    with gc_paused():  # millions of long-lived objects at scale (`gcpause`)
        resolved, set_problems = _resolve(Path(path), overrides)
        scenario = _validate(resolved, Scenario, lambda data: check_scenario(data, resolved), set_problems)
    return LoadedScenario(scenario, resolved, relative_name(Path(path)), tuple(overrides))


def load_model(path: Path | str) -> tuple[Model, Resolved]:
    """Read and validate a base-model file on its own."""
    node = read_yaml(Path(path))
    node.value.pop("$schema", None)
    resolved = Resolved(node, (node.origin.file,))
    model = _validate(resolved, Model, lambda data: check_model(data, resolved, ("",)))
    return model, resolved


def _validate[T: (Scenario, Model)](
    resolved: Resolved,
    schema: type[T],
    cross_checks: Callable[[dict[str, Any]], list[Problem]],
    earlier: list[Problem] | None = None,
) -> T:
    """Schema validation and cross-reference checks together, so one run reports every problem."""
    data = resolved.data
    problems: list[Problem] = cross_checks(data)
    try:
        result = schema.model_validate(data)
    except ValidationError as err:
        problems = _one_per_mistake(problems_from_validation(err, resolved, schema), problems)
    except (RecursionError, OverflowError, ValueError, TypeError) as err:  # last resort, never seen
        problems.append(Problem(resolved.root.origin, "", f"cannot validate this file: {err}"))
    problems = [*(earlier or []), *problems]
    if problems:
        raise InputError(problems)
    return result


def _one_per_mistake(schema_problems: list[Problem], cross_problems: list[Problem]) -> list[Problem]:
    """Merge the two kinds of problems so that one mistake gives one message.

    Where both flag the same key the schema's message wins; schema problems *inside* a key
    the cross-checks already reject (an unknown capability whose entry is also malformed)
    are noise and are dropped.
    """
    seen = {(p.origin, p.key_path) for p in schema_problems}
    cross = [p for p in cross_problems if (p.origin, p.key_path) not in seen]
    rejected = tuple(f"{p.key_path}." for p in cross if p.key_path)
    kept = (
        [p for p in schema_problems if not p.key_path.startswith(rejected)] if rejected else schema_problems
    )
    return kept + cross


def is_model_file(path: Path) -> bool:
    """Tell model files from scenario files: scenarios name a `model:` or `extends:` another."""
    node = read_yaml(path)
    return "model" not in node.value and "extends" not in node.value


__all__ = [
    "LoadedScenario",
    "Resolved",
    "is_model_file",
    "load_model",
    "load_scenario",
    "load_variant",
    "named_path",
    "resolve_scenario",
]


def load_data(data: dict[str, Any], name: str = "<data>") -> LoadedScenario:
    """Validate a scenario given as a Python dict (model embedded under `model`), e.g. in a notebook.

    Errors point at `<data>` instead of a file line.
    """
    resolved = Resolved(_node_from_plain(data, Origin(name)), (name,))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        raise InputError(problems_from_validation(err, resolved, Scenario)) from None
    problems = check_scenario(scenario, resolved)
    if problems:
        raise InputError(problems)
    return LoadedScenario(scenario, resolved, name)
