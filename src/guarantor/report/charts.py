"""Tables → matplotlib Figures (no file I/O), readable in greyscale and by colour-blind readers.

Colours are the Okabe–Ito palette and every series also has its own hatch, so a chart
printed in black and white still tells the series apart. Each title is the question the
chart answers. Figures are built with the object-oriented API (`Figure`, no pyplot), so
they never touch the interactive backend and render with Agg when saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
HATCHES = ("", "//", "\\\\", "xx", "--", "||", "++", "..")
SOURCES = {
    "europe": ("Europe", "#0072B2", ""),
    "other": ("Other partners", "#009E73", ".."),
    "united_states": ("United States (deployed)", "#D55E00", "//"),
    "us_tier": ("US air-support tier", "#E69F00", "xx"),
    "us_command": ("US command and control", "#CC79A7", "\\\\"),
}
"""Who provides a capability or pays: label, colour and hatch, the same in every chart."""
TITLES = {
    "troops": "Who deploys what?",
    "funding": "Does each country pay its GDP-proportional fair share?",
    "shares": "Does Europe carry the lion's share of troops and costs?",
    "coverage": "Is every required capability covered, and by whom?",
    "tiers": "How much US air support, at what cost and escalation risk?",
}


def style(index: int) -> tuple[str, str]:
    """Colour and hatch of the index-th series (cycles past eight)."""
    return OKABE_ITO[index % len(OKABE_ITO)], HATCHES[index % len(HATCHES)]


def new_figure(width: float, height: float, columns: int = 1) -> tuple[Figure, list[Axes]]:
    """A figure with `columns` panels side by side, constrained layout, no top/right spines."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, columns, squeeze=False)[0]
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
    return fig, list(axes)


def _bar_style(colour: str, hatch: str) -> dict[str, Any]:
    """Fill, hatch and a thin black edge: bars stay distinct and bounded in greyscale."""
    return {"facecolor": colour, "hatch": hatch, "edgecolor": "black", "linewidth": 0.6}


def troops_chart(deployments: pd.DataFrame, labels: Mapping[str, tuple[str, str]], ground: str) -> Figure:
    """Ground troops per contributor, and its other capabilities stacked by capability."""
    table = deployments.sort_values(ground, ascending=True, kind="stable")
    others = [k for k in table.columns if k != ground and table[k].sum() > 0]
    fig, (left, right) = new_figure(9, 1.2 + 0.32 * len(table), columns=2)
    fig.suptitle(TITLES["troops"], fontweight="bold")
    names = list(table.index)
    left.barh(names, table[ground], label=labels[ground][0], **_bar_style(*style(0)))
    left.set_xlabel(f"{labels[ground][0]} ({labels[ground][1]}, peak deployed)")
    left.xaxis.set_major_formatter("{x:,.0f}")
    for i, value in enumerate(table[ground]):
        if value > 0:
            left.annotate(f"{value:,.0f}", (value, i), xytext=(3, 0), textcoords="offset points", va="center")
    base = [0.0] * len(table)
    for j, k in enumerate(others, start=1):
        right.barh(
            names, table[k], left=base, label=f"{labels[k][0]} ({labels[k][1]})", **_bar_style(*style(j))
        )
        base = [b + v for b, v in zip(base, table[k], strict=True)]
    right.set_yticks(range(len(names)), [""] * len(names))
    right.set_xlabel("Other capabilities (units, stacked by capability)")
    if others:
        fig.legend(loc="outside lower right", ncols=2, fontsize="small", frameon=False)
    return fig


def funding_chart(funding: pd.DataFrame, band: float | None = None) -> Figure:
    """Each fair-share member's part of the shared bill next to its GDP share."""
    table = funding.dropna(subset=["gdp_fair_share"]).iloc[::-1]
    fig, (ax,) = new_figure(8, 1.2 + 0.3 * len(table))
    ax.set_title(TITLES["funding"], fontweight="bold")
    y = list(range(len(table)))
    height = 0.4
    paid = [v * 100 for v in table["shared_bill_share"].fillna(0.0)]
    fair = [v * 100 for v in table["gdp_fair_share"]]
    ax.barh(
        [i + height / 2 for i in y], paid, height, label="Share of the bill paid", **_bar_style(*style(0))
    )
    error = [f * band for f in fair] if band else None
    ax.barh(
        [i - height / 2 for i in y],
        fair,
        height,
        xerr=error,
        error_kw={"elinewidth": 0.8, "capsize": 2},
        label="GDP-proportional fair share" + (f" (±{band:.0%} band)" if band else ""),
        **_bar_style("white", "//"),
    )
    ax.set_yticks(y, list(table["name"]))
    ax.set_xlabel("% of what the fair-share members pay together")
    ax.legend(loc="lower right", frameon=False)
    return fig


