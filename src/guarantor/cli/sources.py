"""`guarantor sources`: every figure a model (or a scenario's merged model) uses, and its evidence.

Registered on the main app by `cli._register_optional`. The inventory and its ordering
live in `report/sources.py`; with a scenario, the tornado swings come from
`analysis/evidence.py`. No `from __future__ import annotations`: typer reads the options.
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from guarantor import jsonlayout

if TYPE_CHECKING:
    from guarantor.report.sources import FigureRow

GRADES = ("A", "B", "C", "assumption")


def list_sources(
    path: Path, grade: str | None, overrides: list[str], as_json: bool, delta: float, as_of: int
) -> int:
    """Load a model or scenario, grade every figure, rank the weakest that matter most first."""
    from guarantor.cli.solving import EXIT_OK
    from guarantor.errors import InputError, Origin, Problem
    from guarantor.report.sources import (
        at_most,
        evidence_mix,
        figure_inventory,
        scenario_inventory,
        sort_by_weakness,
        with_swings,
    )
    from guarantor.scenario.loading import is_model_file, load_model, load_scenario

    if grade is not None and grade not in GRADES:
        raise InputError(
            [Problem(Origin("--grade"), "grade", f"unknown grade {grade!r}; expected A, B, C or assumption")]
        )
    swings_measured = False
    if is_model_file(path):
        if overrides:
            raise InputError(
                [Problem(Origin("--set"), "set", "--set needs a scenario; a model file is listed as it is")]
            )
        _, resolved = load_model(path)

        def origin(figure: str) -> str:
            keys = [int(p) if p.isdigit() else p for p in figure.split(".")]
            return str(resolved.origin_of((*keys, "value")))

        rows = figure_inventory(resolved.data, origin)
    else:
        from guarantor.analysis.evidence import figure_swings

        loaded = load_scenario(path, overrides)
        rows = with_swings(
            scenario_inventory(loaded),
            figure_swings(loaded.resolved.data, delta, loaded.scenario.solver.name),
        )
        swings_measured = True
    rows = sort_by_weakness(rows)
    shown = at_most(rows, grade) if grade is not None else rows
    if as_json:
        payload = {
            "path": str(path),
            "mix": evidence_mix(rows),
            "as_of": as_of,
            "swing_delta": delta if swings_measured else None,
            "figures": [r.as_dict(as_of) for r in shown],
        }
        typer.echo(jsonlayout.dumps(payload), nl=False)
        return EXIT_OK
    _print(shown, evidence_mix(rows), as_of, swings_measured, grade)
    return EXIT_OK


def _print(rows: list["FigureRow"], mix: str, as_of: int, swings: bool, grade: str | None) -> None:
    """Two lines a figure (readable at any terminal width): what and how strong, then its source."""
    order = "weakest first" + (", the largest swing first within a grade" if swings else "")
    typer.echo(f"Figures and their evidence ({order}; age counted to {as_of}):")
    for r in rows:
        value = f"{r.value:,.6g}" if isinstance(r.value, int | float) else str(r.value)
        age = r.age(as_of)
        when = (
            f"{r.year}, {age} year{'s' if age != 1 else ''} old"
            if r.year is not None and age is not None
            else "no year"
        )
        swing = f"; swing ${r.swing:,.1f} m" if swings and r.swing else ""
        basis = f"; {r.cost_basis} cost" if r.cost_basis else ""
        typer.echo(f"[{r.grade}] {r.path} = {value} ({when}{basis}{swing})  {r.set_in}")
        typer.echo(f"      {r.source + ': ' if r.source else 'assumption: '}{r.citation}")
    scope = f" ({len(rows)} shown: grade {grade} or weaker)" if grade else ""
    typer.echo(f"{mix}{scope}")


def register(app: typer.Typer, guarded: Callable[[Callable[[], int]], None]) -> None:
    """Add `sources` to the main app (called by `guarantor.cli.app`)."""
    from guarantor.cli.common import JsonOption, SetOption

    @app.command()
    def sources(
        path: Annotated[Path, typer.Argument(help="A model or scenario YAML file.")],
        grade: Annotated[
            str | None,
            typer.Option("--grade", help="Show only figures of this grade or weaker: A, B, C or assumption."),
        ] = None,
        set_: SetOption = None,
        as_json: JsonOption = False,
        delta: Annotated[
            float,
            typer.Option(
                "--delta", min=0.01, max=0.9, help="Relative move for the tornado swing (scenario only)."
            ),
        ] = 0.2,
        as_of: Annotated[
            int | None, typer.Option("--as-of", help="Year the ages are counted to (default: this year).")
        ] = None,
    ) -> None:
        """Every figure used: value, source, grade, year, age; the weakest that move the answer most first."""
        guarded(lambda: list_sources(path, grade, set_ or [], as_json, delta, as_of or date.today().year))
