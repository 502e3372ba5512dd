"""report.xlsx: every table of a run as a typed, formatted Excel sheet, and the manifest on its own.

Written with XlsxWriter (write-only, fast, fine control of number formats, reproducible
files when the creation date is fixed); tests read the files back with openpyxl. Cells
hold numbers, booleans or text, never numbers as text; each numeric header names its
unit; header rows are frozen and filterable. Values are rounded by `numbers.clean`, the
same rule as the CSV and JSON files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guarantor.atomic import write_bytes
from guarantor.report.numbers import clean, cleaner, column_kind

if TYPE_CHECKING:
    import pandas as pd

FORMATS = {
    "count": "#,##0",
    "amount": "#,##0.00",
    "usd_m": "#,##0.0",
    "usd": "#,##0",
    "price_usd": "#,##0",
    "fraction": "0.0%",
    "fraction3": "0.000%",
    "number": "General",
}
CLEAN_AS = {"fraction3": "fraction"}
UNITS = {"usd_m": "USD m", "usd": "USD", "price_usd": "USD", "fraction": "%"}
MAX_WIDTH = 60
MAX_CELL = 32_000
"""Excel's limit is 32,767 characters per cell."""


@dataclass(frozen=True)
class Column:
    """One sheet column: DataFrame column, header (with its unit), and kind (`numbers` kind or text)."""

    key: str
    header: str
    kind: str = "number"


@dataclass(frozen=True)
class Sheet:
    name: str
    table: pd.DataFrame
    columns: Sequence[Column] | None = None
    """None: every column, headers and kinds from the column names (`describe`)."""
    index: str = ""
    """Header of the index column, when the index carries meaning (e.g. contributor)."""


def describe(name: str, kind: str | None = None) -> Column:
    """A column's header and kind from its name: `total_cost_usd_m` -> 'total cost (USD m)'."""
    kind = kind or column_kind(name)
    words = name
    for suffix in ("_usd_m", "_usd"):
        if kind in ("usd_m", "usd") and words.endswith(suffix):
            words = words.removesuffix(suffix)
    words = words.replace("_", " ") if ":" not in words and "." not in words else words
    unit = UNITS.get(kind)
    return Column(name, f"{words} ({unit})" if unit else words, kind)


