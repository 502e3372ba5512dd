"""A merged document with the origin (file, line, column) of every value.

Its own module so that loading, validation and cross-checks can all use it without
importing one another.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from guarantor.errors import Origin
from guarantor.scenario.yamlio import Key, Node, strip


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
            found = child(node, part)
            if found is None:
                break
            node = found
        return node.origin

    def sha256(self) -> str:
        """Hash of the merged inputs, for the run manifest."""
        text = json.dumps(self.data, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def child(node: Node, part: Key) -> Node | None:
    if isinstance(node.value, dict):
        return node.value.get(part)  # type: ignore[no-any-return]
    if isinstance(node.value, list):
        if isinstance(part, int):
            return node.value[part] if 0 <= part < len(node.value) else None
        for item in node.value:
            if isinstance(item.value, dict) and "id" in item.value and item.value["id"].value == part:
                return item  # type: ignore[no-any-return]
    return None
