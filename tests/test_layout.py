"""The package is laid out by stage of the flow; a stage imports only the stages below it.

Order: foundation (errors, atomic, gcpause, jsonlayout, heap) → scenario → model → solve → answer →
plans → report → analysis → api → cli. Imports inside functions count too, so a lazy import cannot hide
an upward dependency, and no two modules may import each other, directly or in a ring.
"""

from __future__ import annotations

import ast
from pathlib import Path

import guarantor

PACKAGE = Path(guarantor.__file__).parent
STAGES = ("scenario", "model", "solve", "answer", "plans", "report", "analysis", "api", "app", "cli")
FOUNDATION = {
    "guarantor",
    "guarantor.errors",
    "guarantor.atomic",
    "guarantor.gcpause",
    "guarantor.jsonlayout",
    "guarantor.heap",
    "guarantor.native",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def rank(module: str) -> int:
    if module in FOUNDATION:
        return 0
    if module == "guarantor.__main__":
        return len(STAGES)
    return STAGES.index(module.split(".")[1]) + 1


def imports_of(path: Path) -> set[str]:
    """Every guarantor module `path` imports, at any depth of the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("guarantor"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("guarantor"):
            for alias in node.names:  # `from guarantor.report import charts` imports a module
                candidate = f"{node.module}.{alias.name}"
                is_module = (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists()
                found.add(candidate if is_module else node.module)
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()
    }


def test_every_module_belongs_to_a_stage() -> None:
    for name in graph():
        rank(name)  # raises ValueError for a module outside the known stages


def test_no_module_imports_a_stage_above_its_own() -> None:
    upward = [
        f"{name} (stage {rank(name)}) imports {dep} (stage {rank(dep)})"
        for name, deps in graph().items()
        for dep in deps
        if rank(dep) > rank(name)
    ]
    assert upward == []


def test_no_import_cycles() -> None:
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(edges[node]):
            if state.get(dep) == 1:
                cycles.append([*stack[stack.index(dep) :], dep])
            elif dep not in state:
                visit(dep, [*stack, dep])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_the_layering_check_sees_a_violation() -> None:
    """The checks above must be able to fail: a report module importing the CLI is upward."""
    assert rank("guarantor.report.tables") < rank("guarantor.cli.app")
    assert "guarantor.cli.common" in imports_of(PACKAGE / "cli" / "solving.py")


def test_stage_packages_say_what_they_own() -> None:
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        if init.exists():
            doc = ast.get_docstring(ast.parse(init.read_text()))
            assert doc and "import" in doc, f"{init} needs a docstring saying what it owns and may import"
