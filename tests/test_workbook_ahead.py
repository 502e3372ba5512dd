"""report.xlsx begun while the command solves: sheets written in any order, filed in the order
asked; a workbook given up leaves nothing behind (the one a worker began is compared with the
one written after the solve in test_handoff)."""

from __future__ import annotations

import copy
import multiprocessing
import re
import tempfile
import threading
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from guarantor.report import solvejobs as sj
from guarantor.report.rendering import DOCUMENT_PRELOAD, chart_renderer
from guarantor.report.reporting import hand_over, write_solve_report
from guarantor.report.shared import staged
from guarantor.report.workbook import workbook_ahead_job
from guarantor.report.xlsx import Book, Column, Sheet
from guarantor.scenario.loading import load_scenario

STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S*")


def workbook_cells(path: Path) -> list[tuple[str, list[list[Any]]]]:
    """Every sheet's cells in file order, timestamps blanked (the one thing that differs between runs)."""
    book = openpyxl.load_workbook(path)
    return [
        (ws.title, [[STAMP.sub("T", v) if isinstance(v, str) else v for v in row] for row in ws.values])
        for ws in book.worksheets
    ]


def _leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("guarantor-xlsx-*")}


def test_sheets_written_in_any_order_are_filed_in_the_order_asked(tmp_path: Path) -> None:
    rows = {"Alpha": 3, "Beta": 5, "Gamma": 1}
    sheets = {
        name: Sheet(name, pd.DataFrame({"id": [f"{name}{i}" for i in range(n)], "troops": range(n)}))
        for name, n in rows.items()
    }
    sheets["Beta"] = Sheet(
        "Beta", sheets["Beta"].table, [Column("id", "id", "text"), Column("troops", "troops")]
    )
    before = _leftovers()
    book = Book()
    for name in ("Gamma", "Alpha", "Beta"):  # written in another order than filed
        book.add(sheets[name])
    data = book.close([sheets["Alpha"], sheets["Beta"], sheets["Gamma"]], "2026-12-04T10:00:00+00:00")
    assert _leftovers() == before  # the rows' temporary files went with the file
    (tmp_path / "r.xlsx").write_bytes(data)
    read = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert read.sheetnames == ["Alpha", "Beta", "Gamma"]
    assert read.active.title == "Alpha"
    for name, n in rows.items():
        ws = read[name]
        assert [list(r) for r in ws.values] == [["id", "troops"]] + [[f"{name}{i}", i] for i in range(n)]
        assert ws.auto_filter.ref == f"A1:B{max(n, 1) + 1}"
        assert ws.freeze_panes == "A2"
    # each filter's defined name points at its own sheet by number, as Excel reads it
    workbook_xml = zipfile.ZipFile(tmp_path / "r.xlsx").read("xl/workbook.xml").decode()
    names = re.findall(
        r'<definedName name="_xlnm._FilterDatabase" localSheetId="(\d)"[^>]*>([^!]+)!', workbook_xml
    )
    assert sorted((int(i), sheet.strip("'")) for i, sheet in names) == [
        (0, "Alpha"),
        (1, "Beta"),
        (2, "Gamma"),
    ]
    assert 'tabSelected="1"' in zipfile.ZipFile(tmp_path / "r.xlsx").read("xl/worksheets/sheet1.xml").decode()


def test_closing_needs_every_sheet_once() -> None:
    a, b = (Sheet(n, pd.DataFrame({"x": [1]})) for n in "ab")
    book = Book()
    book.add(a)
    book.add(b)
    for wrong in ([a], [a, a], [a, b, a]):
        try:
            book.close(wrong)
        except ValueError:
            continue
        raise AssertionError(f"closed with {wrong}")
    assert book.close([b, a])


def test_a_fast_report_begins_no_workbook(mini_baseline: Path) -> None:
    loaded = load_scenario(mini_baseline)
    with (
        chart_renderer((), workers=2, preload=DOCUMENT_PRELOAD) as renderer,
        hand_over(loaded, renderer, workbook=False) as handoff,
    ):
        assert handoff is not None
        assert handoff.result().workbook is None


