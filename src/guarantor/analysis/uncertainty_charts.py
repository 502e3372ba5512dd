"""Charts of an uncertainty analysis: cost distribution, US tier frequency, contribution bands, drivers.

Same conventions as `analysis.charts` (Okabe–Ito colours plus hatches or markers,
titles phrased as questions, no file I/O).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from guarantor.analysis.charts import HATCHES, OKABE_ITO, new_figure
from guarantor.analysis.labels import Names, human, name, tier_name
from guarantor.report.chartkit import hbars, series_style

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def cost_distribution(samples: pd.DataFrame, summary: pd.DataFrame) -> Figure:
    """Histogram and ECDF of the total cost, with the 5th, 50th and 95th percentiles."""
    fig, (hist, ecdf) = new_figure(10, 4, columns=2)
    feasible = samples[samples["feasible"]]["total_cost_usd_m"].to_numpy()
    share = len(feasible) / max(len(samples), 1)
    fig.suptitle(f"How uncertain is the total cost? ({share:.1%} of samples feasible)", fontweight="bold")
    if len(feasible):
        counts, edges = np.histogram(feasible, bins=min(60, max(10, len(feasible) // 50)))
        widths = np.diff(edges)  # one compound path, not one hatched artist per bin
        hbars(hist, edges[:-1] + widths / 2, counts, height=widths, vertical=True,
              facecolor=OKABE_ITO[0], edgecolor="black", linewidth=0.3)  # fmt: skip
        xs = np.sort(feasible)
        ecdf.step(xs, np.arange(1, len(xs) + 1) / len(xs), where="post", color=OKABE_ITO[0])
        row = summary.set_index("output").loc["total_cost_usd_m"]
        for k, q in enumerate(("p5", "p50", "p95")):
            for ax in (hist, ecdf):
                ax.axvline(
                    row[q],
                    color="black",
                    linestyle=(":", "-", "--")[k],
                    linewidth=1,
                    label=f"{q[1:]}th percentile: {row[q]:,.0f}" if ax is hist else None,
                )
        hist.legend(fontsize="small", frameon=False)
    for ax in (hist, ecdf):
        ax.set_xlabel("Total cost (USD m)")
        ax.xaxis.set_major_formatter("{x:,.0f}")
    hist.set_ylabel("Samples")
    ecdf.set_ylabel("Share of samples at or below")
    return fig


def tier_frequency(tiers: pd.DataFrame, names: Names | None = None) -> Figure:
    import textwrap

    fig, (ax,) = new_figure(7, 3.8)
    fig.suptitle("How often must the US provide each tier of air support?", fontweight="bold")
    for i, row in enumerate(tiers.itertuples()):
        look = series_style(i)
        ax.bar(
            "\n".join(textwrap.wrap(tier_name(str(row.us_tier), names), 18)),
            row.share * 100,
            color=look.colour,
            hatch=look.hatch or None,
            edgecolor="black",
            linewidth=0.5,
        )
        ax.annotate(f"{row.share:.1%}", (i, row.share * 100), ha="center", va="bottom", fontsize="small")
    ax.set_ylabel("Share of samples (%)")
    ax.yaxis.set_major_formatter("{x:,.0f}%")
    ax.tick_params(axis="x", labelsize="small")
    return fig


def contribution_bands(
    bands: pd.DataFrame, measure: str, top: int = 15, names: Names | None = None
) -> Figure:
    """5-95 % and 25-75 % bands with the median of each contributor's troops or funding.

    Percentile bands do not add up, so beyond `top` contributors the chart shows the `top`
    largest medians and says how many it leaves out (the table keeps everyone)."""
    every = bands[bands["measure"] == measure]
    rows = every.sort_values("p50", kind="stable").tail(top)
    fig, (ax,) = new_figure(8, 1.5 + 0.35 * max(len(rows), 1))
    what = "troops" if measure == "troops" else "funding (USD m)"
    question = (
        "How many troops does each contributor send"
        if measure == "troops"
        else "How much does each contributor pay"
    )
    left_out = len(every) - len(rows)
    note = f"\n(the {len(rows)} largest medians; {left_out:,} more in the table)" if left_out else ""
    fig.suptitle(f"{question}, across the uncertainty?{note}", fontweight="bold")
    y = np.arange(len(rows))
    ax.hlines(y, rows["p5"], rows["p95"], color=OKABE_ITO[4], linewidth=3, label="5–95 %")
    ax.hlines(y, rows["p25"], rows["p75"], color=OKABE_ITO[0], linewidth=8, label="25–75 %")
    ax.scatter(rows["p50"], y, marker="D", color="white", edgecolor="black", zorder=3, label="median")
    ax.set_yticks(y, [name("contributors", str(c), names) for c in rows["contributor"]])
    ax.xaxis.set_major_formatter("{x:,.0f}")
    ax.set_xlabel(what.capitalize())
    ax.legend(fontsize="small", frameon=False, loc="lower right")
    return fig


def drivers_chart(drivers: pd.DataFrame, top: int = 12, names: Names | None = None) -> Figure:
    rows = drivers.head(top).iloc[::-1]
    fig, (ax,) = new_figure(9, 1.5 + 0.35 * max(len(rows), 1))
    fig.suptitle("Which uncertain inputs drive the cost?", fontweight="bold")
    values = rows["rho_total_cost_usd_m"].to_numpy()
    y = np.arange(len(rows))
    for k, sign in enumerate((values >= 0, values < 0)):  # one compound path per sign, not per bar
        hbars(ax, y[sign], values[sign], facecolor=OKABE_ITO[k], hatch=HATCHES[k], edgecolor="black",
              linewidth=0.5)  # fmt: skip
    ax.set_yticks(y, [human(p, names) for p in rows["input"]])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("Spearman rank correlation with total cost (hatched: negative)")
    return fig
