"""A tree of `Node`s as a few flat arrays and lists, the form in which it is pickled.

Why: `solve` hands the merged scenario to its report workers as a pickle, during HiGHS's run.
Pickled node by node (a `__reduce__` each, for the node and for its origin), a 1,600-contributor
model took 1.15 s and ~63 MiB of passing memory, which sat beside the branch and bound at the
command's peak: the pickler memoises every argument tuple it writes, two per value. As arrays
of shapes and positions, one list of keys and one of scalars, the same tree pickles in a
fraction of that, with little more memory than its bytes.
"""

from __future__ import annotations

import itertools
from array import array
from typing import Any

from guarantor.errors import Origin
from guarantor.scenario.yamlio import Node

SCALAR = -1
"""The shape of a scalar; a mapping of n entries is 2n, a list of n items 2n + 1."""

Encoded = tuple[list[str], array, array, list[str], list[Any], dict[int, tuple[Origin, ...]]]


def encode(root: Node) -> Encoded:
    """(files, shapes, positions, keys, scalars, layers) of the tree, nodes in depth-first order.

    `positions` holds (file index, line, column) per node; `keys` a mapping's keys before its
    entries' own; `layers` the earlier origins of the few nodes that have them, by node number.
    """
    flat = _Flattener()
    flat.walk(root)
    return list(flat.files), flat.shapes, flat.positions, flat.keys, flat.scalars, flat.layers


def decode(encoded: Encoded) -> Node:
    """The tree `encode` flattened."""
    return _Builder(encoded).build()


class _Flattener:
    """A class, not a recursive closure: that would be a reference cycle, garbage left for the
    collector on every pickling (`gcpause` relies on there being none)."""

    def __init__(self) -> None:
        self.files: dict[str, int] = {}
        self.shapes = array("q")
        self.positions = array("q")
        self.keys: list[str] = []
        self.scalars: list[Any] = []
        self.layers: dict[int, tuple[Origin, ...]] = {}

    def walk(self, node: Node) -> None:
        if node.layers:
            self.layers[len(self.shapes)] = node.layers
        origin = node.origin
        self.positions.extend(
            (self.files.setdefault(origin.file, len(self.files)), origin.line, origin.column)
        )
        value = node.value
        if type(value) is dict:
            self.shapes.append(2 * len(value))
            self.keys.extend(value)
            for item in value.values():
                self.walk(item)
        elif type(value) is list:
            self.shapes.append(2 * len(value) + 1)
            for item in value:
                self.walk(item)
        else:
            self.shapes.append(SCALAR)
            self.scalars.append(value)


class _Builder:
    def __init__(self, encoded: Encoded) -> None:
        files, shapes, positions, keys, scalars, layers = encoded
        self.files, self.layers = files, layers
        self.shape = iter(shapes).__next__
        triple = iter(positions)
        self.place = zip(triple, triple, triple, strict=True).__next__
        self.key = iter(keys).__next__
        self.scalar = iter(scalars).__next__
        self.number = itertools.count().__next__

    def build(self) -> Node:
        at = self.number()
        file, line, column = self.place()
        origin = Origin(self.files[file], line, column)
        size = self.shape()
        value: Any
        if size == SCALAR:
            value = self.scalar()
        elif size & 1:
            value = [self.build() for _ in range(size >> 1)]
        else:
            names = [self.key() for _ in range(size >> 1)]
            value = {name: self.build() for name in names}
        return Node(value, origin, self.layers.get(at, ())) if self.layers else Node(value, origin)