def test_a_workbook_given_up_is_discarded_and_frees_its_worker(mini_baseline: Path) -> None:
    """The command closes the pipe (its report failed): the worker stops waiting, keeps no files."""
    loaded = load_scenario(mini_baseline)
    token, blob = sj.pack_scenario(loaded)
    before = _leftovers()
    with staged(blob) as where:
        receive, send = multiprocessing.Pipe(duplex=False)
        outcome: list[object] = []
        job = threading.Thread(target=lambda: outcome.append(workbook_ahead_job(token, where, receive)))
        job.start()
        send.close()
        job.join(timeout=60)
    assert outcome == [None] and receive.closed
    assert _leftovers() == before
    with chart_renderer((), workers=1, preload=DOCUMENT_PRELOAD) as renderer:
        with hand_over(loaded, renderer) as handoff:
            assert handoff is not None
            book = handoff.result().workbook
            assert book is not None
        # the block gave it up: the one worker is free again for the next job
        assert renderer.submit(sum, [1, 2])() == 3


def test_decided_is_called_once_with_the_final_decisions(mini_baseline: Path) -> None:
    """`solve_scenario(decided=...)`: called with the decisions and metrics, before the
    explanations; not at all when there is no plan."""
    from guarantor.answer.assemble import solve_scenario

    seen: list[tuple[object, object, int]] = []

    def note(result: Any) -> None:
        seen.append((result.decisions, result.metrics, len(result.constraints)))

    result = solve_scenario(load_scenario(mini_baseline), decided=note)
    assert len(seen) == 1
    decisions, metrics, constraints = seen[0]
    assert decisions is result.decisions and metrics is result.metrics
    assert constraints == 0 < len(result.constraints)  # the explanations came after
    seen.clear()
    assert (
        solve_scenario(load_scenario(Path("scenarios/infeasible_overreach.yaml")), decided=note).decisions
        is None
    )
    assert seen == []


def test_charts_and_sheets_started_once_the_decisions_are_final(mini_baseline: Path, tmp_path: Path) -> None:
    """The command starts the charts, the CSV files and the workbook's decision sheets while it
    explains and checks the answer (`decided_hook`): the report is the one written after, and a
    report of another answer does not take them."""
    from guarantor.answer.assemble import solve_scenario
    from guarantor.report.reporting import decided_hook

    loaded = load_scenario(mini_baseline)
    with chart_renderer(("png",), workers=2) as renderer:
        with hand_over(loaded, renderer) as handoff:
            result = solve_scenario(loaded, decided=decided_hook(handoff, loaded, renderer))
            assert handoff is not None
            sent = handoff.result()
            assert len(sent.early) == 1 and sent.early[0].decisions is result.decisions
            troops = sent.early[0].charts["troops"]()["png"]
            # another answer's report first: it takes the workbook begun, not the decisions sent ahead
            other = replace(result, decisions=copy.deepcopy(result.decisions))
            assert other.decisions is not None
            key = next(k for k, v in sorted(other.decisions.amounts.items()) if v)
            other.decisions.amounts[key] += 1
            changed = write_solve_report(
                other, loaded, tmp_path / "other", renderer=renderer, handoff=handoff
            )
            early = write_solve_report(result, loaded, tmp_path / "early", renderer=renderer, handoff=handoff)
        plain = write_solve_report(result, loaded, tmp_path / "plain", renderer=renderer)
        plain_other = write_solve_report(other, loaded, tmp_path / "plain-other", renderer=renderer)
    assert (early / "charts" / "troops.png").read_bytes() == troops
    assert workbook_cells(changed / "report.xlsx") != workbook_cells(plain / "report.xlsx")
    for folder, reference in ((early, plain), (changed, plain_other)):
        for file in sorted(reference.rglob("*")):
            if file.suffix == ".png":
                assert (folder / file.relative_to(reference)).read_bytes() == file.read_bytes(), file.name
            elif file.suffix in (".csv", ".md"):
                text = STAMP.sub("T", (folder / file.relative_to(reference)).read_text())
                assert text == STAMP.sub("T", file.read_text()), file.name
        assert workbook_cells(folder / "report.xlsx") == workbook_cells(reference / "report.xlsx")
