"""Safe YAML reading that remembers where every key came from.

Values are read into an annotated tree (`Node`) so that merges, `--set`
overrides and validation errors can all point at a file, line and column.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from guarantor.errors import InputError, Origin, Problem

Key = str | int


@dataclass
class Node:
    """A YAML value (dict of Node, list of Node, or scalar) and where it was set."""

    value: Any
    origin: Origin
    layers: list[Origin] = field(default_factory=list)


def display_path(path: tuple[Key, ...]) -> str:
    """Render a key path the way `--set` accepts it (named list items by id)."""
    return ".".join(str(part) for part in path)


def suggest(word: str, choices: list[str] | set[str]) -> str:
    """A 'did you mean' hint for near-miss names, or an empty string."""
    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def relative_name(path: Path) -> str:
    """Paths in messages and reports relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class _Reader(yaml.SafeLoader):
    """SafeLoader that only composes nodes; construction is done by `_to_node`."""


def _to_node(node: yaml.Node, file: str, problems: list[Problem], path: tuple[Key, ...]) -> Node:
    origin = Origin(file, node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key_origin = Origin(file, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(key_origin, display_path(path), "keys must be plain names"))
                continue
            key = str(_Reader.construct_scalar(_Reader(""), key_node))
            if key == "<<":
                problems.append(
                    Problem(
                        key_origin, display_path(path), "YAML merge keys are not supported; use `extends:`"
                    )
                )
                continue
            if key in result:
                problems.append(
                    Problem(
                        key_origin,
                        display_path((*path, key)),
                        f"duplicate key (first set on line {result[key].origin.line})",
                    )
                )
                continue
            child = _to_node(value_node, file, problems, (*path, key))
            result[key] = Node(child.value, key_origin)
        return Node(result, origin)
    if isinstance(node, yaml.SequenceNode):
        items = [_to_node(item, file, problems, (*path, i)) for i, item in enumerate(node.value)]
        return Node(items, origin)
    loader = _Reader("")
    return Node(loader.construct_object(node, deep=True), origin)


def read_yaml(path: Path) -> Node:
    """Read one YAML file safely into an annotated tree; every problem raises `InputError`."""
    name = relative_name(path)
    if not path.exists():
        raise InputError([Problem(Origin(name), "", "file not found")])
    if path.is_dir():
        raise InputError([Problem(Origin(name), "", "is a folder, expected a YAML file")])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError([Problem(Origin(name), "", "not a text file (expected UTF-8 YAML)")]) from None
    try:
        documents = list(yaml.compose_all(text, Loader=_Reader))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        origin = Origin(name, mark.line + 1, mark.column + 1) if mark else Origin(name)
        what = err.problem or "invalid YAML"
        hint = " (check the indentation: use spaces, and align keys of the same block)"
        raise InputError([Problem(origin, "", f"YAML syntax error: {what}{hint}")]) from None
    except yaml.YAMLError as err:
        raise InputError([Problem(Origin(name), "", f"not valid YAML: {err}")]) from None
    documents = [d for d in documents if d is not None]
    if not documents:
        raise InputError([Problem(Origin(name, 1, 1), "", "file is empty: expected a YAML mapping")])
    if len(documents) > 1:
        raise InputError([Problem(Origin(name, 1, 1), "", "expected one YAML document, found several")])
    problems: list[Problem] = []
    try:
        root = _to_node(documents[0], name, problems, ())
    except yaml.constructor.ConstructorError as err:
        mark = err.problem_mark
        origin = Origin(name, mark.line + 1, mark.column + 1) if mark else Origin(name)
        raise InputError([Problem(origin, "", f"unsupported YAML value: {err.problem}")]) from None
    if problems:
        raise InputError(problems)
    if not isinstance(root.value, dict):
        kind = type(root.value).__name__
        raise InputError([Problem(root.origin, "", f"expected a mapping of keys at the top, found {kind}")])
    return root


def is_named_list(value: Any) -> bool:
    """Lists whose items are mappings with an `id` merge by id."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item.value, dict) and "id" in item.value for item in value)
    )


def item_id(item: Node) -> Any:
    return item.value["id"].value


def merge(base: Node, override: Node) -> Node:
    """Deep-merge `override` onto `base` (mappings by key, named lists by id, else replace).

    A `null` value in the override removes the key, so a scenario can drop a rule it inherited.
    """
    if isinstance(base.value, dict) and isinstance(override.value, dict):
        merged = dict(base.value)
        for key, child in override.value.items():
            if child.value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = merge(merged[key], child)
            else:
                merged[key] = child
        return Node(merged, override.origin, [*base.layers, base.origin])
    if is_named_list(base.value) and is_named_list(override.value):
        items = list(base.value)
        index = {item_id(item): i for i, item in enumerate(items)}
        for child in override.value:
            key = item_id(child)
            if key in index:
                items[index[key]] = merge(items[index[key]], child)
            else:
                index[key] = len(items)
                items.append(child)
        return Node(items, override.origin, [*base.layers, base.origin])
    return Node(override.value, override.origin, [*base.layers, base.origin])


def strip(node: Node) -> Any:
    """Plain Python data from an annotated tree."""
    if isinstance(node.value, dict):
        return {key: strip(child) for key, child in node.value.items()}
    if isinstance(node.value, list):
        return [strip(child) for child in node.value]
    return node.value


def origins(node: Node, path: tuple[Key, ...] = ()) -> dict[tuple[Key, ...], Node]:
    """Every key path (list items by position) mapped to its node, for error locations."""
    found = {path: node}
    if isinstance(node.value, dict):
        for key, child in node.value.items():
            found.update(origins(child, (*path, key)))
    elif isinstance(node.value, list):
        for i, child in enumerate(node.value):
            found.update(origins(child, (*path, i)))
    return found


def named_path(root: Node, path: tuple[Key, ...]) -> tuple[Key, ...]:
    """Replace list positions by item ids where items are named (for messages)."""
    result: list[Key] = []
    node: Node | None = root
    for part in path:
        if node is not None and isinstance(node.value, list) and isinstance(part, int):
            items = node.value
            if 0 <= part < len(items) and isinstance(items[part].value, dict) and "id" in items[part].value:
                result.append(str(item_id(items[part])))
            else:
                result.append(part)
            node = items[part] if 0 <= part < len(items) else None
        else:
            result.append(part)
            node = node.value.get(part) if node is not None and isinstance(node.value, dict) else None
    return tuple(result)


def set_path(root: Node, dotted: str, raw_value: str, origin: Origin) -> None:
    """Apply one `--set key.path=value` override; named list items are addressed by id."""
    parts = dotted.split(".")
    if not dotted or any(not p for p in parts):
        raise InputError([Problem(origin, dotted, "expected --set key.path=value")])
    try:
        value = yaml.safe_load(raw_value) if raw_value.strip() else ""
    except yaml.YAMLError:
        value = raw_value
    node = root
    walked: list[str] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node.value, dict):
            if last:
                node.value[part] = _node_from_plain(value, origin)
                return
            if part not in node.value:
                node.value[part] = Node({}, origin)
            node = node.value[part]
        elif isinstance(node.value, list):
            ids = [
                str(item_id(item))
                for item in node.value
                if isinstance(item.value, dict) and "id" in item.value
            ]
            match = [
                item
                for item in node.value
                if isinstance(item.value, dict)
                and str(item.value.get("id", Node(None, origin)).value) == part
            ]
            if match:
                node = match[0]
            elif part.isdigit() and int(part) < len(node.value):
                node = node.value[int(part)]
            else:
                where = ".".join(walked)
                raise InputError(
                    [Problem(origin, dotted, f"no item {part!r} in {where}{suggest(part, ids)}")]
                )
            if last:
                raise InputError(
                    [Problem(origin, dotted, "cannot replace a whole list item; set one of its keys")]
                )
        else:
            where = ".".join(walked)
            raise InputError([Problem(origin, dotted, f"{where} is a single value, it has no key {part!r}")])
        walked.append(part)


def _node_from_plain(value: Any, origin: Origin) -> Node:
    if isinstance(value, dict):
        return Node({str(k): _node_from_plain(v, origin) for k, v in value.items()}, origin)
    if isinstance(value, list):
        return Node([_node_from_plain(v, origin) for v in value], origin)
    return Node(value, origin)
