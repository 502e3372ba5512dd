"""Safe YAML reading that remembers where every key came from.

Values are read into an annotated tree (`Node`) so that merges, `--set`
overrides and validation errors can all point at a file, line and column.
Nothing in here may raise anything but `InputError` for bad input: a typo in
a scenario must never end in a traceback.
"""

from __future__ import annotations

import difflib
import re
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from guarantor.errors import InputError, Origin, Problem

Key = str | int

MAX_VALUES = 200_000
"""Cap on values after alias expansion, so a 'billion laughs' file cannot exhaust memory."""

MAX_SHOWN = 60
"""Longest input echoed back in a message; longer values are cut with an ellipsis."""

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest input file read (8 MiB; the shipped model is about 0.1 MiB): a huge file cannot exhaust memory."""


@dataclass(slots=True)
class Node:
    """A YAML value (dict of Node, list of Node, or scalar) and where it was set.

    Slots and a shared empty tuple of layers: a 1,600-contributor model has 600,000 nodes, and
    a `__dict__` and an empty list each cost more than the value."""

    value: Any
    origin: Origin
    layers: tuple[Origin, ...] = ()

    def __reduce__(self) -> tuple[type[Node], tuple[Any, Origin, tuple[Origin, ...]]]:
        """Pickled as its fields, without a state dict per node (report bundles hold them all)."""
        return (Node, (self.value, self.origin, self.layers))


def display_path(path: tuple[Key, ...]) -> str:
    """Render a key path the way `--set` accepts it (named list items by id)."""
    return ".".join(str(part) for part in path)


def suggest(word: str, choices: list[str] | set[str]) -> str:
    """A 'did you mean' hint for near-miss names, or an empty string."""
    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def shown(value: Any) -> str:
    """`repr` of a user's value, shortened so one bad value cannot flood the terminal."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def relative_name(path: Path) -> str:
    """Paths in messages and reports relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


def is_file(path: Path) -> bool:
    """`Path.is_file` that answers False for names the OS rejects (too long, NUL bytes)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


EXPONENT_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$")
"""Numbers such as `1e6` or `2.5e3`, which YAML 1.1 (PyYAML) reads as text but YAML 1.2 as floats."""


class _Numbers(yaml.SafeLoader):
    """SafeLoader that reads `1e6` as a number, as YAML 1.2 and every editor do.

    Without it `ground_troops: 1e6` would be the text '1e6', which strict numeric
    validation rightly refuses.
    """


_Numbers.add_implicit_resolver("tag:yaml.org,2002:float", EXPONENT_FLOAT, list("-+0123456789."))


class _Reader(_Numbers):
    """SafeLoader that only composes nodes; construction is done by `_to_node`."""


def _c_reader() -> Any:
    """libyaml's composer with the same resolvers, where PyYAML was built with libyaml."""
    base = getattr(yaml, "CSafeLoader", None)
    if base is None:
        return None
    reader: Any = type("_CReader", (base,), {})
    reader.add_implicit_resolver("tag:yaml.org,2002:float", EXPONENT_FLOAT, list("-+0123456789."))
    return reader


C_READER: Any = _c_reader()
"""libyaml composes ~5x faster than pure Python, with the same nodes and the same (line, column)
marks (tested on every shipped file and on the broken-input corpus). None: pure Python only."""


def compose_documents(text: str) -> list[Any]:
    """Every document of `text` as composed nodes, by libyaml when available.

    Input libyaml refuses is composed again by the pure-Python loader, so that syntax errors
    carry the messages and marks the hints below were written for; only broken files pay.
    """
    if C_READER is not None:
        try:
            return list(yaml.compose_all(text, Loader=C_READER))
        except Exception:
            pass  # reported below, by the loader whose messages the hints know
    return list(yaml.compose_all(text, Loader=_Reader))


