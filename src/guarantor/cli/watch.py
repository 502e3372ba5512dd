"""`guarantor watch`: re-solve a scenario on every save of it, its `extends:` chain or its model.

Registered on the main app by `cli._register_optional`. No `from __future__ import annotations`:
typer must evaluate the option annotations.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer


def watch_scenario(scenario: Path, out: Path, overrides: list[str], open_browser: bool) -> int:
    """Run the watch loop until Ctrl-C; each run redraws the terminal."""
    from rich.console import Console

    from guarantor.app import require
    from guarantor.errors import InputError, Origin, Problem

    require("watch", "watchfiles")
    from guarantor.app.watch import Outcome, show, watch, write_live

    if not scenario.is_file():
        raise InputError([Problem(Origin(str(scenario)), "", "scenario file not found")])
    console = Console()
    opened = False

    def on_outcome(outcome: Outcome) -> None:
        nonlocal opened
        name = outcome.result.scenario if outcome.result is not None else _name_of(scenario)
        page = write_live(out, name, outcome)
        show(outcome, console, page)
        if open_browser and not opened and outcome.ok:
            import webbrowser

            webbrowser.open(page.resolve().as_uri())
            opened = True

    try:
        watch(scenario, out, on_outcome, overrides)
    except KeyboardInterrupt:
        console.print("stopped watching.")
    return 0


def _name_of(scenario: Path) -> str:
    """The scenario's `name:` if the file still says it (even when it does not validate), else its stem."""
    from guarantor.scenario.yamlio import read_yaml

    try:
        name = read_yaml(scenario).value.get("name")
    except Exception:
        return scenario.stem
    return str(name.value) if name is not None and isinstance(name.value, str) else scenario.stem


def register(app: typer.Typer, guarded: Callable[[Callable[[], int]], None]) -> None:
    """Add `watch` to the main app (called by `guarantor.cli.app`)."""
    from guarantor.cli.common import OutOption, SetOption

    @app.command()
    def watch(
        scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
        out: OutOption = Path("reports"),
        set_: SetOption = None,
        open_browser: Annotated[
            bool, typer.Option("--open", help="Open the live report in the browser; it reloads itself.")
        ] = False,
    ) -> None:
        """Re-validate and re-solve on every save of the scenario, its extends chain or its model."""
        guarded(lambda: watch_scenario(scenario, out, set_ or [], open_browser))
