"""Analysis tables -> matplotlib Figures (no file I/O), readable in greyscale and by colour-blind readers.

Same conventions as `guarantor.report.charts`: Okabe–Ito colours, and every series also has its
own hatch or marker; titles are the question the chart answers; Figures are built
without pyplot so they always render with Agg.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "++", "--")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
GREY = "#999999"


def short(path: str) -> str:
    """Readable axis label from a key path."""
    parts = [p for p in path.split(".") if p not in ("model", "value", "contributors", "capabilities")]
    return " · ".join(p.replace("_", " ") for p in parts)


def number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"


def title(fig: Figure, text: str) -> None:
    """Bold suptitle, wrapped so long key paths never run off the figure."""
    import textwrap

    fig.suptitle("\n".join(textwrap.wrap(text, 75)), fontweight="bold")


def new_figure(
    width: float, height: float, rows: int = 1, columns: int = 1, sharex: bool = False
) -> tuple[Figure, list[Axes]]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = list(fig.subplots(rows, columns, squeeze=False, sharex=sharex).ravel())
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
    return fig, axes


def sweep_line(points: pd.DataFrame, path: str, tipping: pd.DataFrame, tiers: list[str]) -> Figure:
    """1-D sweep: cost with one marker per US tier, infeasible points and tipping points marked."""
    fig, (top, bottom) = new_figure(8, 6.5, rows=2, sharex=True)
    title(fig, f"How do cost and burden-sharing change as {short(path)} moves?")
    ok = points[points["feasible"]]
    top.plot(ok[path], ok["total_cost_usd_m"], color=GREY, linewidth=1, zorder=1)
    for i, tier in enumerate(tiers):
        rows = ok[ok["us_tier"] == tier]
        if len(rows):
            top.scatter(
                rows[path],
                rows["total_cost_usd_m"],
                marker=MARKERS[i % 8],
                color=OKABE_ITO[i % 8],
                edgecolor="black",
                linewidth=0.5,
                zorder=2,
                label=f"US tier: {tier}",
            )
    xs = np.sort(points[path].unique())
    half = (np.diff(xs).min() / 2) if len(xs) > 1 else 0.5
    for k, x in enumerate(points[~points["feasible"]][path]):
        for ax in (top, bottom):
            ax.axvspan(
                x - half,
                x + half,
                facecolor="#dddddd",
                edgecolor=GREY,
                hatch="xx",
                linewidth=0,
                label="no feasible plan" if k == 0 and ax is top else None,
                zorder=0,
            )
    for _, tip in tipping.iterrows():
        for ax in (top, bottom):
            ax.axvline(tip["value"], color="black", linestyle="--", linewidth=0.8)
        right = tip["value"] > (xs.min() + xs.max()) / 2  # keep the label inside the axes
        top.annotate(
            f"{tip['tier_below']} → {tip['tier_above']}\nat {number(tip['value'])}",
            (tip["value"], 1),
            xycoords=("data", "axes fraction"),
            xytext=(-3 if right else 3, -3),
            textcoords="offset points",
            ha="right" if right else "left",
            va="top",
            fontsize="small",
        )
    top.set_ylabel("Total cost (USD m)")
    top.yaxis.set_major_formatter("{x:,.0f}")
    top.legend(fontsize="small", frameon=True, loc="best")
    for i, (column, name) in enumerate(
        (("europe_troop_share", "Europe's troop share"), ("europe_cost_share", "Europe's cost share"))
    ):
        bottom.plot(
            ok[path],
            ok[column] * 100,
            color=OKABE_ITO[i],
            marker=MARKERS[i],
            label=name,
            linestyle=("-", "--")[i],
        )
    bottom.set_ylabel("Share (%)")
    bottom.set_xlabel(short(path))
    bottom.xaxis.set_major_formatter("{x:,.4g}")
    bottom.legend(fontsize="small", frameon=True, loc="best")
    return fig


def sweep_heatmap(points: pd.DataFrame, x: str, y: str, tiers: list[str]) -> Figure:
    """2-D sweep: cost as colour, infeasible cells hatched, the chosen US tier written in each cell."""
    xs, ys = sorted(points[x].unique()), sorted(points[y].unique())
    cost = np.full((len(ys), len(xs)), np.nan)
    tier = np.full((len(ys), len(xs)), "", dtype=object)
    for _, row in points.iterrows():
        i, j = ys.index(row[y]), xs.index(row[x])
        if row["feasible"]:
            cost[i, j], tier[i, j] = row["total_cost_usd_m"], row["us_tier"]
    fig, (ax,) = new_figure(8, 6.5)
    title(fig, f"How does the cost depend on {short(x)} and {short(y)}, and which US tier is chosen?")
    masked = np.ma.masked_invalid(cost)
    image = ax.imshow(masked, origin="lower", aspect="auto", cmap="viridis")
    ax.set_facecolor("white")
    low, high = (
        np.nanmin(cost) if np.isfinite(cost).any() else 0.0,
        np.nanmax(cost) if np.isfinite(cost).any() else 1.0,
    )
    for i in range(len(ys)):
        for j in range(len(xs)):
            if np.isnan(cost[i, j]):
                ax.add_patch(_cell(j, i, hatch="xx"))
                continue
            code = tiers.index(tier[i, j]) if tier[i, j] in tiers else -1
            light = (cost[i, j] - low) / max(high - low, 1e-12) > 0.6  # viridis is light at the top
            ax.text(
                j,
                i,
                str(code),
                ha="center",
                va="center",
                fontsize="small",
                fontweight="bold",
                color="black" if light else "white",
            )
            if j + 1 < len(xs) and tier[i, j + 1] not in ("", tier[i, j]):
                ax.plot([j + 0.5, j + 0.5], [i - 0.5, i + 0.5], color="black", linewidth=2.5)
            if i + 1 < len(ys) and tier[i + 1, j] not in ("", tier[i, j]):
                ax.plot([j - 0.5, j + 0.5], [i + 0.5, i + 0.5], color="black", linewidth=2.5)
    ax.set_xticks(range(len(xs)), [number(v) for v in xs], rotation=45, ha="right")
    ax.set_yticks(range(len(ys)), [number(v) for v in ys])
    ax.set_xlabel(short(x))
    ax.set_ylabel(short(y))
    bar = fig.colorbar(image, ax=ax)
    bar.set_label("Total cost (USD m)")
    key = (
        ", ".join(f"{i} = {t}" for i, t in enumerate(tiers))
        + "; thick lines: tier changes; hatched: infeasible"
    )
    ax.set_title(f"US tier in each cell: {key}", fontsize="small")
    return fig


def _cell(j: int, i: int, hatch: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="white", edgecolor=GREY, hatch=hatch, linewidth=0)


def tornado_chart(tornado: pd.DataFrame, base: float, delta: float, top: int = 15) -> Figure:
    """Objective at -delta and +delta of each input, largest swing on top."""
    rows = tornado.head(top).iloc[::-1]
    fig, (ax,) = new_figure(9, 1.5 + 0.35 * len(rows))
    fig.suptitle("Which assumptions move the optimum most?", fontweight="bold")
    labels = list(rows["label"])
    for k, (side, name) in enumerate((("low", f"input −{delta:.0%}"), ("high", f"input +{delta:.0%}"))):
        values = rows[f"{side}_objective"].astype(float).fillna(base).to_numpy() - base
        ax.barh(
            labels,
            values,
            left=base,
            color=OKABE_ITO[k],
            hatch=HATCHES[k + 1],
            edgecolor="black",
            linewidth=0.5,
            label=name,
            alpha=0.9,
        )
    for i, row in enumerate(rows.itertuples()):
        gone = [
            side for side in ("low", "high") if getattr(row, f"{side}_status") not in ("optimal", "feasible")
        ]
        if gone:
            ax.annotate(
                "no plan at " + " and ".join(f"{'−' if s == 'low' else '+'}{delta:.0%}" for s in gone),
                (base, i),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize="x-small",
            )
    ax.axvline(base, color="black", linewidth=1)
    ax.set_xlabel(f"Objective (base {base:,.0f})")
    ax.xaxis.set_major_formatter("{x:,.0f}")
    ax.legend(fontsize="small", frameon=False, loc="lower right")
    return fig


def sobol_chart(sobol: pd.DataFrame) -> Figure:
    fig, (ax,) = new_figure(9, 1.5 + 0.4 * len(sobol))
    fig.suptitle("Which assumptions drive the variance of the optimum?", fontweight="bold")
    y = np.arange(len(sobol))[::-1]
    for k, (column, name) in enumerate((("S1", "first order (alone)"), ("ST", "total (with interactions)"))):
        ax.barh(
            y + (0.2 if k == 0 else -0.2),
            sobol[column],
            height=0.38,
            color=OKABE_ITO[k],
            hatch=HATCHES[k + 1],
            edgecolor="black",
            linewidth=0.5,
            label=name,
        )
    ax.set_yticks(y, list(sobol["label"]))
    ax.set_xlabel("Sobol index (share of variance)")
    ax.legend(fontsize="small", frameon=False)
    return fig


def frontier_chart(
    frontier: pd.DataFrame, objectives: list[str], labels: list[str], tiers: list[str]
) -> Figure:
    a, b = objectives
    fig, (ax,) = new_figure(8, 5.5)
    title(fig, f"What is the trade-off between {labels[0]} and {labels[1]}?")
    ax.plot(frontier[a], frontier[b], color=GREY, linewidth=1, zorder=1)
    for i, tier in enumerate(tiers):
        rows = frontier[frontier["us_tier"] == tier]
        if len(rows):
            ax.scatter(
                rows[a],
                rows[b],
                marker=MARKERS[i % 8],
                color=OKABE_ITO[i % 8],
                edgecolor="black",
                linewidth=0.5,
                zorder=2,
                label=f"US tier: {tier}",
            )
    knee = frontier[frontier["knee"]]
    if len(knee):
        ax.scatter(
            knee[a],
            knee[b],
            marker="*",
            s=300,
            facecolor="none",
            edgecolor="black",
            linewidth=1.2,
            zorder=3,
            label="knee point",
        )
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    for axis, name in ((ax.xaxis, a), (ax.yaxis, b)):
        share = "share" in name
        axis.set_major_formatter((lambda v, _: f"{v:.0%}") if share else (lambda v, _: number(v)))
    ax.legend(fontsize="small", frameon=False)
    return fig
