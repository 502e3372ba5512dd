"""Analysis tables -> matplotlib Figures (no file I/O), readable in greyscale and by colour-blind readers.

Same conventions as `guarantor.report.charts`: Okabe–Ito colours, and every series also has its
own hatch or marker; titles are the question the chart answers; Figures are built
without pyplot so they always render with Agg.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from guarantor.analysis.labels import Names, human, number, tier_name
from guarantor.report.chartkit import series_style

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
HATCHES = ("", "//", "..", "xx", "\\\\", "oo", "++", "--")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
GREY = "#999999"


def short(path: str, names: Names | None = None) -> str:
    """Readable axis label from a key path (see `labels.human`)."""
    return human(path, names)


def _lower(text: str) -> str:
    """A label inside a sentence: first letter lower-case unless it starts a name (`US`, `Türkiye`)."""
    first = text.split(" ", 1)[0].rstrip(":")
    keep = first.isupper() or first not in ("Requirement", "Policy")
    return text if keep else text[:1].lower() + text[1:]


def _numbers(axis: Any) -> None:
    """Thousands separators, never `1e+04`."""
    axis.set_major_formatter(lambda v, _: number(v))


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


def sweep_line(
    points: pd.DataFrame, path: str, tipping: pd.DataFrame, tiers: list[str], names: Names | None = None
) -> Figure:
    """1-D sweep: cost with one marker per US tier, infeasible points and tipping points marked."""
    fig, (top, bottom) = new_figure(8, 6.5, rows=2, sharex=True)
    label = short(path, names)
    title(fig, f"How do cost and burden-sharing change as {_lower(label)} moves?")
    ok = points[points["feasible"]]
    top.plot(ok[path], ok["total_cost_usd_m"], color=GREY, linewidth=1, zorder=1)
    for i, tier in enumerate(tiers):
        rows = ok[ok["us_tier"] == tier]
        if len(rows):
            look = series_style(i)
            top.scatter(
                rows[path],
                rows["total_cost_usd_m"],
                marker=look.marker,
                color=look.colour,
                edgecolor="black",
                linewidth=0.5,
                zorder=2,
                label=f"US tier: {tier_name(tier, names)}",
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
            f"{tier_name(tip['tier_below'], names)} →\n{tier_name(tip['tier_above'], names)}"
            f"\nat {number(tip['value'])}",
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
    bottom.set_xlabel(label)
    _numbers(bottom.xaxis)
    bottom.legend(fontsize="small", frameon=True, loc="best")
    return fig


def sweep_heatmap(
    points: pd.DataFrame, x: str, y: str, tiers: list[str], names: Names | None = None
) -> Figure:
    """2-D sweep: cost as colour, infeasible cells hatched, the chosen US tier named in each cell.

    Each cell carries the tier's number; the key (number = tier name) is the legend below the
    axes, so no title or label is squeezed or clipped however long the tier names are.
    """
    import textwrap

    xs, ys = sorted(points[x].unique()), sorted(points[y].unique())
    cost = np.full((len(ys), len(xs)), np.nan)
    tier = np.full((len(ys), len(xs)), "", dtype=object)
    column = {v: j for j, v in enumerate(xs)}
    row_of = {v: i for i, v in enumerate(ys)}
    for px, py, feasible, total, chosen in zip(
        points[x], points[y], points["feasible"], points["total_cost_usd_m"], points["us_tier"], strict=True
    ):
        if feasible:
            cost[row_of[py], column[px]], tier[row_of[py], column[px]] = total, chosen
    fig, (ax,) = new_figure(8, 7)
    title(
        fig,
        f"How does the cost depend on {_lower(short(x, names))} and {_lower(short(y, names))}, "
        "and which US tier is chosen?",
    )
    masked = np.ma.masked_invalid(cost)
    image = ax.imshow(masked, origin="lower", aspect="auto", cmap="viridis")
    ax.set_facecolor("white")
    finite = np.isfinite(cost).any()
    low, high = (np.nanmin(cost), np.nanmax(cost)) if finite else (0.0, 1.0)
    used = [t for t in tiers if (tier == t).any()]
    for i in range(len(ys)):
        for j in range(len(xs)):
            if np.isnan(cost[i, j]):
                ax.add_patch(_cell(j, i, hatch="xx"))
                continue
            light = (cost[i, j] - low) / max(high - low, 1e-12) > 0.6  # viridis is light at the top
            code = used.index(tier[i, j]) + 1 if tier[i, j] in used else "?"
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
    ax.set_xlabel(short(x, names))
    ax.set_ylabel("\n".join(textwrap.wrap(short(y, names), 40)))
    bar = fig.colorbar(image, ax=ax)
    bar.set_label("Total cost (USD m)")
    bar.formatter = _formatter()
    from matplotlib.patches import Patch

    key = [
        Patch(facecolor="none", edgecolor="none", label=f"{n} = {tier_name(t, names)}")
        for n, t in enumerate(used, 1)
    ]
    key.append(Patch(facecolor="white", edgecolor=GREY, hatch="xx", label="no feasible plan"))
    key.append(
        Patch(facecolor="none", edgecolor="black", linewidth=2.5, label="thick line: the US tier changes")
    )
    fig.legend(
        handles=key,
        title="US tier in each cell",
        loc="outside lower center",
        ncols=2,
        fontsize="small",
        frameon=False,
        handlelength=1.2,
    )
    return fig


def _formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: number(v))


def _cell(j: int, i: int, hatch: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="white", edgecolor=GREY, hatch=hatch, linewidth=0)


def _input_labels(table: pd.DataFrame, names: Names | None) -> list[str]:
    """Inputs named in words (from their key paths when the table has them)."""
    if "path" in table.columns:
        return [human(p, names) for p in table["path"]]
    return [str(v) for v in table["label"]]


def tornado_chart(
    tornado: pd.DataFrame, base: float, delta: float, top: int = 15, names: Names | None = None
) -> Figure:
    """Objective at -delta and +delta of each input, largest swing on top."""
    rows = tornado.head(top).iloc[::-1]
    fig, (ax,) = new_figure(9, 1.5 + 0.35 * len(rows))
    fig.suptitle("Which assumptions move the optimum most?", fontweight="bold")
    labels = _input_labels(rows, names)
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


def sobol_chart(sobol: pd.DataFrame, names: Names | None = None) -> Figure:
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
    ax.set_yticks(y, _input_labels(sobol, names))
    ax.set_xlabel("Sobol index (share of variance)")
    ax.legend(fontsize="small", frameon=False)
    return fig


def frontier_chart(
    frontier: pd.DataFrame,
    objectives: list[str],
    labels: list[str],
    tiers: list[str],
    names: Names | None = None,
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
                marker=series_style(i).marker,
                color=series_style(i).colour,
                edgecolor="black",
                linewidth=0.5,
                zorder=2,
                label=f"US tier: {tier_name(tier, names)}",
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
