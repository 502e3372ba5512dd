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
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    created = dt.datetime(2000, 1, 1)
    if created_at:
        with contextlib.suppress(ValueError):
            created = dt.datetime.fromisoformat(created_at).replace(tzinfo=None)
    book.set_properties({"title": "Guarantor report", "creator": "Guarantor", "created": created})
    header = book.add_format({"bold": True, "bottom": 2, "text_wrap": True, "valign": "top"})
    formats = {kind: book.add_format({"num_format": f}) for kind, f in FORMATS.items()}
    wrap = book.add_format({"text_wrap": False, "valign": "top"})
    taken: set[str] = set()
    for sheet in sheets:
        _write_sheet(book, sheet, sheet_name(sheet.name, taken), header, formats, wrap)
    book.close()
    return buffer.getvalue()


def _write_sheet(book: Any, sheet: Sheet, name: str, header: Any, formats: dict[str, Any], text: Any) -> None:
    table = sheet.table.reset_index() if sheet.index else sheet.table
    columns = list(
        sheet.columns
        or [describe(str(c)) if _numeric(table[c]) else Column(str(c), str(c), "text") for c in table.columns]
    )
    if sheet.index:
        index_key = str(table.columns[0])
        columns = [Column(index_key, sheet.index, "text"), *columns]
    columns = [c for c in columns if c.key in table.columns]
    ws = book.add_worksheet(name)
    widths = [len(c.header) for c in columns]
    for j, column in enumerate(columns):
        ws.write_string(0, j, column.header, header)
    for j, column in enumerate(columns):
        series = table[column.key]
        if column.kind != "text" and _numeric(series):
            shown = _write_numbers(ws, j, series, column.kind, formats, text)
        else:
            shown = _write_cells(ws, j, series, column.kind, formats, text)
        widths[j] = max(widths[j], shown)
    for j, width in enumerate(widths):
        ws.set_column(j, j, min(MAX_WIDTH, width + 2))
    ws.freeze_panes(1, 1 if sheet.index else 0)
    if columns:
        ws.autofilter(0, 0, max(len(table), 1), len(columns) - 1)


def _write_cells(ws: Any, j: int, series: pd.Series, kind: str, formats: dict[str, Any], text: Any) -> int:
    """Column `j`, one `_value` per cell (text, booleans, mixed objects); the widest shown width."""
    widest = 0
    for i, raw in enumerate(series.tolist(), start=1):
        if type(raw) is str:  # most cells of a text column: `_value` would return it as it is
            ws.write_string(i, j, raw[:MAX_CELL], text)
            widest = max(widest, min(len(raw), MAX_CELL))
            continue
        value = _value(raw, kind)
        if value is None:
            continue
        if isinstance(value, bool):
            ws.write_boolean(i, j, value)
            shown = 5
        elif isinstance(value, int | float):
            ws.write_number(i, j, value, formats.get(kind, formats["number"]))
            shown = len(f"{value:,.2f}")
        else:
            ws.write_string(i, j, value, text)
            shown = len(value)
        widest = max(widest, shown)
    return widest


def _write_numbers(ws: Any, j: int, series: pd.Series, kind: str, formats: dict[str, Any], text: Any) -> int:
    """A numeric column: what `_write_cells` writes, with the rounding rule chosen once and the
    width read off the extremes (`f"{x:,.2f}"` grows with |x|): 160,000-row sheets at scale."""
    import numpy as np

    tidy = cleaner(CLEAN_AS.get(kind, kind if kind in FORMATS else "number"))
    fmt = formats.get(kind, formats["number"])
    write = ws.write_number
    low, high, widest = np.inf, -np.inf, 0
    for i, x in enumerate(series.to_numpy(dtype="float64", na_value=np.nan).tolist(), start=1):
        if x != x:
            continue
        if x in (np.inf, -np.inf):
            ws.write_string(i, j, "no limit" if x > 0 else "-no limit", text)  # Excel has no infinity
            widest = max(widest, 8 if x > 0 else 9)
            continue
        value = tidy(x)
        write(i, j, value, fmt)
        low, high = min(low, value), max(high, value)
    if low <= high:
        widest = max(widest, len(f"{low:,.2f}"), len(f"{high:,.2f}"))
    return widest


def _numeric(series: pd.Series) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype))


def write_workbook(path: Path, sheets: Sequence[Sheet], created_at: str | None = None) -> None:
    """Write `path` atomically (never a half-written workbook)."""
    write_bytes(path, workbook_bytes(sheets, created_at))


def frame_sheets(tables: Mapping[str, pd.DataFrame], titles: Mapping[str, str] | None = None) -> list[Sheet]:
    """One sheet per table, headers and kinds from the column names (analysis results)."""
    return [Sheet((titles or {}).get(key, key.replace("_", " ")), table) for key, table in tables.items()]