class _Builder:
    """Turns composed YAML nodes into `Node`s, collecting problems instead of stopping."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()
        self.loader = _Reader("")

    def origin(self, node: yaml.Node) -> Origin:
        return Origin(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, path: tuple[Key, ...]) -> Node:
        self.count += 1
        if self.count > MAX_VALUES:
            raise InputError(
                [
                    Problem(
                        self.origin(node),
                        display_path(path),
                        f"file expands to more than {MAX_VALUES:,} values (YAML aliases?); "
                        "write the data out instead of repeating aliases",
                    )
                ]
            )
        if id(node) in self.active:
            raise InputError(
                [Problem(self.origin(node), display_path(path), "a YAML alias refers to itself; remove it")]
            )
        tag_problem = _tag_problem(node)
        if tag_problem:
            self.problems.append(Problem(self.origin(node), display_path(path), tag_problem))
        if isinstance(node, yaml.MappingNode):
            self.active.add(id(node))
            try:
                return self._mapping(node, path)
            finally:
                self.active.discard(id(node))
        if isinstance(node, yaml.SequenceNode):
            self.active.add(id(node))
            try:
                items = [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            finally:
                self.active.discard(id(node))
            return Node(items, self.origin(node))
        return Node(self._scalar(node, path), self.origin(node))

    def _mapping(self, node: yaml.MappingNode, path: tuple[Key, ...]) -> Node:
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key_origin = self.origin(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                kind = "list" if isinstance(key_node, yaml.SequenceNode) else "mapping"
                self.problems.append(
                    Problem(
                        key_origin,
                        display_path(path),
                        f"keys must be plain names, found a {kind} used as a key "
                        "(a stray `?`, `[` or `{` at the start of the line?)",
                    )
                )
                continue
            if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<":
                self.problems.append(
                    Problem(
                        key_origin,
                        display_path(path),
                        "YAML merge keys (`<<:`) are not supported; use `extends:` to build on another file",
                    )
                )
                continue
            key = sys.intern(str(self._scalar(key_node, path)))  # one object per key name
            if key in result:
                self.problems.append(
                    Problem(
                        key_origin,
                        display_path((*path, key)),
                        f"duplicate key {key!r} (first set on line {result[key].origin.line}); "
                        "keep only one of them",
                    )
                )
                continue
            child = self.build(value_node, (*path, key))
            result[key] = Node(child.value, key_origin)
        return Node(result, self.origin(node))

    def _scalar(self, node: yaml.Node, path: tuple[Key, ...]) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
            # a copy of each text: the composer's own string lies among the composed nodes and
            # their marks, which are garbage once the tree is built, and kept their memory
            # mapped (~80 MiB at 1,600 contributors, through the whole command)
            return _fresh(value) if type(value) is str else value
        except yaml.constructor.ConstructorError as err:
            what = err.problem or "unsupported value"
            if "could not determine a constructor" in what:
                tag = node.tag.replace("tag:yaml.org,2002:", "!!")
                what = (
                    f"unsupported YAML tag {tag!r}; remove the tag (values are plain text, numbers or lists)"
                )
            self.problems.append(Problem(self.origin(node), display_path(path), what))
        except (ValueError, TypeError, OverflowError) as err:
            self.problems.append(
                Problem(
                    self.origin(node),
                    display_path(path),
                    f"value does not match its YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')!r} "
                    f"({err}); remove the tag",
                )
            )
        return None


def _fresh(text: str) -> str:
    """An equal string in a new object (lone surrogates, which `"\\ud800"` can write, included)."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")


