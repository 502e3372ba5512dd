"""Key paths into resolved scenario data, as `--set`, sweeps and distributions address them.

A path is dotted; items of named lists (contributors, tiers, ...) are addressed by `id`,
e.g. ``model.contributors.france.cost_per_soldier_year_usd.value``.
"""

from __future__ import annotations

import copy
from typing import Any


def _is_named(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(i, dict) and "id" in i for i in items)


def numeric_paths(data: Any, prefix: str = "") -> dict[str, float]:
    """Every numeric leaf (not booleans) with its dotted path."""
    found: dict[str, float] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            found.update(numeric_paths(value, f"{prefix}{key}."))
    elif isinstance(data, list):
        named = _is_named(data)
        for i, item in enumerate(data):
            key = item["id"] if named else str(i)
            found.update(numeric_paths(item, f"{prefix}{key}."))
    elif isinstance(data, int | float) and not isinstance(data, bool):
        found[prefix.rstrip(".")] = float(data)
    return found


def get_value(data: Any, path: str) -> Any:
    """Value at a dotted path; raises KeyError naming the missing part."""
    node = data
    for part in path.split("."):
        node = _child(node, part)
    return node


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        if part not in node:
            raise KeyError(part)
        return node[part]
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict) and item.get("id") == part:
                return item
        if part.isdigit() and int(part) < len(node):
            return node[int(part)]
    raise KeyError(part)


def with_values(data: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A copy of `data` with values set at the given paths (only the touched branches are copied).

    Raises KeyError naming the first part of a path that does not exist.
    """
    result = copy.copy(data)
    for path, value in values.items():
        parts = path.split(".")
        node: Any = result
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if isinstance(node, dict):
                if last:
                    node[part] = value
                    break
                child = copy.copy(node[part])
                node[part] = child
            else:
                if not isinstance(node, list):
                    raise KeyError(part)  # the path goes below a single value
                index = next(
                    (j for j, item in enumerate(node) if isinstance(item, dict) and item.get("id") == part),
                    int(part) if part.isdigit() else -1,
                )
                if not 0 <= index < len(node):
                    raise KeyError(part)
                if last:
                    node[index] = value
                    break
                child = copy.copy(node[index])
                node[index] = child
            node = child
    return result
