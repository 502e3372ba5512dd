"""How every number is rounded before it is written: one rule per kind of quantity, used by all writers.

CSV, results.json, report.xlsx, report.md/html and the brief all round through here, so a
number reads the same everywhere and none carries solver noise (`4999.999921`), binary
noise (`219.23999999999998`), a negative zero or an exponent (`2.63e-05`). The precision
follows what the data supports: money to $0.1 m, troops and whole units as integers,
fractions to six decimals (0.0001 percentage points), shadow prices to the dollar.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

USD_M_DECIMALS = 1
"""Money in USD million to one decimal: $0.1 m, the precision of the cost data."""
FRACTION_DECIMALS = 6
SIGNIFICANT = 9
"""Anything else: nine significant digits, far below any input's precision, far above binary noise."""

KINDS = ("count", "amount", "usd_m", "usd", "fraction", "price_usd", "number")
AMOUNT_DECIMALS = 2
"""Capability amounts the model does not make whole (an LP's troops): to 0.01, below solver tolerance."""


DECIMALS = {"usd_m": USD_M_DECIMALS, "fraction": FRACTION_DECIMALS, "amount": AMOUNT_DECIMALS}


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def clean(value: Any, kind: str = "number") -> Any:
    """One value rounded by its kind; integers come back as `int`; None, NaN, text and bools pass through.

    kinds: `count` (troops, whole units), `amount` (other capability amounts, to 0.01),
    `usd_m` (USD million, to 0.1), `usd` (dollars, to $100,000 = $0.1 m), `fraction` (shares,
    6 decimals), `price_usd` (a shadow price in dollars, to the dollar), `number` (nine
    significant digits).
    """
    if not _finite(value):
        return value
    return cleaner(kind)(float(value))


@functools.cache  # one function per kind, made once
def cleaner(kind: str) -> Callable[[float], int | float]:
    """`clean` for one kind, as a function of a finite float (writers call it once per column)."""
    if kind in ("count", "price_usd"):
        return _whole
    if kind == "usd":
        return _hundred_thousands
    if kind in DECIMALS:
        digits = DECIMALS[kind]
        return lambda x: _tidy(round(x, digits))
    return lambda x: _tidy(float(f"{x:.{SIGNIFICANT}g}"))


def _whole(x: float) -> int:
    return round(x) + 0


def _hundred_thousands(x: float) -> int:
    return int(round(x, -5)) + 0


def _tidy(x: float) -> int | float:
    x += 0.0  # -0.0 + 0.0 is 0.0
    return int(x) if x.is_integer() and abs(x) < 1e15 else x


def positional(value: Any) -> str:
    """A cleaned number as text for CSV: never an exponent, never a trailing `.0`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return _shortest(float(value))


def _shortest(value: float) -> str:
    """The shortest decimal that reads back as `value`, without an exponent (`123456.7`, not the
    `123456.699999999997` a fixed number of decimals printed)."""
    text = repr(value)
    if "e" in text:
        import numpy as np

        text = np.format_float_positional(value, trim="-")
    return "0" if text in ("-0.0", "0.0") else text


def column_kind(name: str) -> str:
    """The kind of a table column from its name (the naming convention every table follows)."""
    lowered = name.lower()
    if lowered.endswith("_usd"):
        return "usd"
    if lowered.endswith("_usd_m") or lowered.startswith("funding_") or lowered in ("objective",):
        return "usd_m"
    if (
        "share" in lowered
        or lowered.startswith("rho_")
        or lowered in ("deviation", "relative_deviation", "europe_minimum", "s1", "st", "s1_conf", "st_conf")
    ):
        return "fraction"
    return "number"


def csv_text(table: pd.DataFrame, index: bool = False, kinds: Mapping[str, str] | None = None) -> str:
    """CSV of a cleaned table: Unix line endings, positional numbers, empty cells for missing values.

    The text is `positional(clean(value, kind))` of every cell (tested against that rule), made
    one column at a time: a 10,000-sample table has 1.3 million cells, and the cell-by-cell path
    took seconds.
    """
    import csv
    import io

    columns = [str(c) for c in table.columns]
    series = [table.iloc[:, i] for i in range(len(columns))]
    texts = [_cleaned_text(column, _kind(name, kinds)) for name, column in zip(columns, series, strict=True)]
    if index:
        frame = table.index.to_frame(index=False)
        names = table.index.names
        default = ["index"] if len(names) == 1 else [f"level_{i}" for i in range(len(names))]
        columns = [str(d if n is None else n) for n, d in zip(names, default, strict=True)] + columns
        series = [frame.iloc[:, i] for i in range(frame.shape[1])] + series
        texts = [_column_text(column) for column in series[: frame.shape[1]]] + texts
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    if len(columns) == 1:  # a row of one empty field is written `""`: leave that to the csv module
        writer.writerows(zip(*texts, strict=True))
        return buffer.getvalue()
    # numbers never need quoting; text columns are quoted cell by cell by the csv module itself,
    # so the rows can be joined in C (csv.writer took three times as long)
    texts = [t if _numeric(c) else _quoted(t) for c, t in zip(series, texts, strict=True)]
    rows = "\n".join(map(",".join, zip(*texts, strict=True)))
    return buffer.getvalue() + rows + ("\n" if rows else "")


def _numeric(series: pd.Series) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_float_dtype(series.dtype) or pd.api.types.is_integer_dtype(series.dtype))


def _quoted(texts: list[str]) -> list[str]:
    """Each cell as `csv.writer` writes it inside a row of several fields."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    out = []
    for text in texts:
        if text and any(c in text for c in ',"\r\n'):
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([text])
            text = buffer.getvalue()[:-1]
        out.append(text)
    return out


