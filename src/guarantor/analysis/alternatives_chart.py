"""The range chart of `guarantor alternatives`: a bar per contributor from its min to its max.

Two panels (ground troops; payments), the reported plan marked on each bar, firm
contributions drawn as a single mark. Same conventions as `analysis.charts` (Okabe–Ito
colours, no pyplot).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

BLUE, ORANGE, BLACK = "#0072B2", "#E69F00", "#000000"


def range_chart(table: pd.DataFrame, ground: str, period: str, slack: float, title: str) -> Figure:
    """Bars from min to max of troops and payments per contributor in one period."""
    from matplotlib.figure import Figure

    rows = table[(table["period"] == period) & (table["class"] != "absent")]
    panels = [(ground, "ground troops", 1.0), ("funding_usd_m", "payment (USD bn a year)", 1e-3)]
    order = {
        item: rows[rows["item"] == item].sort_values(["max", "name"], ascending=[True, False])
        for item, _, _ in panels
    }
    height = max(3.0, 0.32 * max((len(order[item]) for item, _, _ in panels), default=1) + 1.6)
    fig = Figure(figsize=(11, height))
    axes = fig.subplots(1, 2)
    for ax, (item, label, scale) in zip(axes, panels, strict=True):
        part = order[item]
        y = range(len(part))
        lows, highs = part["min"].to_numpy() * scale, part["max"].to_numpy() * scale
        flexible = (part["class"] == "flexible").to_numpy()
        ax.barh(
            list(y), highs - lows, left=lows, height=0.5, color=BLUE, alpha=0.35, label="range (min to max)"
        )
        ax.scatter(
            part["optimum"].to_numpy() * scale,
            list(y),
            color=BLACK,
            marker="D",
            s=22,
            zorder=3,
            label="reported plan",
        )
        ax.scatter(
            lows[~flexible],
            [v for v, f in zip(y, flexible, strict=True) if not f],
            color=ORANGE,
            marker="|",
            s=160,
            zorder=2,
            label="firm",
        )
        ax.set_yticks(list(y), list(part["name"]))
        ax.set_xlabel(label)
        ax.grid(axis="x", alpha=0.3)
        ax.set_xlim(left=0)
    axes[0].legend(loc="lower right", fontsize=8)
    at = "at the optimal cost" if slack == 0 else f"within {slack:.0%} of the optimum"
    fig.suptitle(title or f"Who could send and pay how much {at}? ({period})", fontweight="bold")
    fig.tight_layout()
    return fig
