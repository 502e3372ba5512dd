"""The layout of the JSON files Guarantor writes: nested objects indented, each record on one line.

`json.dumps(indent=2)` runs Python's pure-Python encoder (Python 3.12 uses the C encoder only
without indentation): 4.3 s for the 47 MB results.json of a 1600x10x10 solve, with the whole
text held in memory twice (the string and its UTF-8 bytes). Here containers that hold other
containers are indented as `indent=2` would, and a container of plain values (a record, a row,
a small mapping) is written on one line by the C encoder: 72,800 constraint records are 72,800
lines that `grep` and `diff` read well. The file is streamed in blocks as it is encoded.
"""

from __future__ import annotations

import json
from typing import IO, Any

INLINE = 100
"""A container of plain values wider than this, other than a list item, has one entry per line."""
BLOCK = 1 << 16


def _encoder() -> Any:
    """One C encoder for every value (`JSONEncoder.encode` builds a new one per call: 3 us each)."""
    from json import encoder

    c_make = encoder.c_make_encoder  # type: ignore[attr-defined]
    if c_make is None:  # an interpreter without the C accelerator
        return json.JSONEncoder(ensure_ascii=False, default=str).encode
    make = c_make({}, str, encoder.encode_basestring, None, ": ", ", ", False, False, True)
    return lambda value: "".join(make(value, 0))


_ENCODE = _encoder()


_CONTAINERS = frozenset((dict, list, tuple))


def _plain(value: Any) -> bool:
    """No dict, list or tuple inside. Types are compared exactly, in C (a subclass of dict, list
    or tuple counts as a plain value and is written inline: valid JSON, only less spread out)."""
    return _CONTAINERS.isdisjoint(map(type, value.values() if type(value) is dict else value))


class _Writer:
    """Appends the text to `out`, handing it to `flush` in blocks of about `BLOCK` characters."""

    def __init__(self, flush: Any, block: int = BLOCK) -> None:
        self.out: list[str] = []
        self.size = 0
        self.flush, self.block = flush, block

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.size += len(text)
        if self.size >= self.block:
            self.flush("".join(self.out))
            self.out, self.size = [], 0

    def value(self, value: Any, depth: int) -> None:
        if type(value) not in _CONTAINERS or not value:
            self.emit(_ENCODE(value))
            return
        if _plain(value):
            inline = _ENCODE(value)
            if len(inline) <= INLINE:
                self.emit(inline)
                return
        pad, inner = "\n" + "  " * depth, "\n" + "  " * (depth + 1)
        emit = self.emit
        if type(value) is dict:
            emit("{")
            for i, (key, item) in enumerate(value.items()):
                emit(("," if i else "") + inner + _ENCODE(key if type(key) is str else _key(key)) + ": ")
                if type(item) in _CONTAINERS:
                    self.value(item, depth + 1)
                else:
                    emit(_ENCODE(item))
            emit(pad + "}")
        else:
            emit("[")
            encode, sep = _ENCODE, inner
            for item in value:
                if type(item) not in _CONTAINERS or (item and _plain(item)):  # a record: one line
                    emit(sep + encode(item))
                else:
                    emit(sep)
                    self.value(item, depth + 1)
                sep = "," + inner
            emit(pad + "]")


def _key(key: Any) -> str:
    """A non-string key as `json` writes it (True -> "true", 1.5 -> "1.5", None -> "null")."""
    if isinstance(key, bool | int | float) or key is None:
        return _ENCODE(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def dump(value: Any, handle: IO[str], block: int = BLOCK) -> None:
    """Write `value` and a final newline to a text handle, in pieces of about `block` characters."""
    writer = _Writer(handle.write, block)
    writer.value(value, 0)
    handle.write("".join(writer.out) + "\n")


def dumps(value: Any) -> str:
    """The text `dump` writes."""
    parts: list[str] = []
    writer = _Writer(parts.append)
    writer.value(value, 0)
    return "".join([*parts, *writer.out, "\n"])
