"""Chart building blocks shared by every report: series styles, bars, the "others" band.

Colours are the Okabe–Ito palette and every series also has its own hatch and marker, so a
chart printed in black and white still tells the series apart; up to `MAX_SERIES` series
never share a style within a chart. Figures are built with the object-oriented API
(`Figure`, no pyplot), so they never touch the interactive backend and render with Agg.

Speed (measured, see benchmarks/): every bar of a series is one rectangle of a single
compound path (`hbars`), so a series costs one artist and one hatch fill however many
bars it has; beyond `TOP` contributors a chart shows the largest and one "others" band
carrying the exact remaining totals (`with_others`), so drawing time stays flat as the
model grows. The tables and CSV files keep everyone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
HATCHES = ("", "//", "\\\\", "xx", "--", "||", "++", "..", "oo", "**")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
MAX_SERIES = 30
"""Series that `series_style` keeps distinct (colour, hatch and marker together)."""
TOP = 15
"""Contributors a chart shows by name; the rest form one "others" band (tables keep everyone)."""
OTHERS_COLOUR = "#BBBBBB"


@dataclass(frozen=True)
class Style:
    colour: str
    hatch: str
    marker: str


def series_style(index: int) -> Style:
    """Colour, hatch and marker of the index-th series: no two of the first 80 share all three.

    The colour cycles every 8 and the hatch every 10, so the (colour, hatch) pair repeats only
    after 40 series; the marker shifts with each round of colours.
    """
    colour = OKABE_ITO[index % len(OKABE_ITO)]
    hatch = HATCHES[(index + index // len(OKABE_ITO)) % len(HATCHES)]
    marker = MARKERS[(index + 3 * (index // len(OKABE_ITO))) % len(MARKERS)]
    return Style(colour, hatch, marker)


def style(index: int) -> tuple[str, str]:
    """Colour and hatch of the index-th series."""
    s = series_style(index)
    return s.colour, s.hatch


def hatch_colour(colour: str) -> str:
    """Hatch lines that show on the fill: white on dark colours, black on light ones."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.35 else "black"


def new_figure(width: float, height: float, columns: int = 1) -> tuple[Figure, list[Axes]]:
    """A figure with `columns` panels side by side, constrained layout, no top/right spines."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, columns, squeeze=False)[0]
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
    return fig, list(axes)


def bar_style(colour: str, hatch: str) -> dict[str, Any]:
    """Fill, hatch and a thin black edge: bars stay distinct and bounded in greyscale."""
    return {
        "facecolor": colour,
        "hatch": hatch or None,
        "edgecolor": "black",
        "hatchcolor": hatch_colour(colour) if colour not in ("white", "none") else "black",
        "linewidth": 0.6,
    }


_bar_style = bar_style  # the name other modules used before


def hbars(
    ax: Axes,
    positions: Sequence[float],
    widths: Sequence[float],
    left: Sequence[float] | float = 0.0,
    height: float = 0.8,
    label: str | None = None,
    vertical: bool = False,
    **kwargs: Any,
) -> PathPatch:
    """One series of bars drawn as a single compound path (one artist, one hatch fill).

    Horizontal by default (`positions` on y, `widths` along x from `left`); with `vertical`
    the bars stand on `left` at x = `positions`. Zero bars are kept (as empty rectangles) so
    the i-th rectangle is always the i-th bar (see `drawn_bars`).
    """
    import numpy as np
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    pos = np.asarray(positions, dtype=float)
    size = np.nan_to_num(np.asarray(widths, dtype=float))
    start = np.broadcast_to(np.asarray(left, dtype=float), pos.shape)
    low, high = pos - height / 2, pos + height / 2
    if vertical:
        corners = [(pos - height / 2, start), (pos + height / 2, start)]
        xs = np.stack([low, high, high, low, low], axis=1)
        ys = np.stack([start, start, start + size, start + size, start], axis=1)
    else:
        corners = [(start, low), (start + size, high)]
        xs = np.stack([start, start + size, start + size, start, start], axis=1)
        ys = np.stack([low, low, high, high, low], axis=1)
    vertices = np.stack([xs, ys], axis=2).reshape(-1, 2)
    codes = np.tile([Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY], len(pos))
    patch = PathPatch(Path(vertices, codes.astype(np.uint8)), label=label or "_nolegend_", **kwargs)
    ax.add_patch(patch)
    if len(pos):
        points = np.concatenate([np.stack([a, b], axis=1) for a, b in corners])
        ax.update_datalim(points)
        edge = patch.sticky_edges.y if vertical else patch.sticky_edges.x
        edge.extend(sorted({float(v) for v in np.unique(start)}))
    ax.autoscale_view()
    return patch


@dataclass(frozen=True)
class Bar:
    """One drawn bar, read back from a chart (tests, and helpers that annotate bars)."""

    x: float
    y: float
    width: float
    height: float
    patch: Any

    def get_width(self) -> float:
        return self.width

    def get_height(self) -> float:
        return self.height

    def get_x(self) -> float:
        return self.x

    def get_y(self) -> float:
        return self.y

    def get_hatch(self) -> str | None:
        return self.patch.get_hatch()  # type: ignore[no-any-return]


def drawn_bars(ax: Axes) -> list[Bar]:
    """Every bar of an axes in drawing order: rectangles of `hbars` paths and plain Rectangles."""
    import numpy as np
    from matplotlib.patches import PathPatch, Rectangle

    found = []
    for patch in ax.patches:
        if isinstance(patch, Rectangle):
            found.append(Bar(patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height(), patch))
        elif isinstance(patch, PathPatch):
            vertices = np.asarray(patch.get_path().vertices).reshape(-1, 5, 2)
            for v in vertices:
                x0, y0 = v[0]
                x1, y1 = v[2]
                found.append(Bar(float(x0), float(y0), float(x1 - x0), float(y1 - y0), patch))
    return found


def others_label(count: int, what: str = "contributors") -> str:
    return f"Others ({count:,} {what})"


def with_others(
    table: pd.DataFrame, ranking: Sequence[float], top: int = TOP, what: str = "contributors"
) -> pd.DataFrame:
    """The `top` largest rows by `ranking` (original order kept) plus one "Others (n …)" row.

    The others row carries the exact remaining totals of every numeric column (`math.fsum`,
    so no rounding creeps in); with at most `top` + 1 rows the table is returned unchanged.
    """
    import pandas as pd

    if len(table) <= top + 1:
        return table
    order = sorted(range(len(table)), key=lambda i: (-ranking[i], i))
    keep = sorted(order[:top])
    rest = table.iloc[sorted(order[top:])]
    head = table.iloc[keep]
    numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
    row: dict[str, Any] = {c: math.fsum(float(v) for v in rest[c].dropna()) for c in numeric}
    for c in table.columns:
        if c not in row:
            row[c] = others_label(len(rest), what) if c == "name" else None
    others = pd.DataFrame([row], index=[others_label(len(rest), what)], columns=table.columns)
    others = others.astype({c: table[c].dtype for c in numeric})
    if table.index.name is not None:
        others.index.name = table.index.name
    return pd.concat([head, others])


def is_others(label: object) -> bool:
    return isinstance(label, str) and label.startswith("Others (")
