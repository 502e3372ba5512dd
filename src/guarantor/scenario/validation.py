"""Turn pydantic validation errors into located, helpful `Problem`s.

Pydantic says *what* is wrong in its own vocabulary ("Input should be a valid
dictionary"); analysts need *where* (file:line:column), *what was expected* in YAML
terms, and, when we can guess it, *how to fix it* (did you mean, check the
indentation, write shares as fractions).
"""

from __future__ import annotations

import re
import types
import typing
from typing import TYPE_CHECKING, Any, Union

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from guarantor.errors import Problem
from guarantor.scenario.yamlio import Key, Node, describe, display_path, named_path, shown, suggest

if TYPE_CHECKING:
    from guarantor.scenario.resolved import Resolved


# --------------------------------------------------------------------------- walking the schema


def type_members(annotation: Any) -> list[Any]:
    """The concrete types behind Optional/Union/Annotated wrappers."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        found: list[Any] = []
        for arg in typing.get_args(annotation):
            found.extend(type_members(arg))
        return found
    if origin is typing.Annotated:
        return type_members(typing.get_args(annotation)[0])
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field(cls: type[BaseModel], name: str) -> FieldInfo | None:
    for field_name, info in cls.model_fields.items():
        if name in (field_name, info.alias):
            return info
    return None


def type_step(annotations: list[Any], part: Key) -> list[Any]:
    """Types found one key (or list position / named item) below `annotations`."""
    found: list[Any] = []
    for annotation in annotations:
        for member in type_members(annotation):
            origin = typing.get_origin(member)
            if _is_model(member) and isinstance(part, str):
                info = _field(member, part)
                if info is not None:
                    found.append(info.annotation)
            elif origin is list and typing.get_args(member):
                found.append(typing.get_args(member)[0])
            elif origin is dict and isinstance(part, str) and len(typing.get_args(member)) == 2:
                found.append(typing.get_args(member)[1])
    return found


def types_at(schema: type[BaseModel], loc: tuple[Key, ...]) -> list[Any]:
    """Every type the schema allows at `loc` (several where a union allows several)."""
    annotations: list[Any] = [schema]
    for part in loc:
        annotations = type_step(annotations, part)
        if not annotations:
            break
    return [m for a in annotations for m in type_members(a)]


def fields_at(schema: type[BaseModel], loc: tuple[Key, ...]) -> set[str]:
    """Field names the schema allows at `loc` (used for 'did you mean')."""
    names: set[str] = set()
    for member in types_at(schema, loc):
        if _is_model(member):
            for name, info in member.model_fields.items():
                names.add(info.alias or name)
    return names


def field_info(schema: type[BaseModel], loc: tuple[Key, ...]) -> FieldInfo | None:
    """The pydantic field at `loc`, for its description and constraints."""
    if not loc or not isinstance(loc[-1], str):
        return None
    for member in types_at(schema, loc[:-1]):
        if _is_model(member):
            info = _field(member, loc[-1])
            if info is not None:
                return info
    return None


def can_add_named_item(schema: type[BaseModel], loc: tuple[str, ...]) -> bool:
    """May `--set` create a new item (by id) in the list at `loc`?

    Only where an item needs nothing but its `id` (scenario rules such as
    `contributors.germany.troop_cap=0`); adding a half-empty country to the model would
    only produce a wall of 'missing key' errors.
    """
    for member in types_at(schema, loc):
        if typing.get_origin(member) is list:
            (item,) = typing.get_args(member)
            if _is_model(item) and "id" in item.model_fields:
                required = {n for n, f in item.model_fields.items() if f.is_required()}
                return required == {"id"}
    return False


def _is_sourced(class_name: str) -> bool:
    return class_name.endswith("Sourced") or class_name == "SourcedStance"


# --------------------------------------------------------------------------- errors to problems


_TAG = re.compile(r"^(function-|constrained-)|\[|^(float|int|str|bool|list|dict|none|[A-Z]\w*)$")


def _split_loc(loc: tuple[Any, ...], data: Any, kind: str) -> tuple[tuple[Key, ...], tuple[Key, ...] | None]:
    """Data path of an error, and where a union was tried (pydantic tags union members in `loc`)."""
    clean: list[Key] = []
    union_at: tuple[Key, ...] | None = None
    node: Any = data
    for i, part in enumerate(loc):
        inside_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if (isinstance(node, dict) and part in node) or inside_list:
            node = node[part]
        elif isinstance(part, str) and _TAG.search(part) and not (kind == "missing" and i == len(loc) - 1):
            if union_at is None:
                union_at = tuple(clean)
            continue
        else:
            node = None
        clean.append(part)
    return tuple(clean), union_at


def _expected_by_member(error: Any, tag: str) -> str:
    if "dict[str,float]" in tag:
        return "a mapping of numbers by period id (e.g. {year1: 5000, year2: 3000})"
    return {
        "float_parsing": "a number",
        "finite_number": "a finite number",
        "float_type": "a number",
        "int_parsing": "a whole number",
        "int_type": "a whole number",
        "string_type": "text",
        "bool_parsing": "true or false",
        "bool_type": "true or false",
        "dict_type": "a mapping",
        "model_type": "a mapping",
        "list_type": "a list",
    }.get(error["type"], error["msg"].lower())


def problems_from_validation(
    err: ValidationError, resolved: Resolved, schema: type[BaseModel]
) -> list[Problem]:
    """One `Problem` per mistake (not per pydantic error), located at the key's file, line and column."""
    data = resolved.data
    singles: list[tuple[tuple[Key, ...], Any]] = []
    unions: dict[tuple[Key, ...], list[tuple[tuple[Key, ...], Any, str]]] = {}
    for error in err.errors(include_url=False):
        loc, union_at = _split_loc(error["loc"], data, error["type"])
        if union_at is None:
            singles.append((loc, error))
        else:
            tag = next((str(p) for p in error["loc"][len(union_at) :] if isinstance(p, str)), "")
            unions.setdefault(union_at, []).append((loc, error, tag))
    located: list[tuple[tuple[Key, ...], str]] = [
        (loc, message) for loc, error in singles for loc, message in [_describe(error, loc, schema, resolved)]
    ]
    for union_at, members in unions.items():
        deeper = [(loc, error) for loc, error, _ in members if len(loc) > len(union_at)]
        if deeper:
            located.extend(_describe(error, loc, schema, resolved) for loc, error in deeper)
            continue
        expected = list(dict.fromkeys(_expected_by_member(error, tag) for _, error, tag in members))
        value = members[0][1].get("input")
        got = describe(value)
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 1e300:
            got = f"a number too large to use, {shown(value)}"
        located.append((union_at, f"expected {' or '.join(expected)}, found {got}"))
    problems: dict[tuple[str, str, str], Problem] = {}
    for loc, message in located:
        origin = resolved.origin_of(loc)
        path = display_path(named_path(resolved.root, loc))
        problems.setdefault((str(origin), path, message), Problem(origin, path, message))
    return list(problems.values())