def shares_chart(shares: pd.DataFrame) -> Figure:
    """Troop and cost shares by bloc as 100% bars, with Europe's policy minimum marked."""
    fig, (ax,) = new_figure(8, 3)
    ax.set_title(TITLES["shares"], fontweight="bold")
    shares = shares.iloc[::-1]
    rows = list(shares.index)
    base = [0.0] * len(rows)
    for source in ("europe", "other", "united_states"):
        label, colour, hatch = SOURCES[source]
        values = [v * 100 for v in shares[source]]
        ax.barh(rows, values, left=base, label=label.replace(" (deployed)", ""), **_bar_style(colour, hatch))
        for i, (start, value) in enumerate(zip(base, values, strict=True)):
            if value >= 6:
                ax.text(
                    start + value / 2,
                    i,
                    f"{value:.0f}%",
                    ha="center",
                    va="center",
                    color="white",
                    fontweight="bold",
                    bbox={"facecolor": "black", "alpha": 0.5, "pad": 1, "lw": 0},
                )
        base = [b + v for b, v in zip(base, values, strict=True)]
    labelled = False
    for i, minimum in enumerate(shares["europe_minimum"]):
        if minimum == minimum:  # not NaN: the scenario sets a minimum
            legend = None if labelled else "Europe's policy minimum"
            ax.plot([minimum * 100] * 2, [i - 0.45, i + 0.45], "k--", linewidth=2, label=legend)
            labelled = True
    ax.set_yticks(range(len(rows)), [str(r).capitalize() for r in rows])
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of all troops deployed / of all funding")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncols=4, frameon=False, fontsize="small")
    return fig


def coverage_chart(panels: Mapping[str, pd.DataFrame]) -> Figure:
    """Per period: what share of each requirement each provider covers (100% = met)."""
    fig, axes = new_figure(
        9 if len(panels) > 1 else 8, 1.6 + 0.45 * max(len(t) for t in panels.values()), columns=len(panels)
    )
    fig.suptitle(TITLES["coverage"], fontweight="bold")
    for n, (ax, (period, table)) in enumerate(zip(axes, panels.items(), strict=True)):
        names = [f"{r.label}\n({r.requirement:,.0f} {r.unit})" for r in table.itertuples()]
        base = [0.0] * len(table)
        for source, (label, colour, hatch) in SOURCES.items():
            values = [v / need * 100 for v, need in zip(table[source], table["requirement"], strict=True)]
            if not any(values):
                continue
            ax.barh(names, values, left=base, label=label, **_bar_style(colour, hatch))
            base = [b + v for b, v in zip(base, values, strict=True)]
        ax.axvline(100, color="black", linestyle="--", linewidth=1.5, label="Requirement")
        ax.set_xlabel("% of the requirement")
        if len(panels) > 1:
            ax.set_title(period)
        if n:
            ax.set_yticks(range(len(names)), [""] * len(names))
        ax.invert_yaxis()
    handles = {label: h for ax in axes for h, label in zip(*ax.get_legend_handles_labels(), strict=True)}
    fig.legend(handles.values(), handles.keys(), loc="outside lower center", ncols=3, frameon=False)
    return fig


def tiers_chart(tiers: pd.DataFrame) -> Figure:
    """Cost and escalation risk of every US tier; the chosen one filled, disallowed ones hatched."""
    fig, (cost, risk) = new_figure(9, 1.4 + 0.5 * len(tiers), columns=2)
    fig.suptitle(TITLES["tiers"], fontweight="bold")
    single = tiers["chosen"].sum() == 1
    names = [
        t.label + ("" if not t.chosen else " (chosen)" if single else f" (chosen: {t.chosen_in})")
        for t in tiers.itertuples()
    ]
    styles = [
        _bar_style(OKABE_ITO[1], "")
        if t.chosen
        else _bar_style("#DDDDDD", "")
        if t.allowed
        else _bar_style("white", "xx")
        for t in tiers.itertuples()
    ]
    for ax, column, scale, xlabel in (
        (cost, "annual_cost_usd_m", 1e-3, "Annual cost to the US (USD bn)"),
        (risk, "escalation_risk", 1.0, "Escalation risk (0-10)"),
    ):
        for i, (value, kw) in enumerate(zip(tiers[column], styles, strict=True)):
            ax.barh(i, value * scale, **kw)
            ax.annotate(
                f"{value * scale:,.2f}" if scale != 1 else f"{value:g}",
                (value * scale, i),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
            )
        ax.set_xlabel(xlabel)
        ax.invert_yaxis()
    cost.set_yticks(range(len(names)), names)
    risk.set_yticks(range(len(names)), [""] * len(names))
    from matplotlib.patches import Patch

    legend = [
        Patch(**_bar_style(OKABE_ITO[1], "")),
        Patch(**_bar_style("#DDDDDD", "")),
        Patch(**_bar_style("white", "xx")),
    ]
    fig.legend(
        legend,
        ["chosen", "allowed, not chosen", "not allowed in this scenario"],
        loc="outside lower center",
        ncols=3,
        frameon=False,
    )
    return fig


def grouped_bars(table: pd.DataFrame, title: str, xlabel: str, percent: bool = False) -> Figure:
    """Side-by-side bars: one group per row of `table`, one bar per column (scenario)."""
    rows, columns = list(table.index), list(table.columns)
    fig, (ax,) = new_figure(8, 1.4 + len(rows) * (0.13 * max(len(columns), 2) + 0.12))
    ax.set_title(title, fontweight="bold")
    height = 0.8 / max(len(columns), 1)
    for j, column in enumerate(columns):
        values = [(v * 100 if percent else v) for v in table[column].fillna(0.0)]
        offsets = [i + (j - (len(columns) - 1) / 2) * height for i in range(len(rows))]
        ax.barh(offsets, values, height, label=str(column), **_bar_style(*style(j)))
    ax.set_yticks(range(len(rows)), [str(r) for r in rows])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter("{x:,.0f}" if not percent else "{x:.0f}%")
    if columns:
        ax.legend(title="Scenario", loc="best", frameon=False)
    return fig
