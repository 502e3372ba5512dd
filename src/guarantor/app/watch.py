"""Re-validate and re-solve a scenario whenever it, a file it `extends:` or its model is saved.

Each good save writes the usual report folder (atomically, so a failed run leaves the last good
report) and a small live page beside it that reloads the report when a new one lands; a broken
save reports the located problems instead and leaves the report alone. Files are watched with
`watchfiles` (inotify/FSEvents through the Rust `notify` crate) on their folders, so editors that
save by writing a new file and renaming it over the old one are seen too.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from guarantor.answer.results import Result
from guarantor.atomic import safe_name, write_text
from guarantor.errors import InputError, Problem
from guarantor.scenario.loading import LoadedScenario

if TYPE_CHECKING:
    from rich.console import Console

LIVE_FOLDER = ".live"
"""Live pages go here, under the output folder: report folders stay exactly as `solve` writes them."""

DEBOUNCE_MS = 150
"""Editors write a file in several steps; changes this close together are one save."""


@dataclass
class Outcome:
    """One re-solve: the result and report folder, or the problems that stopped it."""

    run: int
    result: Result | None = None
    loaded: LoadedScenario | None = None
    folder: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    files: tuple[Path, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def inputs_of(path: Path, overrides: Iterable[str] = ()) -> tuple[Path, ...]:
    """The files a scenario is built from (itself, its `extends:` chain, its model), if it resolves."""
    from guarantor.scenario.loading import resolve_scenario

    files = {path.resolve()}
    try:
        resolved = resolve_scenario(path, list(overrides))
    except InputError:
        return tuple(sorted(files))
    files.update(Path(f).resolve() for f in resolved.files if f and Path(f).exists())
    return tuple(sorted(files))


def solve_once(path: Path, out: Path, overrides: Iterable[str] = (), run: int = 1) -> Outcome:
    """Load, validate, solve, check and write the report; problems are returned, not raised."""
    from guarantor.answer.assemble import solve_scenario
    from guarantor.answer.verify import verified
    from guarantor.report.reporting import write_solve_report
    from guarantor.scenario.loading import load_scenario
    from guarantor.solve.pipeline import options_for

    start = time.perf_counter()
    overrides = list(overrides)
    try:
        loaded = load_scenario(path, overrides)
    except InputError as error:
        return Outcome(run, problems=error.problems, files=inputs_of(path, overrides))
    result = verified(solve_scenario(loaded, options_for(loaded), robustness=True), loaded)  # as `solve`
    folder = write_solve_report(result, loaded, out)
    files = {path.resolve(), *(Path(f).resolve() for f in loaded.resolved.files if f)}
    return Outcome(run, result, loaded, folder, [], tuple(sorted(files)), time.perf_counter() - start)


def live_page(out: Path, name: str) -> Path:
    """The page that shows `<out>/<name>/report.html` and reloads it when a new report lands."""
    return out / LIVE_FOLDER / f"{safe_name(name)}.html"


def template(name: str) -> str:
    """A file shipped in the package's `app/templates/` (package data, never fetched)."""
    return (Path(__file__).parent / "templates" / name).read_text(encoding="utf-8")


def write_live(out: Path, name: str, outcome: Outcome) -> Path:
    """Write the live page (pointing at the report folder the run wrote) and its stamp; return the page."""
    page = live_page(out, name)
    stamp = page.with_suffix(".js")
    if outcome.folder is not None or not page.exists():
        folder = outcome.folder.name if outcome.folder is not None else safe_name(name)
        page_text = Template(template("live.html")).substitute(
            name=html.escape(name), folder=folder, stamp=stamp.name
        )
        write_text(page, page_text)
    summary = ""
    if outcome.result is not None and outcome.result.metrics is not None:
        summary = f"total cost USD {outcome.result.metrics.total_cost_usd_m:,.1f} m"
    elif outcome.result is not None:
        summary = str(outcome.result.status)
    state = {
        "ok": outcome.ok,
        "run": outcome.run,
        "stamp": f"{outcome.run}-{time.time_ns()}",
        "time": time.strftime("%H:%M:%S"),
        "summary": summary,
        "errors": [str(p) for p in outcome.problems],
    }
    write_text(stamp, f"guarantorLive({json.dumps(state)});\n")
    return page


def watch(
    path: Path,
    out: Path,
    on_outcome: Callable[[Outcome], None],
    overrides: Iterable[str] = (),
    stop: threading.Event | None = None,
) -> None:
    """Solve now, then again on every save of an input file, until `stop` is set (or Ctrl-C).

    The watched set follows the scenario: a save that adds an `extends:` or points at another
    model starts watching the new files. Ctrl-C raises KeyboardInterrupt in the caller.
    """
    from watchfiles import watch as watch_changes

    overrides = list(overrides)
    stop = stop or threading.Event()
    run = 1
    outcome = solve_once(path, out, overrides, run)
    on_outcome(outcome)
    files = set(outcome.files)
    while not stop.is_set():
        folders = sorted({f.parent for f in files if f.parent.exists()})
        changes_seen = False
        watched = frozenset(files)

        def is_input(_change: object, name: str, watched: frozenset[Path] = watched) -> bool:
            return Path(name).resolve() in watched

        for changes in watch_changes(
            *folders,
            watch_filter=is_input,
            debounce=DEBOUNCE_MS,
            stop_event=stop,
            rust_timeout=500,
            yield_on_timeout=False,
        ):
            if not changes:
                continue
            run += 1
            changes_seen = True
            outcome = solve_once(path, out, overrides, run)
            if not outcome.ok:  # keep watching what the last good run read: the fix may be there
                outcome.files = tuple(sorted(files | set(outcome.files)))
            on_outcome(outcome)
            if set(outcome.files) != files:
                files = set(outcome.files)
                break  # watch the new set of folders
        if not changes_seen and stop.is_set():
            break


def show(outcome: Outcome, console: Console, page: Path | None = None) -> None:
    """Redraw the terminal: the summary of a good run, or the located problems of a broken save."""
    from rich.text import Text

    from guarantor.report.summary import print_summary

    if console.is_terminal:
        console.clear()
    when = time.strftime("%H:%M:%S")
    if outcome.ok and outcome.result is not None and outcome.loaded is not None and outcome.folder:
        print_summary(outcome.result, outcome.loaded, outcome.folder, console)
        console.print(f"[green]run {outcome.run} at {when}[/green] ({outcome.seconds:.1f} s)")
    else:
        for problem in outcome.problems:
            console.print(Text.assemble(("error:", "red"), f" {problem}"), highlight=False)
        console.print(f"{len(outcome.problems)} problem(s) found.")
        console.print(f"[red]run {outcome.run} at {when}: broken save[/red]; the last good report is kept")
    if page is not None:
        console.print(f"live report: {page}")
    names = ", ".join(sorted(f.name for f in outcome.files))
    console.print(f"watching {len(outcome.files)} file(s) ({names}); Ctrl-C to stop")