def _describe(
    error: Any, loc: tuple[Key, ...], schema: type[BaseModel], resolved: Resolved
) -> tuple[tuple[Key, ...], str]:
    """Location (possibly refined) and message for one pydantic error."""
    kind = error["type"]
    if kind == "value_error":
        return _value_error(error, loc, resolved)
    return loc, _message(error, kind, loc, schema, resolved)


def _value_error(error: Any, loc: tuple[Key, ...], resolved: Resolved) -> tuple[tuple[Key, ...], str]:
    """Messages from our own validators; point at the offending item when the message names it."""
    message = str(error["msg"]).removeprefix("Value error, ")
    got = error.get("input")
    if "`source`" in message and isinstance(got, dict):
        if "source" in got and "assumption" in got:
            return loc, "give either `source:` or `assumption:`, not both"
        return loc, (
            "this figure has no provenance: add `source: KEY` (a key of `sources:` or a URL) "
            "or `assumption: <one-line rationale>`"
        )
    named = re.search(r"'([^']+)'", message)
    if isinstance(got, dict) and named and named.group(1) in got:
        key = named.group(1)
        return (*loc, key), f"{message}, got {shown(got[key])}"
    if isinstance(got, dict) and "value" in got and not isinstance(got["value"], dict | list):
        return loc, f"{message}, got {shown(got['value'])}"
    if not isinstance(got, dict | list):
        return loc, f"{message}, got {shown(got)}"
    return loc, message


_EXPECTED = {
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "string_type": "expected text",
    "dict_type": "expected a mapping of `key: value` lines",
    "list_type": "expected a list (`- item` lines, or [a, b])",
    "finite_number": "expected a finite number",
}

