"""Show a merged scenario, and for every value the file and line that set it."""

from __future__ import annotations

from typing import Any

import yaml

from guarantor.scenario.loading import Resolved
from guarantor.scenario.yamlio import Node
from guarantor.scenario.yamlio import shown as short

MAX_WIDTH = 72
"""Values longer than this do not push every origin column further right."""


def resolved_yaml(resolved: Resolved) -> str:
    """The merged scenario as YAML, model included, in the order the files wrote it."""
    return yaml.safe_dump(resolved.data, sort_keys=False, allow_unicode=True, width=100)


def explain_lines(resolved: Resolved) -> list[str]:
    """`key.path = value    # file:line:column` for every leaf value.

    The path is the one `--set` accepts, so a line of this listing can be pasted into a
    what-if; the origin says which layer won: the base model file, a scenario file of the
    `extends:` chain, or `--set key=value`.
    """
    pairs: list[tuple[str, str]] = []
    _walk(resolved.root, "", pairs)
    width = min(max((len(left) for left, _ in pairs), default=0), MAX_WIDTH)
    return [f"{left.ljust(width)}  # {right}" for left, right in pairs]


def _walk(node: Node, path: str, lines: list[tuple[str, str]]) -> None:
    value: Any = node.value
    if isinstance(value, dict):
        for key, child in value.items():
            _walk(child, f"{path}.{key}" if path else str(key), lines)
    elif (
        isinstance(value, list)
        and value
        and all(isinstance(i.value, dict) and "id" in i.value for i in value)
        and all(isinstance(i.value["id"].value, str | int) for i in value)
    ):
        for item in value:
            _walk(item, f"{path}.{item.value['id'].value}", lines)
    elif isinstance(value, list) and any(isinstance(i.value, dict | list) for i in value):
        for i, item in enumerate(value):
            _walk(item, f"{path}.{i}", lines)
    else:
        shown = [i.value for i in value] if isinstance(value, list) else value
        lines.append((f"{path} = {short(shown)}", str(node.origin)))