def _kind(column: str, kinds: Mapping[str, str] | None) -> str:
    return (kinds or {}).get(column) or column_kind(column)


def _cleaned_text(series: pd.Series, kind: str) -> list[str]:
    """`positional(clean(v, kind))` of a column. Nine significant digits are printed by one
    C-level `format` per cell (the few cells whose text could need an exponent or a sign fix take
    the cell rule); other kinds by the kind's `cleaner`, chosen once."""
    import numpy as np
    import pandas as pd

    if not pd.api.types.is_float_dtype(series.dtype):
        return _column_text(series)
    values = series.to_numpy(dtype="float64")
    if kind == "number":  # nine significant digits: `format(v, ".9g")` is the text itself
        finite = np.isfinite(values)
        whole = np.where(finite, values, 0.0)
        if (whole == np.floor(whole)).all() and (np.abs(whole) < 1e8).all():
            # whole numbers of at most eight digits (troops, counts) print as integers: no `format`
            texts = list(map(str, whole.astype(np.int64).tolist()))
            for i in np.flatnonzero(~finite).tolist():
                texts[i] = "" if np.isnan(values[i]) else positional(clean(float(values[i]), kind))
            return texts
        texts = list(map(format, values.tolist(), ["." + str(SIGNIFICANT) + "g"] * len(values)))
        size = np.abs(values)
        for i in np.flatnonzero(values == 0).tolist():
            texts[i] = "0"  # not "-0"
        exponent = (size >= 10.0 ** (SIGNIFICANT - 1) * 0.999) | ((size < 1.0001e-4) & (size > 0))
        odd = np.isinf(values) | exponent  # where `format` could write 1e+09 or 1e-05
    else:
        digits = {"count": 0, "price_usd": 0, "usd": -5}.get(kind, DECIMALS.get(kind, 0))
        rounded = np.round(values, digits) + 0.0
        # numpy scales, rounds and scales back: within a hair of a half it can round the other way
        # from `clean` (Python's correctly rounded `round`: 0.35 is stored just below 0.35, so 0.3)
        scaled = np.abs(values * 10.0**digits)
        with np.errstate(invalid="ignore"):
            halves = (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6) | (scaled >= 2.0**52)
        tidy = cleaner(kind)
        for i in np.flatnonzero(halves & np.isfinite(values)).tolist():
            rounded[i] = tidy(float(values[i]))
        finite = np.isfinite(rounded)
        whole = finite & (rounded == np.floor(rounded)) & (np.abs(rounded) < 1e15)
        if whole.all():
            return list(map(str, rounded.astype(np.int64).tolist()))
        texts = list(map(repr, rounded.tolist()))  # shortest round trip, positional in this range
        size = np.abs(rounded)
        odd = np.isinf(rounded) | (size >= 1e15) | ((size < 1e-4) & (size > 0))
        for i in np.flatnonzero(whole).tolist():
            texts[i] = texts[i][:-2]  # "3.0" -> "3"
        values = rounded
    for i in np.flatnonzero(np.isnan(values)).tolist():
        texts[i] = ""
    for i in np.flatnonzero(odd).tolist():
        texts[i] = positional(clean(float(values[i]), kind))
    return texts


