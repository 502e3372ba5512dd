"""Turn pydantic validation errors into located, helpful `Problem`s."""

from __future__ import annotations

import types
import typing
from typing import TYPE_CHECKING, Any, Union

from pydantic import BaseModel, ValidationError

from guarantor.errors import Problem
from guarantor.yamlio import Key, display_path, named_path, suggest

if TYPE_CHECKING:
    from guarantor.loading import Resolved


def _model_classes(annotation: Any) -> list[type[BaseModel]]:
    """Pydantic model classes reachable from a type annotation (through unions, lists, dicts)."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if origin in (Union, types.UnionType, list, dict, typing.Annotated):
        found: list[type[BaseModel]] = []
        for arg in typing.get_args(annotation):
            found.extend(_model_classes(arg))
        return found
    return []


def fields_at(schema: type[BaseModel], loc: tuple[Key, ...]) -> set[str]:
    """Field names the schema allows at `loc` (used for 'did you mean')."""
    classes: list[type[BaseModel]] = [schema]
    for part in loc:
        if isinstance(part, int):
            continue
        next_classes: list[type[BaseModel]] = []
        for cls in classes:
            info = cls.model_fields.get(part)
            if info is not None:
                next_classes.extend(_model_classes(info.annotation))
        if next_classes:
            classes = next_classes
        # dict keys (e.g. capability ids) keep the value class of the dict
    names: set[str] = set()
    for cls in classes:
        for name, info in cls.model_fields.items():
            names.add(info.alias or name)
    return names


_MESSAGES = {
    "missing": "missing required key",
    "extra_forbidden": "unknown key",
    "float_parsing": "expected a number",
    "int_parsing": "expected a whole number",
    "bool_parsing": "expected true or false",
    "string_type": "expected text",
    "dict_type": "expected a mapping of keys",
    "list_type": "expected a list",
    "model_type": "expected a mapping of keys",
    "finite_number": "expected a finite number",
}


def problems_from_validation(
    err: ValidationError, resolved: Resolved, schema: type[BaseModel]
) -> list[Problem]:
    """One `Problem` per pydantic error, located at the key's file, line and column."""
    problems: dict[tuple[str, str, str], Problem] = {}
    for error in err.errors(include_url=False):
        loc = _clean_loc(error["loc"])
        kind = error["type"]
        origin = resolved.origin_of(loc)
        shown = display_path(named_path(resolved.root, loc))
        message = _message(error, kind, loc, schema)
        # unions report one error per member; keep the first per key and kind
        problems.setdefault(
            (str(origin), shown, kind if kind != "union" else message), Problem(origin, shown, message)
        )
    return list(problems.values())


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Key, ...]:
    """Drop pydantic's union-member tags (e.g. 'float', 'dict[str,float]') from a location."""
    cleaned: list[Key] = []
    for part in loc:
        if isinstance(part, str) and ("[" in part or part in {"float", "int", "str", "bool"}):
            continue
        if isinstance(part, str) and part.startswith("function-"):
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _message(error: Any, kind: str, loc: tuple[Key, ...], schema: type[BaseModel]) -> str:
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else ""
        allowed = fields_at(schema, loc[:-1])
        hint = suggest(key, allowed)
        if not hint and allowed:
            hint = f" (allowed here: {', '.join(sorted(allowed))})"
        return f"unknown key {key!r}{hint}"
    if kind == "missing":
        return "missing required key"
    if kind in ("literal_error", "enum"):
        expected = error.get("ctx", {}).get("expected", "")
        got = error.get("input")
        options = [o.strip().strip("'") for o in str(expected).replace(" or ", ",").split(",")]
        return f"got {got!r}, expected one of {expected}{suggest(str(got), options)}"
    if kind.startswith(("greater_than", "less_than")):
        return f"{error['msg'].lower()}, got {error.get('input')!r}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    base = _MESSAGES.get(kind, str(error["msg"]))
    got = error.get("input")
    if kind in _MESSAGES and not isinstance(got, dict | list):
        return f"{base}, got {got!r}"
    return base
