"""Which files a request may name: only inside the project's scenarios and reports folders.

Every path from a request goes through `inside`: absolute paths, `..`, backslashes, NUL bytes and
symbolic links that lead out of the folder are refused, and so are names a new file may not have.
"""

from __future__ import annotations

import re
from pathlib import Path

from guarantor.errors import InputError, Origin, Problem

SCENARIO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
"""A new scenario's name, which is also its file name: letters, digits, `_` and `-`."""


class Refused(InputError):
    """A request named a file outside the folders the app may use (HTTP 403)."""


def refuse(what: str, message: str) -> Refused:
    return Refused([Problem(Origin("request"), what, message)])


def inside(root: Path, relative: str) -> Path:
    """`root / relative`, resolved, or Refused if it is not strictly inside `root` (links followed)."""
    if not relative or "\x00" in relative or "\\" in relative:
        raise refuse(relative, "not a valid file name")
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts or relative.startswith("~"):
        raise refuse(relative, f"only files inside {root.name}/ can be used")
    base = root.resolve()
    target = (base / candidate).resolve()
    if target == base or not target.is_relative_to(base):
        raise refuse(relative, f"only files inside {root.name}/ can be used")
    return target


def scenario_file(root: Path, relative: str) -> Path:
    """An existing scenario YAML file inside the scenarios folder."""
    target = inside(root, relative)
    if target.suffix not in (".yaml", ".yml") or not target.is_file():
        raise refuse(relative, f"no such scenario in {root.name}/")
    return target


def new_scenario_file(root: Path, name: str) -> Path:
    """Where `save as` writes scenario `name`: a new file directly in the scenarios folder."""
    if not SCENARIO_NAME.match(name):
        raise refuse(
            "name", f"{name!r} cannot name a scenario: use letters, digits, _ and - (at most 64 characters)"
        )
    target = inside(root, f"{name}.yaml")
    if target.parent != root.resolve():
        raise refuse("name", f"a saved scenario goes directly in {root.name}/")
    if target.exists() or target.is_symlink():
        raise refuse("name", f"{root.name}/{name}.yaml exists already: choose another name")
    return target


def scenario_files(root: Path) -> list[str]:
    """The scenarios the app lists: YAML files in the folder (links that lead out are left out)."""
    found = []
    base = root.resolve()
    for path in sorted(root.glob("*.y*ml")):
        if path.resolve().is_relative_to(base) and path.is_file():
            found.append(path.name)
    return found
