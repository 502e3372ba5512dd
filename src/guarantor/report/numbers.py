"""How every number is rounded before it is written: one rule per kind of quantity, used by all writers.

CSV, results.json, report.xlsx, report.md/html and the brief all round through here, so a
number reads the same everywhere and none carries solver noise (`4999.999921`), binary
noise (`219.23999999999998`), a negative zero or an exponent (`2.63e-05`). The precision
follows what the data supports: money to $0.1 m, troops and whole units as integers,
fractions to six decimals (0.0001 percentage points), shadow prices to the dollar.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
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
    x = float(value)
    if kind == "count":
        return round(x) + 0
    if kind == "usd":
        return int(round(x, -5)) + 0
    if kind == "price_usd":
        return round(x) + 0
    x = round(x, DECIMALS[kind]) if kind in DECIMALS else float(f"{x:.{SIGNIFICANT}g}")
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


def clean_frame(table: pd.DataFrame, kinds: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy of `table` with each float column rounded by its kind (given, else from its name).

    Integer-valued float columns become integers (nullable where values are missing), so
    CSV and xlsx show `10250`, not `10250.0`.
    """
    import numpy as np
    import pandas as pd

    out = table.copy()
    for column in out.columns:
        series = out[column]
        if not pd.api.types.is_float_dtype(series.dtype):
            continue
        kind = (kinds or {}).get(str(column)) or column_kind(str(column))
        values = series.to_numpy(dtype="float64", copy=True)
        finite = np.isfinite(values)
        if kind in ("count", "price_usd"):
            values[finite] = np.round(values[finite])
        elif kind == "usd":
            values[finite] = np.round(values[finite], -5)
        elif kind in DECIMALS:
            values[finite] = np.round(values[finite], DECIMALS[kind])
        else:
            digits = f".{SIGNIFICANT}g"  # Python floats (`tolist`), not numpy scalars: 3x faster
            values[finite] = [float(format(v, digits)) for v in values[finite].tolist()]
        values[finite] += 0.0
        whole = values[finite]
        if not (whole.size and np.all(whole == np.round(whole)) and np.all(np.abs(whole) < 1e15)):
            out[column] = values
        elif finite.all():
            out[column] = values.astype("int64")
        else:
            out[column] = pd.array(
                [int(v) if f else None for v, f in zip(values, finite, strict=True)], "Int64"
            )
    return out


def csv_text(table: pd.DataFrame, index: bool = False, kinds: Mapping[str, str] | None = None) -> str:
    """CSV of a cleaned table: Unix line endings, positional numbers, empty cells for missing values."""
    import pandas as pd

    cleaned = clean_frame(table, kinds)
    if index:
        cleaned = cleaned.reset_index()
    text = pd.DataFrame({c: _column_text(cleaned[c]) for c in cleaned.columns}, columns=cleaned.columns)
    return text.to_csv(index=False, lineterminator="\n")


def _column_text(series: pd.Series) -> list[str]:
    """`positional` of every cell; integer and float columns in one pass each (a 10,000-sample table
    has 1.3 million cells, and the per-cell path with its missing-value test took seconds)."""
    import pandas as pd

    if pd.api.types.is_integer_dtype(series.dtype) and not series.hasnans:
        return [str(v) for v in series.to_numpy(dtype="int64").tolist()]
    if pd.api.types.is_float_dtype(series.dtype):
        return _float_texts(series.to_numpy(dtype="float64").tolist())
    return [positional(v) if not _missing(v) else "" for v in series]


def _float_texts(values: list[float]) -> list[str]:
    """`positional` of cleaned floats, inlined (NaN empty, infinities as `inf`)."""
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
    """JSON-ready data with every float rounded: by key (`kinds`), else by the key's name, else `kind`."""
    if isinstance(data, dict):
        return {
            key: clean_tree(value, kinds, (kinds or {}).get(str(key)) or _key_kind(str(key), kind))
            for key, value in data.items()
        }
    if isinstance(data, list | tuple):
        return [clean_tree(value, kinds, kind) for value in data]
    if isinstance(data, float):
        return clean(data, kind)
    return data


def _key_kind(key: str, inherited: str) -> str:
    found = column_kind(key)
    return inherited if found == "number" else found
