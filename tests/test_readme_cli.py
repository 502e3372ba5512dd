"""Every command and option of the CLI is documented in README.md (a test fails when one is not)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer

from guarantor.cli.app import app

README = Path(__file__).resolve().parent.parent / "README.md"


def documented(token: str, text: str) -> bool:
    """`token` appears as a whole word (so `--set` is not satisfied by `--settings`)."""
    return re.search(rf"(?<![\w-]){re.escape(token)}(?![\w-])", text) is not None


def command_tree() -> list[tuple[str, Any]]:
    """(`guarantor name`, command) for the root and every command, subcommands included.

    Duck-typed: recent typer versions vendor click, so its classes are not `click.Group`.
    """
    root = typer.main.get_command(app)
    found: list[tuple[str, Any]] = [("guarantor", root)]
    for path, command in found:
        found.extend(
            (f"{path} {name}", sub) for name, sub in sorted(getattr(command, "commands", {}).items())
        )
    return found


def test_the_command_tree_is_found() -> None:
    names = [path for path, _ in command_tree()]
    assert {"guarantor solve", "guarantor compare", "guarantor validate"} <= set(names)


def test_every_command_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [path for path, _ in command_tree()[1:] if not documented(path, text)]
    assert not missing, f"commands not mentioned in README.md: {missing}"


def sections(text: str) -> list[str]:
    """README split at Markdown headings (lines starting with # inside code fences do not count)."""
    out: list[list[str]] = [[]]
    fenced = False
    for line in text.splitlines():
        fenced ^= line.startswith("```")
        if line.startswith("#") and not fenced:
            out.append([])
        out[-1].append(line)
    return ["\n".join(lines) for lines in out]


def test_every_option_is_documented_where_its_command_is() -> None:
    """Each option appears in a README section that also names its command (root options anywhere)."""
    text = README.read_text(encoding="utf-8")
    missing = []
    for path, command in command_tree():
        places = [s for s in sections(text) if documented(path, s)] if path != "guarantor" else [text]
        for param in command.params:
            if param.param_type_name == "option":
                opts = param.opts + param.secondary_opts
                missing += [f"{path} {o}" for o in opts if not any(documented(o, s) for s in places)]
    assert not missing, f"options not documented next to their command in README.md: {missing}"


def test_exit_codes_are_documented() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- BEGIN cli -->")[1].split("<!-- END cli -->")[0]
    for code in ("0", "1", "2", "3", "4"):
        assert re.search(rf"^\| *`?{code}`? *\|", section, re.MULTILINE), f"exit code {code} not in the table"


def test_readme_shows_the_generated_baseline_output() -> None:
    """The excerpt between the markers comes from dev/readme_output.py, and its images exist."""
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- BEGIN baseline-output -->")[1].split("<!-- END baseline-output -->")[0]
    assert "$ guarantor solve scenarios/baseline.yaml" in block and "status: optimal" in block
    images = re.findall(r"\]\((docs/img/[^)]+\.png)\)", block)
    assert images and all((README.parent / image).is_file() for image in images)
