"""report.xlsx of a solve, begun while the command still solves (`workbook_ahead_job`), or all at
once (`workbook_job`).

Why: at 1,600 contributors x 10 periods the workbook is the report's longest job (600,000
cells), and half of it, the input sheets, needs no answer: one report worker writes them on
the core HiGHS leaves idle, then the decisions' sheets once the decisions are final, then the
rest; the command hands it each bundle through a pipe (`BookAhead`). In process the same
functions run one after another, so the file is the same either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from guarantor.gcpause import gc_paused
from guarantor.report.rendering import ChartRenderer
from guarantor.report.solvejobs import Prepared, held_scenario, prepared
from guarantor.scenario.loading import LoadedScenario

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from guarantor.report.sheets import Decided
    from guarantor.report.xlsx import Book, Sheet


def workbook_job(token: str, where: str | None) -> bytes:
    """report.xlsx, all at once (in process, or when no worker began it during the solve)."""
    p = prepared(token, where)
    book, inputs = _begin_workbook(p.bundle.loaded)
    return _finish_workbook(book, inputs, p)


def workbook_ahead_job(token: str, where: str, answer: Connection) -> bytes | None:
    """report.xlsx begun while the command solves, on the core it leaves idle: the input sheets
    (every sourced figure: half the workbook at 1,600 contributors x 10 periods, ~2 s) first; then
    it waits on `answer` for a bundle of the decisions (`BookAhead.decided`), whose sheets it
    writes, and for the report's bundle (`BookAhead.finish`), and writes the rest. None: the
    command gave its report up (closed `answer`)."""
    from guarantor.report.sheets import decision_sheets

    loaded, _ = held_scenario(token, where)
    book, inputs = _begin_workbook(loaded)
    decided, early_token = None, None
    try:
        with answer:
            while True:  # ("decided", ...) first if the decisions came ahead, then ("answer", ...)
                kind, bundle_token, bundle_where = answer.recv()
                if kind == "answer":
                    break
                early, early_token = prepared(bundle_token, bundle_where), bundle_token
                with gc_paused():
                    decided = decision_sheets(early.bundle.result, early.params, early.tables)
                    for sheet in (*decided[0], *decided[1]):
                        book.add(sheet)
    except EOFError:  # the command gave its report up
        book.discard()
        return None
    except BaseException:
        book.discard()
        raise
    whole = prepared(bundle_token, bundle_where)
    if decided is not None and whole.decided != early_token:  # another answer's: begin again
        book.discard()
        book, inputs = _begin_workbook(loaded)
        decided = None
    return _finish_workbook(book, inputs, whole, decided)


def _begin_workbook(loaded: LoadedScenario) -> tuple[Book, list[Sheet]]:
    from guarantor.report.sheets import input_sheets
    from guarantor.report.xlsx import Book

    book = Book()
    try:
        with gc_paused():  # a cell object per value: 600,000 at 1,600 contributors x 10 periods
            inputs = input_sheets(loaded)
            for sheet in inputs:
                book.add(sheet)
    except BaseException:
        book.discard()
        raise
    return book, inputs


def _finish_workbook(book: Book, inputs: list[Sheet], p: Prepared, decided: Decided | None = None) -> bytes:
    """The answer's sheets and the manifest, then the file: the answer first, inputs, manifest
    (`decided`: the decisions' sheets, written already)."""
    from guarantor.report.sheets import answer_sheets
    from guarantor.report.xlsx import manifest_sheet

    manifest = p.bundle.payload["manifest"]
    try:
        with gc_paused():
            answer = answer_sheets(p.bundle.result, p.bundle.loaded, p.params, p.tables, decided)
            last = manifest_sheet(manifest)
            for sheet in (*answer, last):
                if sheet not in book:
                    book.add(sheet)
            return book.close([*answer, *inputs, last], manifest["created_at"])
    finally:
        book.discard()


class BookAhead:
    """This process's end of `workbook_ahead_job`: the worker writes the input sheets while the
    command solves and waits on a pipe (the one channel a pool's job can be handed: a pool
    cannot address the worker that holds the half-written workbook) for the report's bundles."""

    def __init__(self, renderer: ChartRenderer, token: str, where: str) -> None:
        self._receive, self._send = renderer.context.Pipe(duplex=False)
        self._made = renderer.submit_soon(workbook_ahead_job, token, where, self._receive)

    def decided(self, token: str, where: str) -> None:
        """Hand the worker a bundle of the decisions (`Early`): it writes their sheets meanwhile."""
        if not self._send.closed:
            self._send.send(("decided", token, where))

    def finish(self, token: str, where: str | None) -> Callable[[], bytes] | None:
        """Hand the worker the report's bundle; the returned function waits for the file (None:
        the workbook went to an earlier report or was given up)."""
        if self._send.closed:
            return None
        self._send.send(("answer", token, where))
        self._send.close()

        def made() -> bytes:
            try:
                value = self._made()
            finally:
                self._receive.close()
            if value is None:
                raise RuntimeError("the workbook begun during the solve was given up")
            return value

        return made

    def close(self) -> None:
        """Give the workbook up if it was never sent for (its worker discards what it wrote)."""
        self._send.close()
