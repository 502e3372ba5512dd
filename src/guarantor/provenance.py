"""Show a merged scenario, and for every value the file and line that set it."""

from __future__ import annotations

from typing import Any

import yaml

from guarantor.loading import Resolved
from guarantor.yamlio import Node


def resolved_yaml(resolved: Resolved) -> str:
    return yaml.safe_dump(resolved.data, sort_keys=False, allow_unicode=True, width=100)


def explain_lines(resolved: Resolved) -> list[str]:
    """`key.path = value    # file:line:column` for every leaf value."""
    lines: list[str] = []
    _walk(resolved.root, "", lines)
    width = max((len(line.split("\t")[0]) for line in lines), default=0)
    return [f"{left.ljust(width)}  # {right}" for left, right in (line.split("\t") for line in lines)]


def _walk(node: Node, path: str, lines: list[str]) -> None:
    value: Any = node.value
    if isinstance(value, dict):
        for key, child in value.items():
            _walk(child, f"{path}.{key}" if path else str(key), lines)
    elif (
        isinstance(value, list)
        and value
        and all(isinstance(i.value, dict) and "id" in i.value for i in value)
    ):
        for item in value:
            _walk(item, f"{path}.{item.value['id'].value}", lines)
    elif isinstance(value, list) and any(isinstance(i.value, dict | list) for i in value):
        for i, item in enumerate(value):
            _walk(item, f"{path}.{i}", lines)
    else:
        shown = [i.value for i in value] if isinstance(value, list) else value
        lines.append(f"{path} = {shown!r}\t{node.origin}")
