"""A merged document with the origin (file, line, column) of every value.

Its own module so that loading, validation and cross-checks can all use it without
importing one another.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from guarantor.errors import Origin
from guarantor.scenario import treecodec
from guarantor.scenario.yamlio import Key, Node, strip


@dataclass(frozen=True)
class Resolved:
    """A fully merged document and where each of its values came from."""

    root: Node
    files: tuple[str, ...]
    _ids: dict[int, tuple[list[Node], dict[Any, Node]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    _plain: list[dict[str, Any]] = field(default_factory=list, init=False, repr=False, compare=False)
    _digest: list[str] = field(default_factory=list, init=False, repr=False, compare=False)

    @property
    def data(self) -> dict[str, Any]:
        """The merged document as plain data, a fresh copy the caller may change."""
        return strip(self.root)  # type: ignore[no-any-return]

    def read_only(self) -> dict[str, Any]:
        """`data`, built once and shared by readers that never change it: a report asks for it
        about ten times, and each `data` strips the whole tree (0.3 s at 1,600 contributors)."""
        if not self._plain:
            self._plain.append(self.data)
        return self._plain[0]

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the caches (report workers get a copy; the caches rebuild on use), the
        tree as flat arrays (`treecodec` says why)."""
        return {"tree": treecodec.encode(self.root), "files": self.files}

    def __setstate__(self, state: dict[str, Any]) -> None:
        root = treecodec.decode(state["tree"])
        for key, value in (
            ("root", root),
            ("files", state["files"]),
            ("_ids", {}),
            ("_plain", []),
            ("_digest", []),
        ):
            object.__setattr__(self, key, value)

    def origin_of(self, path: tuple[Key, ...]) -> Origin:
        """Origin of the value at `path` (list items by position or id), or its nearest ancestor."""
        node = self.root
        for part in path:
            found = self._child(node, part)
            if found is None:
                break
            node = found
        return node.origin

    def sha256(self) -> str:
        """Hash of the merged inputs, for the run manifest; computed once (0.4 s at 1,600
        contributors, which `solve` spends during HiGHS's run: `reporting.hand_over`)."""
        if not self._digest:
            text = json.dumps(self.read_only(), sort_keys=True, separators=(",", ":"), default=str)
            self._digest.append(hashlib.sha256(text.encode()).hexdigest())
        return self._digest[0]

    def _child(self, node: Node, part: Key) -> Node | None:
        """`child`, with each list's items indexed by id on first use (one pass per list, not one
        per lookup: reports ask for the origin of every figure, so a scan made them quadratic)."""
        items = node.value
        if not isinstance(items, list) or isinstance(part, int):
            return child(node, part)
        cached = self._ids.get(id(items))
        if cached is None or cached[0] is not items:
            index: dict[Any, Node] = {}
            for item in items:
                if isinstance(item.value, dict) and "id" in item.value:
                    key = item.value["id"].value
                    if _hashable(key):
                        index.setdefault(key, item)
            cached = self._ids[id(items)] = (items, index)
        return cached[1].get(part) if _hashable(part) else child(node, part)


def _hashable(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


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