def _value(value: Any, kind: str) -> Any:
    """A cell value: numbers rounded by kind, missing values blank, other objects as text."""
    import numpy as np

    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, np.floating):
        value = float(value)
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "no limit" if value > 0 else "-no limit"  # Excel has no infinity
    if isinstance(value, int | float):
        if kind == "text":
            return str(value)
        return clean(value, CLEAN_AS.get(kind, kind if kind in FORMATS else "number"))
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    text = (
        value
        if isinstance(value, str)
        else ", ".join(map(str, value))
        if isinstance(value, list)
        else str(value)
    )
    return text[:MAX_CELL]


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip("' ")[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            rows += _flatten(value, f"{prefix}{key}.")
        else:
            rows.append((f"{prefix}{key}", value))
    return rows


def key_values(rows: Sequence[tuple[str, Any]], key: str = "field", value: str = "value") -> pd.DataFrame:
    """A two-column table (field, value) for summaries and the manifest."""
    import pandas as pd

    return pd.DataFrame(
        [[k, v if not isinstance(v, list) else ", ".join(map(str, v))] for k, v in rows], columns=[key, value]
    )


def manifest_sheet(manifest: Mapping[str, Any]) -> Sheet:
    """The run manifest, flattened; the merged scenario stays in results.json (too large for cells)."""
    shown = {k: v for k, v in manifest.items() if k != "resolved_scenario"}
    table = key_values(_flatten(shown))
    return Sheet("Manifest", table, [Column("field", "field", "text"), Column("value", "value", "text")])


def workbook_bytes(sheets: Sequence[Sheet], created_at: str | None = None) -> bytes:
    """The workbook as bytes; `created_at` (ISO) fixes the document date so reruns match."""
    book = Book()
    for sheet in sheets:
        book.add(sheet)
    return book.close(sheets, created_at)


class Book:
    """A workbook written a sheet at a time, in any order, and closed with its sheets in the order
    asked: at scale the input-only sheets (every sourced figure of the model: half the cells at
    1,600 contributors x 10 periods) are written while the command is still solving, before the
    answer's sheets that come first (`workbook.workbook_ahead_job`).

    XlsxWriter's constant-memory mode: each row's XML is made as the row is written, into a
    temporary file of the sheet's own (strings inline, rows in order), so `close` only zips.
    XlsxWriter writes sheets in the order they were added and has no call to move one (its
    author: "never part of the design"), so `close` puts its list of sheets in order and numbers
    them, which is all it reads of their order (the first sheet is the selected one, the filters'
    defined names point at sheet numbers): tested by reading files back with openpyxl."""

    def __init__(self) -> None:
        import tempfile

        import xlsxwriter

        self._files = tempfile.TemporaryDirectory(prefix="guarantor-xlsx-")
        self._buffer = io.BytesIO()
        options = {"constant_memory": True, "tmpdir": self._files.name, "strings_to_numbers": False}
        self._book = xlsxwriter.Workbook(self._buffer, options)
        self._header = self._book.add_format({"bold": True, "bottom": 2, "text_wrap": True, "valign": "top"})
        self._formats = {kind: self._book.add_format({"num_format": f}) for kind, f in FORMATS.items()}
        self._text = self._book.add_format({"text_wrap": False, "valign": "top"})
        self._taken: set[str] = set()
        self._written: dict[int, tuple[Sheet, Any]] = {}  # by id: sheets hold tables, not hashable
        self._open = True

    def add(self, sheet: Sheet) -> None:
        """Write `sheet` now (named by Excel's rules, in the order sheets are added)."""
        ws = self._book.add_worksheet(sheet_name(sheet.name, self._taken))
        _write_sheet(ws, sheet, self._header, self._formats, self._text)
        self._written[id(sheet)] = (sheet, ws)

    def __contains__(self, sheet: Sheet) -> bool:
        """Whether `sheet` (this object) was added."""
        return id(sheet) in self._written

    def close(self, order: Sequence[Sheet], created_at: str | None = None) -> bytes:
        """The file, its sheets in `order` (every sheet added, each once)."""
        if sorted(map(id, order)) != sorted(self._written):
            raise ValueError("close() needs every sheet added, each once")
        created = dt.datetime(2000, 1, 1)
        if created_at:
            with contextlib.suppress(ValueError):
                created = dt.datetime.fromisoformat(created_at).replace(tzinfo=None)
        book = self._book
        book.set_properties({"title": "Guarantor report", "creator": "Guarantor", "created": created})
        book.worksheets_objs[:] = [self._written[id(sheet)][1] for sheet in order]
        for index, ws in enumerate(book.worksheets_objs):
            ws.index = index
        self._open = False
        try:
            book.close()
        finally:
            self.discard()
        return self._buffer.getvalue()

    def discard(self) -> None:
        """Remove the temporary files; a workbook not yet closed is given up (its report failed)."""
        if self._open:
            self._open = False
            with contextlib.suppress(Exception):
                self._book.close()  # XlsxWriter's one way to close the sheets' temporary files
        self._files.cleanup()


Cells = list[tuple[Any, Any, Any] | None]
"""A column's cells as (write method, value, format), None where blank."""


def _write_sheet(ws: Any, sheet: Sheet, header: Any, formats: dict[str, Any], text: Any) -> None:
    """Header, then the rows in order (constant-memory mode keeps only the current row)."""
    table = sheet.table.reset_index() if sheet.index else sheet.table
    columns = list(
        sheet.columns
        or [describe(str(c)) if _numeric(table[c]) else Column(str(c), str(c), "text") for c in table.columns]
    )
    if sheet.index:
        index_key = str(table.columns[0])
        columns = [Column(index_key, sheet.index, "text"), *columns]
    columns = [c for c in columns if c.key in table.columns]
    widths = [len(c.header) for c in columns]
    for j, column in enumerate(columns):
        ws.write_string(0, j, column.header, header)
    cells: list[Cells] = []
    for j, column in enumerate(columns):
        series = table[column.key]
        if column.kind != "text" and _numeric(series):
            column_cells, shown = _number_cells(ws, series, column.kind, formats, text)
        else:
            column_cells, shown = _mixed_cells(ws, series, column.kind, formats, text)
        cells.append(column_cells)
        widths[j] = max(widths[j], shown)
    for i, row in enumerate(zip(*cells, strict=True), start=1):
        for j, cell in enumerate(row):
            if cell is not None:
                write, value, fmt = cell
                write(i, j, value, fmt)
    for j, width in enumerate(widths):
        ws.set_column(j, j, min(MAX_WIDTH, width + 2))
    ws.freeze_panes(1, 1 if sheet.index else 0)
    if columns:
        ws.autofilter(0, 0, max(len(table), 1), len(columns) - 1)


def _mixed_cells(
    ws: Any, series: pd.Series, kind: str, formats: dict[str, Any], text: Any
) -> tuple[Cells, int]:
    """A column of text, booleans or mixed objects, one `_value` per cell; and its widest shown width."""
    widest = 0
    cells: Cells = []
    add = cells.append
    string = ws.write_string
    for raw in series.tolist():
        if type(raw) is str:  # most cells of a text column: `_value` would return it as it is
            add((string, raw[:MAX_CELL], text))
            widest = max(widest, len(raw))
            continue
        value = _value(raw, kind)
        if value is None:
            add(None)
        elif isinstance(value, bool):
            add((ws.write_boolean, value, None))
            widest = max(widest, 5)
        elif isinstance(value, int | float):
            add((ws.write_number, value, formats.get(kind, formats["number"])))
            widest = max(widest, len(f"{value:,.2f}"))
        else:
            add((string, value, text))
            widest = max(widest, len(value))
    return cells, min(widest, MAX_CELL)


def _number_cells(
    ws: Any, series: pd.Series, kind: str, formats: dict[str, Any], text: Any
) -> tuple[Cells, int]:
    """A numeric column: what `_mixed_cells` makes, with the rounding rule chosen once and the
    width read off the extremes (`f"{x:,.2f}"` grows with |x|): 160,000-row sheets at scale."""
    import numpy as np

    tidy = cleaner(CLEAN_AS.get(kind, kind if kind in FORMATS else "number"))
    fmt = formats.get(kind, formats["number"])
    number, string = ws.write_number, ws.write_string
    cells: Cells = []
    add = cells.append
    low, high, widest = np.inf, -np.inf, 0
    for x in series.to_numpy(dtype="float64", na_value=np.nan).tolist():
        if x != x:
            add(None)
        elif x in (np.inf, -np.inf):
            add((string, "no limit" if x > 0 else "-no limit", text))  # Excel has no infinity
            widest = max(widest, 8 if x > 0 else 9)
        else:
            value = tidy(x)
            add((number, value, fmt))
            if value < low:
                low = value
            if value > high:
                high = value
    if low <= high:
        widest = max(widest, len(f"{low:,.2f}"), len(f"{high:,.2f}"))
    return cells, widest


def _numeric(series: pd.Series) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype))


def write_workbook(path: Path, sheets: Sequence[Sheet], created_at: str | None = None) -> None:
    """Write `path` atomically (never a half-written workbook)."""
    write_bytes(path, workbook_bytes(sheets, created_at))


def frame_sheets(tables: Mapping[str, pd.DataFrame], titles: Mapping[str, str] | None = None) -> list[Sheet]:
    """One sheet per table, headers and kinds from the column names (analysis results)."""
    return [Sheet((titles or {}).get(key, key.replace("_", " ")), table) for key, table in tables.items()]