def _tag_problem(node: yaml.Node) -> str:
    """A tag on a list or mapping (`!!set`, `!!python/tuple [..]`, `!custom {..}`): never meant here.

    PyYAML's composer keeps such tags without acting on them, so they would pass silently;
    scalars are checked when they are constructed (`_Builder._scalar`).
    """
    if isinstance(node, yaml.MappingNode):
        kind, plain = "mapping", "tag:yaml.org,2002:map"
    elif isinstance(node, yaml.SequenceNode):
        kind, plain = "list", "tag:yaml.org,2002:seq"
    else:
        return ""
    if node.tag == plain:
        return ""
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    return f"unsupported YAML tag {shown(tag)} on a {kind}; remove the tag (plain lists and mappings only)"


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index."""
    before = text[:index]
    line = before.count("\n") + 1
    return line, index - (before.rfind("\n") + 1) + 1


_SYNTAX_HINTS: tuple[tuple[str, str], ...] = (
    (
        "mapping values are not allowed here",
        "a `key:` appears where a value was expected: is this line indented deeper than the key "
        "above it, or does a value contain ': ' (then put the value in quotes)?",
    ),
    (
        "found character '\\t' that cannot start any token",
        "tab character: YAML indentation must use spaces, not tabs",
    ),
    (
        "could not find expected ':'",
        "expected `key: value` on this line (missing ':' after the key, or text that should be "
        "indented under the key above?)",
    ),
    (
        "expected <block end>",
        "this line is not aligned with the block it belongs to: indent keys of one mapping (and "
        "the `-` of one list) by the same number of spaces",
    ),
    (
        "did not find expected key",
        "this line is not aligned with the block it belongs to: indent keys of one mapping (and "
        "the `-` of one list) by the same number of spaces",
    ),
    (
        "did not find expected '-' indicator",
        "list items must all start with `-` at the same indentation",
    ),
    ("found unexpected end of stream", "a quote is opened but never closed"),
    ("expected ',' or ']'", "a `[` list is opened but never closed with `]`"),
    ("expected ',' or '}'", "a `{` mapping is opened but never closed with `}`"),
    ("found undefined alias", "an alias `*name` refers to no anchor `&name` defined before it"),
    ("that cannot start any token", "put values that start with this character in quotes"),
    ("found unknown escape character", "in double quotes a backslash starts an escape; use single quotes"),
)

_POINT_AT_START = ("could not find expected ':'", "found unexpected end of stream", "expected ',' or")
"""Errors PyYAML detects late (end of file, next line): point at where the construct began."""


def _syntax_problem(err: yaml.MarkedYAMLError, name: str, text: str) -> Problem:
    problem = err.problem or "invalid YAML"
    mark = err.problem_mark or err.context_mark
    if err.context_mark is not None and any(p in problem for p in _POINT_AT_START):
        mark = err.context_mark
    origin = Origin(name, mark.line + 1, mark.column + 1) if mark else Origin(name, 1, 1)
    if mark is not None and "mapping values are not allowed" in problem:
        # PyYAML points at the ':'; the fix (indentation) is at the start of the line
        lines = text.splitlines()
        if mark.line < len(lines):
            line = lines[mark.line]
            origin = Origin(name, mark.line + 1, len(line) - len(line.lstrip()) + 1)
    hint = next((hint for pattern, hint in _SYNTAX_HINTS if pattern in problem), None)
    if hint is None:
        hint = "check the indentation (spaces, keys of one block aligned) and quote unusual values"
    return Problem(origin, "", f"YAML syntax error: {hint} [{problem}]")


def read_limited(path: Path, name: str, what: str = "a YAML file") -> bytes:
    """The bytes of a regular file of at most `MAX_FILE_BYTES`; anything else is an `InputError`.

    Special files are refused before they are opened: a FIFO would block forever and
    `/dev/zero` would never end. The size is checked on the open file as well, so a file
    that grows after `stat` is still cut off at the limit.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError([Problem(Origin(name), "", "file not found")]) from None
    except (OSError, ValueError) as err:
        raise InputError([Problem(Origin(name), "", f"cannot read the file: {_reason(err)}")]) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError([Problem(Origin(name), "", f"is a folder, expected {what}")])
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            [
                Problem(
                    Origin(name), "", f"is {_special_kind(info.st_mode)}, not a regular file; expected {what}"
                )
            ]
        )
    limit = f"{MAX_FILE_BYTES // (1024 * 1024)} MiB"
    if info.st_size > MAX_FILE_BYTES:
        raise InputError(
            [
                Problem(
                    Origin(name), "", f"file is {info.st_size / 2**20:,.1f} MiB, over the {limit} input limit"
                )
            ]
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as err:
        raise InputError([Problem(Origin(name), "", f"cannot read the file: {_reason(err)}")]) from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError([Problem(Origin(name), "", f"file is over the {limit} input limit")])
    return data


def _reason(err: Exception) -> str:
    return err.strerror if isinstance(err, OSError) and err.strerror else str(err)


def _special_kind(mode: int) -> str:
    """Name a special file for messages."""
    for test, kind in (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "a special file"


def _read_text(path: Path, name: str) -> str:
    data = read_limited(path, name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise InputError(
            [
                Problem(
                    Origin(name, line, column),
                    "",
                    "not a text file: expected UTF-8 YAML, found a byte that is not UTF-8 "
                    "(binary file, or saved in another encoding?)",
                )
            ]
        ) from None


def read_yaml(path: Path) -> Node:
    """Read one YAML file safely into an annotated tree; every problem raises `InputError`."""
    name = relative_name(path)
    text = _read_text(path, name)
    try:
        documents = compose_documents(text)
    except yaml.MarkedYAMLError as err:
        raise InputError([_syntax_problem(err, name, text)]) from None
    except yaml.reader.ReaderError as err:
        line, column = _position(text, err.position)
        raise InputError(
            [
                Problem(
                    Origin(name, line, column),
                    "",
                    f"control character #x{err.character:04x} is not allowed in YAML; delete it",
                )
            ]
        ) from None
    except yaml.YAMLError as err:
        raise InputError([Problem(Origin(name, 1, 1), "", f"not valid YAML: {err}")]) from None
    except RecursionError:
        raise InputError(
            [Problem(Origin(name, 1, 1), "", "YAML is nested too deeply to read; flatten the brackets")]
        ) from None
    documents = [d for d in documents if d is not None]
    if not documents:
        raise InputError(
            [Problem(Origin(name, 1, 1), "", "file is empty: expected a YAML mapping such as `name: ...`")]
        )
    if len(documents) > 1:
        second = documents[1].start_mark
        raise InputError(
            [
                Problem(
                    Origin(name, second.line + 1, second.column + 1),
                    "",
                    "expected one YAML document, found a second one; remove the `---` separator",
                )
            ]
        )
    builder = _Builder(name)
    try:
        root = builder.build(documents[0], ())
    except RecursionError:
        raise InputError(
            [Problem(Origin(name, 1, 1), "", "YAML is nested too deeply to read; flatten the brackets")]
        ) from None
    if builder.problems:
        raise InputError(builder.problems)
    if not isinstance(root.value, dict):
        raise InputError(
            [
                Problem(
                    root.origin,
                    "",
                    "expected a mapping of `key: value` lines at the top, found "
                    f"{_kind_only(root.value)}; is this a Guarantor model or scenario file?",
                )
            ]
        )
    return root


def _kind_only(value: Any) -> str:
    """What a whole file holds, without echoing it: the file may not be ours (`extends: ~/.netrc`)."""
    if isinstance(value, str):
        return f"plain text of {len(value):,} characters"
    return describe(value) if isinstance(value, list | dict) or value is None else "a single value"


def describe(value: Any) -> str:
    """Say what kind of value the user wrote, for 'expected X, found Y' messages."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{value!r}".lower()
    if isinstance(value, str):
        return f"text {shown(value)}"
    return shown(value)


def _hashable_id(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def is_named_list(value: Any) -> bool:
    """Lists whose items are mappings with a plain `id` merge by id."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(
            isinstance(item.value, dict) and "id" in item.value and _hashable_id(item.value["id"].value)
            for item in value
        )
    )


def item_id(item: Node) -> Any:
    """The `id` of a named-list item."""
    return item.value["id"].value


def _named(item: Node) -> bool:
    return isinstance(item.value, dict) and "id" in item.value and _hashable_id(item_id(item))


def merge(base: Node, override: Node, keep_nulls: bool = False) -> Node:
    """Deep-merge `override` onto `base` (mappings by key, named lists by id, else replace).

    A `null` value in the override removes the key, so a scenario can drop a rule it inherited.
    With `keep_nulls` the `null` is kept instead, so that it can still remove the key when this
    merged layer is itself merged onto something else (``model_overrides`` of a scenario chain).
    """
    if isinstance(base.value, dict) and isinstance(override.value, dict):
        merged = dict(base.value)
        for key, child in override.value.items():
            if child.value is None and not keep_nulls:
                merged.pop(key, None)
            elif key in merged and child.value is not None:
                merged[key] = merge(merged[key], child, keep_nulls)
            else:
                merged[key] = child
        return Node(merged, override.origin, (*base.layers, base.origin))
    if is_named_list(base.value) and is_named_list(override.value):
        items = list(base.value)
        index = {item_id(item): i for i, item in enumerate(items)}
        for child in override.value:
            key = item_id(child)
            if key in index:
                items[index[key]] = merge(items[index[key]], child, keep_nulls)
            else:
                index[key] = len(items)
                items.append(child)
        return Node(items, override.origin, (*base.layers, base.origin))
    return Node(override.value, override.origin, (*base.layers, base.origin))


def strip(node: Node) -> Any:
    """Plain Python data from an annotated tree."""
    if isinstance(node.value, dict):
        return {key: strip(child) for key, child in node.value.items()}
    if isinstance(node.value, list):
        return [strip(child) for child in node.value]
    return node.value


def named_path(root: Node, path: tuple[Key, ...]) -> tuple[Key, ...]:
    """Replace list positions by item ids where items are named (for messages)."""
    result: list[Key] = []
    node: Node | None = root
    for part in path:
        if node is not None and isinstance(node.value, list) and isinstance(part, int):
            items = node.value
            inside = 0 <= part < len(items)
            result.append(str(item_id(items[part])) if inside and _named(items[part]) else part)
            node = items[part] if inside else None
        else:
            result.append(part)
            node = node.value.get(part) if node is not None and isinstance(node.value, dict) else None
    return tuple(result)


AddItem = Callable[[tuple[str, ...]], bool]
"""Tells `set_path` whether a new named item may be added to the list at a path."""


def set_path(
    root: Node, dotted: str, raw_value: str, origin: Origin, can_add_item: AddItem | None = None
) -> None:
    """Apply one `--set key.path=value` override; named list items are addressed by id.

    The value is read as YAML (`5`, `true`, `[a, b]`, `{value: 1, source: X}`); `null` removes
    the key, as in a scenario layer. A missing key is created, so a misspelled one is caught by
    validation with a 'did you mean'. A missing list item is added only where `can_add_item`
    allows it (scenario rules such as `contributors.germany.troop_cap`), never to model data.
    """
    parts = [p.strip() for p in dotted.split(".")]
    if not dotted or any(not p for p in parts):
        raise InputError(
            [
                Problem(
                    origin, dotted, "expected --set key.path=value, e.g. --set policy.budget_cap.fraction=0.1"
                )
            ]
        )
    try:
        value = yaml.load(raw_value, Loader=_Numbers) if raw_value.strip() else ""
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        value = raw_value
    node = root
    walked: list[str] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node.value, dict):
            if last:
                if value is None:
                    node.value.pop(part, None)
                elif _is_figure(node.value.get(part)) and not isinstance(value, dict | list):
                    # figure shorthand, as `--vary` takes it: `...cost_per_soldier_year_usd=150000`
                    node.value[part].value["value"] = _node_from_plain(value, origin)
                else:
                    node.value[part] = _node_from_plain(value, origin)
                return
            if part not in node.value or node.value[part].value is None:
                here = (*walked, part)
                is_list = can_add_item is not None and can_add_item(here)
                node.value[part] = Node([] if is_list else {}, origin)
            node = node.value[part]
        elif isinstance(node.value, list):
            node = _list_item(node, part, walked, dotted, origin, can_add_item)
            if last:
                raise InputError(
                    [
                        Problem(
                            origin,
                            dotted,
                            f"cannot replace a whole list item; set one of its keys, "
                            f"e.g. --set {dotted}.<key>=value",
                        )
                    ]
                )
        else:
            where = ".".join(walked)
            raise InputError(
                [
                    Problem(
                        origin,
                        dotted,
                        f"{where} is a single value ({describe(node.value)}), it has no key {part!r}",
                    )
                ]
            )
        walked.append(part)