def _column_text(series: pd.Series) -> list[str]:
    """`positional` of every cell of a column that needs no rounding (integers, text, an index)."""
    import pandas as pd

    if pd.api.types.is_integer_dtype(series.dtype) and not series.hasnans:
        return [str(v) for v in series.to_numpy(dtype="int64").tolist()]
    if pd.api.types.is_float_dtype(series.dtype):
        return _float_texts(series.to_numpy(dtype="float64").tolist())
    return [positional(v) if not _missing(v) else "" for v in series]


def _float_texts(values: list[float]) -> list[str]:
    """`positional` of floats, inlined (NaN empty, infinities as `inf`)."""
    out = []
    for v in values:
        if v != v:
            out.append("")
        elif v.is_integer():
            out.append(str(int(v)))
        else:
            out.append(_shortest(v))
    return out


def _missing(value: Any) -> bool:
    try:
        import pandas as pd

        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def clean_tree(data: Any, kinds: Mapping[str, str] | None = None, kind: str = "number") -> Any:
    """JSON-ready data with every float rounded: by key (`kinds`), else by the key's name, else `kind`.

    results.json holds the whole merged scenario (350,000 nodes at 400 contributors × 10
    periods), so the common types are told apart by `type` first and each key's kind is
    looked up once per distinct key name."""
    t = type(data)
    if t is str or t is int or t is bool or data is None:
        return data
    if t is float:
        return clean(data, kind)
    if isinstance(data, dict):
        given = kinds or {}
        return {
            key: clean_tree(value, kinds, given.get(str(key)) or _key_kind(str(key), kind))
            for key, value in data.items()
        }
    if isinstance(data, list | tuple):
        if data and type(data[0]) is dict:
            return _records(data, kinds, kind)
        return [clean_tree(value, kinds, kind) for value in data]
    return clean(data, kind) if isinstance(data, float) else data


def _records(rows: list[Any] | tuple[Any, ...], kinds: Mapping[str, str] | None, kind: str) -> list[Any]:
    """`clean_tree` of a list of records (results.json's 72,800 constraints at 1,600 contributors ×
    10 periods), each key's rounding found once for the list and plain values cleaned inline."""
    given = kinds or {}
    rule: dict[Any, tuple[str, Callable[[float], int | float]]] = {}
    out: list[Any] = []
    for row in rows:
        if type(row) is not dict:
            out.append(clean_tree(row, kinds, kind))
            continue
        tidy: dict[Any, Any] = {}
        for key, value in row.items():
            found = rule.get(key)
            if found is None:
                named = given.get(str(key)) or _key_kind(str(key), kind)
                found = rule[key] = (named, cleaner(named))
            t = type(value)
            if t is float:
                tidy[key] = found[1](value) if math.isfinite(value) else value
            elif t is str or t is int or t is bool or value is None:
                tidy[key] = value
            else:
                tidy[key] = clean_tree(value, kinds, found[0])
        out.append(tidy)
    return out


def clean_columns(
    columns: Mapping[str, Sequence[Any]], kinds: Mapping[str, str] | None = None, kind: str = "number"
) -> list[dict[str, Any]]:
    """The records `clean_tree` makes of the rows of `columns` (key -> one value per row), cleaned a
    column at a time: each key's rule found once, columns of text passed on whole (results.json's
    72,800 constraint records at 1,600 contributors x 10 periods, on the command's critical path)."""
    given = kinds or {}
    cleaned: list[Sequence[Any]] = []
    for key, values in columns.items():
        if _PASSED.issuperset(map(type, values)):
            cleaned.append(values)
            continue
        named = given.get(str(key)) or _key_kind(str(key), kind)
        tidy = cleaner(named)
        out: list[Any] = []
        for value in values:
            t = type(value)
            if t is float:
                out.append(tidy(value) if math.isfinite(value) else value)
            elif t is str or t is int or t is bool or value is None:
                out.append(value)
            else:
                out.append(clean_tree(value, kinds, named))
        cleaned.append(out)
    keys = list(columns)
    return [dict(zip(keys, row, strict=True)) for row in zip(*cleaned, strict=True)]


_PASSED = frozenset((str, int, bool, type(None)))


@functools.lru_cache(maxsize=4096)
def _key_kind(key: str, inherited: str) -> str:
    found = column_kind(key)
    return inherited if found == "number" else found