_BOUNDS = {
    "greater_than": ("gt", ">"),
    "greater_than_equal": ("ge", ">="),
    "less_than": ("lt", "<"),
    "less_than_equal": ("le", "<="),
}


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _message(error: Any, kind: str, loc: tuple[Key, ...], schema: type[BaseModel], resolved: Resolved) -> str:
    got = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return _unknown_key(loc, schema, resolved)
    if kind == "missing":
        return _missing_key(loc, schema)
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        options = [o.strip().strip("'") for o in expected.replace(" or ", ",").split(",")]
        return f"expected one of {expected}, got {shown(got)}{suggest(str(got), options)}"
    if kind in _BOUNDS:
        name, op = _BOUNDS[kind]
        bound = ctx.get(name)
        message = f"expected a number {op} {_number(bound)}, got {shown(got)}"
        if name in ("le", "lt") and bound == 1 and isinstance(got, int | float):
            percent = f"; write {got / 100:g} for {_number(got)}%" if 2 <= got <= 100 else ""
            message += f" (a fraction between 0 and 1{percent})"
        if name in ("ge", "gt") and bound == 0 and isinstance(got, int | float) and got < 0:
            message += " (negative values make no sense here)"
        return message
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length', 1)} item(s), found {ctx.get('actual_length', 0)}"
    if kind == "string_pattern_mismatch":
        fixed = re.sub(r"[^a-z0-9_]+", "_", str(got).lower()).strip("_")
        hint = f" (did you mean {fixed!r}?)" if fixed and fixed[0].isalpha() and fixed != got else ""
        return (
            "expected a lower-case id (letters a-z, digits, _; starting with a letter), "
            f"got {shown(got)}{hint}"
        )
    if kind == "model_type":
        class_name = str(ctx.get("class_name", ""))
        if _is_sourced(class_name):
            return (
                f"expected a figure with its provenance, e.g. `{{value: …, source: KEY}}` or "
                f"`{{value: …, assumption: why}}`, found {describe(got)}"
            )
        allowed = sorted(fields_at(schema, loc))
        listed = f" ({', '.join(allowed[:8])}{', …' if len(allowed) > 8 else ''})" if allowed else ""
        return f"expected a mapping of keys{listed}, found {describe(got)}"
    if kind == "float_type" and isinstance(got, int) and not isinstance(got, bool):
        return f"number too large, got {shown(got)}"
    if kind == "string_type" and isinstance(got, int | float | bool):
        return f"expected text, got {shown(got)} (put it in quotes)"
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]}, found {describe(got)}"
    text = str(error.get("msg", "invalid value"))
    return f"{text[:1].lower()}{text[1:]}, got {shown(got)}"


def _missing_key(loc: tuple[Key, ...], schema: type[BaseModel]) -> str:
    key = str(loc[-1]) if loc else ""
    parent = next((str(p) for p in reversed(loc[:-1]) if isinstance(p, str)), None)
    where = f"under `{parent}`" if parent else "at the top level"
    info = field_info(schema, loc)
    about = f" ({info.description.rstrip('.')})" if info is not None and info.description else ""
    return f"missing required key: add `{key}:` {where}{about}"


def _unknown_key(loc: tuple[Key, ...], schema: type[BaseModel], resolved: Resolved) -> str:
    """Did-you-mean for typos; 'check the indentation' for keys that belong elsewhere."""
    key = str(loc[-1]) if loc else ""
    allowed = fields_at(schema, loc[:-1])
    hint = suggest(key, allowed)
    if hint:
        return f"unknown key {key!r}{hint}"
    where = misplaced_hint(schema, loc, resolved)
    if where:
        return f"unknown key {key!r} here; {where}"
    if allowed:
        listed = ", ".join(sorted(allowed))
        return f"unknown key {key!r} (allowed here: {listed})"
    return f"unknown key {key!r}"


def misplaced_hint(schema: type[BaseModel], loc: tuple[Key, ...], resolved: Resolved) -> str | None:
    """If the key at `loc` is valid one level up or inside a neighbouring block, say so.

    A key indented one step too little lands next to the block it belongs to; one indented
    a step too far lands inside its neighbour. Both are silent bugs in tools that ignore
    unknown keys (a cost block indented wrongly made a technology free), so name the fix.
    """
    if not loc or not isinstance(loc[-1], str):
        return None
    key = loc[-1]
    container = _node_at(resolved, loc[:-1])
    here = _node_at(resolved, loc)
    siblings = container.value if container is not None and isinstance(container.value, dict) else {}
    homes = [
        (name, node)
        for name, node in siblings.items()
        if name != key and isinstance(node.value, dict) and key in fields_at(schema, (*loc[:-1], name))
    ]
    if homes and here is not None:
        above = [
            (node.origin.line, name)
            for name, node in homes
            if node.origin.file == here.origin.file and node.origin.line < here.origin.line
        ]
        name = max(above)[1] if above else homes[0][0]
        return f"`{key}` belongs inside `{name}` (the block above?): check its indentation"
    if len(loc) >= 2 and key in fields_at(schema, loc[:-2]):
        return f"`{key}` belongs one level up, under {_name(loc[:-2])}: check its indentation"
    return None


def _node_at(resolved: Resolved, loc: tuple[Key, ...]) -> Node | None:
    node: Node | None = resolved.root
    for part in loc:
        if node is None:
            return None
        if isinstance(node.value, dict):
            node = node.value.get(part)
        elif isinstance(node.value, list) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node


def _name(loc: tuple[Key, ...]) -> str:
    parent = next((str(p) for p in reversed(loc) if isinstance(p, str)), None)
    return f"`{parent}`" if parent else "the top level"
