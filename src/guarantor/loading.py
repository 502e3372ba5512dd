"""Load and merge scenarios: `extends:` chains, the base model, `model_overrides`, `--set`.

Merge order (later wins): the base model file, then `model_overrides` from the
oldest ancestor scenario to the scenario itself; for scenario keys, the oldest
ancestor first, then each `extends:` child, then the scenario file, then every
`--set` in command-line order.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from guarantor.checks import check_model, check_scenario
from guarantor.errors import InputError, Origin, Problem
from guarantor.schema import Model, Scenario
from guarantor.validation import problems_from_validation
from guarantor.yamlio import Key, Node, merge, named_path, read_yaml, relative_name, set_path, strip


@dataclass(frozen=True)
class Resolved:
    """A fully merged document and where each of its values came from."""

    root: Node
    files: tuple[str, ...]

    @property
    def data(self) -> dict[str, Any]:
        return strip(self.root)  # type: ignore[no-any-return]

    def origin_of(self, path: tuple[Key, ...]) -> Origin:
        """Origin of the value at `path` (list items by position or id), or its nearest ancestor."""
        node = self.root
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            node = child
        return node.origin

    def sha256(self) -> str:
        """Hash of the merged inputs, for the run manifest."""
        text = json.dumps(self.data, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario plus the provenance needed to trace numbers to YAML lines."""

    scenario: Scenario
    resolved: Resolved
    path: str

    def origin_of(self, *path: Key) -> Origin:
        return self.resolved.origin_of(tuple(path))


def _child(node: Node, part: Key) -> Node | None:
    if isinstance(node.value, dict):
        return node.value.get(part)  # type: ignore[no-any-return]
    if isinstance(node.value, list):
        if isinstance(part, int):
            return node.value[part] if 0 <= part < len(node.value) else None
        for item in node.value:
            if isinstance(item.value, dict) and "id" in item.value and item.value["id"].value == part:
                return item  # type: ignore[no-any-return]
    return None


def _scenario_layers(path: Path, stack: tuple[Path, ...]) -> Node:
    """The scenario file merged onto its `extends:` ancestors (model not yet loaded)."""
    resolved_path = path.resolve()
    if resolved_path in stack:
        chain = " -> ".join(relative_name(p) for p in (*stack, resolved_path))
        raise InputError(
            [Problem(Origin(relative_name(path), 1, 1), "extends", f"cycle in extends: {chain}")]
        )
    node = read_yaml(path)
    extends = node.value.get("extends")
    if extends is None:
        return node
    if not isinstance(extends.value, str):
        raise InputError([Problem(extends.origin, "extends", "expected a path to another scenario file")])
    parent_path = path.parent / extends.value
    if not parent_path.exists():
        raise InputError([Problem(extends.origin, "extends", f"scenario file not found: {extends.value}")])
    parent = _scenario_layers(parent_path, (*stack, resolved_path))
    return merge(parent, node)


def resolve_scenario(path: Path | str, overrides: list[str] | tuple[str, ...] = ()) -> Resolved:
    """Merge a scenario with its ancestors, base model, model overrides and `--set` values."""
    path = Path(path)
    root = _scenario_layers(path, ())
    files = {root.origin.file, *(layer.file for layer in root.layers)}
    model_ref = root.value.get("model")
    if model_ref is None:
        raise InputError(
            [
                Problem(
                    root.origin,
                    "model",
                    "missing key: name the base model file, e.g. model: ../models/coalition-2025.yaml",
                )
            ]
        )
    if isinstance(model_ref.value, str):
        scenario_dir = Path(model_ref.origin.file).parent if model_ref.origin.file else path.parent
        model_path = _locate(model_ref.value, scenario_dir, path.parent)
        if model_path is None:
            raise InputError([Problem(model_ref.origin, "model", f"model file not found: {model_ref.value}")])
        model_node = read_yaml(model_path)
        files.add(model_node.origin.file)
        model_node.value.pop("$schema", None)
    elif isinstance(model_ref.value, dict):
        model_node = model_ref
    else:
        raise InputError([Problem(model_ref.origin, "model", "expected a path to a model file")])
    model_overrides = root.value.pop("model_overrides", None)
    if model_overrides is not None:
        model_node = merge(model_node, model_overrides)
    root.value["model"] = model_node
    root.value.pop("$schema", None)
    for text in overrides:
        key, sep, raw = text.partition("=")
        origin = Origin(f"--set {text}")
        if not sep:
            raise InputError([Problem(origin, key, "expected --set key.path=value")])
        set_path(root, key.strip(), raw.strip(), origin)
    return Resolved(root, tuple(sorted(files)))


def _locate(ref: str, *folders: Path) -> Path | None:
    for folder in folders:
        candidate = folder / ref
        if candidate.exists():
            return candidate
    return None


def load_scenario(path: Path | str, overrides: list[str] | tuple[str, ...] = ()) -> LoadedScenario:
    """Resolve and validate a scenario; raise `InputError` listing every problem at once."""
    resolved = resolve_scenario(path, overrides)
    scenario = _validate(resolved, Scenario)
    problems = check_scenario(scenario, resolved)
    if problems:
        raise InputError(problems)
    return LoadedScenario(scenario, resolved, relative_name(Path(path)))


def load_model(path: Path | str) -> tuple[Model, Resolved]:
    """Read and validate a base-model file on its own."""
    node = read_yaml(Path(path))
    node.value.pop("$schema", None)
    resolved = Resolved(node, (node.origin.file,))
    model = _validate(resolved, Model)
    problems = check_model(model, resolved, ("",))
    if problems:
        raise InputError(problems)
    return model, resolved


def _validate[T: (Scenario, Model)](resolved: Resolved, schema: type[T]) -> T:
    try:
        return schema.model_validate(resolved.data)
    except ValidationError as err:
        raise InputError(problems_from_validation(err, resolved, schema)) from None


def is_model_file(path: Path) -> bool:
    """Tell model files from scenario files: scenarios name a `model:`."""
    node = read_yaml(path)
    return "model" not in node.value and "extends" not in node.value


__all__ = [
    "LoadedScenario",
    "Resolved",
    "is_model_file",
    "load_model",
    "load_scenario",
    "named_path",
    "resolve_scenario",
]