def _is_figure(node: Node | None) -> bool:
    """A sourced figure (`{value: …, source: …}`): `--set` of a plain value changes its `value`."""
    return node is not None and isinstance(node.value, dict) and "value" in node.value


def _list_item(
    node: Node, part: str, walked: list[str], dotted: str, origin: Origin, can_add_item: AddItem | None
) -> Node:
    """The item of a list addressed by `--set`: by id, by position, or a new named item."""
    items: list[Node] = node.value
    for item in items:
        if _named(item) and str(item_id(item)) == part:
            return item
    if part.isdigit() and int(part) < len(items):
        return items[int(part)]
    if can_add_item is not None and can_add_item(tuple(walked)):
        new = Node({"id": Node(part, origin)}, origin)
        items.append(new)
        return new
    ids = [str(item_id(item)) for item in items if _named(item)]
    where = ".".join(walked)
    known = f"; known: {', '.join(ids[:12])}{', …' if len(ids) > 12 else ''}" if ids else ""
    raise InputError([Problem(origin, dotted, f"no item {part!r} in {where}{suggest(part, ids)}{known}")])


def _node_from_plain(value: Any, origin: Origin) -> Node:
    """An annotated tree of plain data, every node set at `origin` (used for `--set` values)."""
    count = 0

    def build(item: Any, active: frozenset[int]) -> Node:
        nonlocal count
        count += 1
        if count > MAX_VALUES:
            raise InputError([Problem(origin, "", f"value expands to more than {MAX_VALUES:,} values")])
        if isinstance(item, dict | list):
            if id(item) in active:
                raise InputError(
                    [Problem(origin, "", "a YAML alias in the value refers to itself; remove it")]
                )
            inner = active | {id(item)}
            if isinstance(item, dict):
                return Node({str(k): build(v, inner) for k, v in item.items()}, origin)
            return Node([build(v, inner) for v in item], origin)
        return Node(item, origin)

    return build(value, frozenset())
