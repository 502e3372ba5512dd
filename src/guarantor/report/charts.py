"""Tables → the solve report's matplotlib Figures (no file I/O), readable in greyscale and by
colour-blind readers. Each title is the question the chart answers; the building blocks
(styles, single-path bars, the "others" band beyond `TOP` contributors) are in `chartkit`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from guarantor.report.chartkit import (
    HATCHES,
    MARKERS,
    MAX_SERIES,
    OKABE_ITO,
    OTHERS_COLOUR,
    TOP,
    Bar,
    Style,
    bar_style,
    drawn_bars,
    hbars,
    is_others,
    new_figure,
    series_style,
    style,
    with_others,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "HATCHES",
    "MARKERS",
    "MAX_SERIES",
    "OKABE_ITO",
    "TOP",
    "Bar",
    "Style",
    "bar_style",
    "drawn_bars",
    "new_figure",
    "series_style",
    "style",
    "with_others",
]

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


def _ranked_rows(table: pd.DataFrame, ground: str) -> pd.DataFrame:
    """Largest contributors (by ground troops, then all units) ascending, the others band at the bottom."""
    import pandas as pd

    ranking = [float(g) + 1e-9 * float(t) for g, t in zip(table[ground], table.sum(axis=1), strict=True)]
    shown = with_others(table, ranking)
    named = shown[[not is_others(i) for i in shown.index]].sort_values(ground, ascending=True, kind="stable")
    return pd.concat([shown[[is_others(i) for i in shown.index]], named])


def _value_labels(
    ax: Axes, values: Sequence[float], positions: Sequence[float], digits: str = ",.0f"
) -> None:
    for value, y in zip(values, positions, strict=True):
        if value > 0:
            ax.annotate(
                f"{value:{digits}}", (value, y), xytext=(3, 0), textcoords="offset points", va="center"
            )


def troops_chart(deployments: pd.DataFrame, labels: Mapping[str, tuple[str, str]], ground: str) -> Figure:
    """Ground troops per contributor, and its other capabilities stacked by capability."""
    table = _ranked_rows(deployments, ground) if len(deployments) else deployments
    others = [k for k in table.columns if k != ground and table[k].sum() > 0]
    fig, (left, right) = new_figure(9, 1.4 + 0.32 * max(len(table), 1), columns=2)
    fig.suptitle(TITLES["troops"], fontweight="bold")
    names = [str(n) for n in table.index]
    y = list(range(len(table)))
    grouped = [i for i, n in enumerate(names) if is_others(n)]
    main = [i for i in y if i not in grouped]
    ground_label = labels[ground][0]
    hbars(left, main, [table[ground].iloc[i] for i in main], label=ground_label, **bar_style(*style(0)))
    if grouped:
        hbars(left, grouped, [table[ground].iloc[i] for i in grouped], **bar_style(OTHERS_COLOUR, "..."))
    left.set_yticks(y, names)
    left.set_ylim(-0.6, len(table) - 0.4)
    left.set_xlabel(f"{ground_label} ({labels[ground][1]}, peak deployed)")
    left.xaxis.set_major_formatter("{x:,.0f}")
    _value_labels(left, list(table[ground]), y)
    base = [0.0] * len(table)
    for j, k in enumerate(others, start=1):
        hbars(
            right,
            y,
            list(table[k]),
            left=base,
            label=f"{labels[k][0]} ({labels[k][1]})",
            **bar_style(*style(j)),
        )
        base = [b + v for b, v in zip(base, table[k], strict=True)]
    right.set_yticks(y, [""] * len(y))
    right.set_ylim(-0.6, len(table) - 0.4)
    right.set_xlabel("Other capabilities (units, stacked by capability)")
    from matplotlib.ticker import MaxNLocator

    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    right.xaxis.set_major_formatter("{x:,.0f}")
    if others:
        fig.legend(loc="outside lower right", ncols=2, fontsize="small", frameon=False)
    return fig


def funding_chart(funding: pd.DataFrame, band: float | None = None) -> Figure:
    """Each fair-share member's part of the shared bill next to its GDP share."""
    members = funding.dropna(subset=["gdp_fair_share"])
    members = with_others(members, [float(v) for v in members["gdp_fair_share"]], what="members")
    table = members.iloc[::-1]
    fig, (ax,) = new_figure(8, 1.4 + 0.3 * max(len(table), 1))
    ax.set_title(TITLES["funding"], fontweight="bold")
    y = list(range(len(table)))
    height = 0.4
    paid = [v * 100 for v in table["shared_bill_share"].fillna(0.0)]
    fair = [v * 100 for v in table["gdp_fair_share"]]
    hbars(
        ax,
        [i + height / 2 for i in y],
        paid,
        height=height,
        label="Share of the bill paid",
        **bar_style(*style(0)),
    )
    hbars(
        ax,
        [i - height / 2 for i in y],
        fair,
        height=height,
        label="GDP-proportional fair share" + (f" (±{band:.0%} band)" if band else ""),
        **bar_style("white", "//"),
    )
    if band:
        ax.errorbar(
            fair,
            [i - height / 2 for i in y],
            xerr=[f * band for f in fair],
            fmt="none",
            ecolor="black",
            elinewidth=0.8,
            capsize=2,
        )
    ax.set_yticks(y, [str(n) for n in table["name"]])
    ax.set_ylim(-0.6, len(table) - 0.4)
    ax.set_xlabel("% of what the fair-share members pay together")
    ax.xaxis.set_major_formatter("{x:,.0f}%")
    fig.legend(loc="outside lower center", ncols=2, frameon=False, fontsize="small")
    return fig


def shares_chart(shares: pd.DataFrame) -> Figure:
    """Troop and cost shares by bloc as 100% bars, with Europe's policy minimum marked."""
    fig, (ax,) = new_figure(8, 3)
    ax.set_title(TITLES["shares"], fontweight="bold")
    shares = shares.iloc[::-1]
    rows = list(shares.index)
    y = list(range(len(rows)))
    base = [0.0] * len(rows)
    for source in ("europe", "other", "united_states"):
        label, colour, hatch = SOURCES[source]
        values = [v * 100 for v in shares[source]]
        hbars(ax, y, values, left=base, label=label.replace(" (deployed)", ""), **bar_style(colour, hatch))
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
    ax.set_yticks(y, [str(r).capitalize() for r in rows])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter("{x:.0f}%")
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
        y = list(range(len(table)))
        base = [0.0] * len(table)
        for source, (label, colour, hatch) in SOURCES.items():
            values = [v / need * 100 for v, need in zip(table[source], table["requirement"], strict=True)]
            if not any(values):
                continue
            hbars(ax, y, values, left=base, label=label, **bar_style(colour, hatch))
            base = [b + v for b, v in zip(base, values, strict=True)]
        ax.axvline(100, color="black", linestyle="--", linewidth=1.5, label="Requirement")
        ax.set_xlabel("% of the requirement")
        ax.xaxis.set_major_formatter("{x:,.0f}%")
        if len(panels) > 1:
            ax.set_title(period)
        ax.set_yticks(y, names if not n else [""] * len(names))
        ax.set_ylim(len(table) - 0.4, -0.6)  # first requirement on top
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
    kinds = [
        ("chosen", (OKABE_ITO[1], "")),
        ("allowed, not chosen", ("#DDDDDD", "")),
        ("not allowed in this scenario", ("white", "xx")),
    ]
    kind_of = [
        "chosen" if t.chosen else "allowed, not chosen" if t.allowed else "not allowed in this scenario"
        for t in tiers.itertuples()
    ]
    y = list(range(len(tiers)))
    for ax, column, scale, xlabel in (
        (cost, "annual_cost_usd_m", 1e-3, "Annual cost to the US (USD bn)"),
        (risk, "escalation_risk", 1.0, "Escalation risk (0–10)"),
    ):
        values = [float(v) * scale for v in tiers[column]]
        for kind, (colour, hatch) in kinds:
            rows = [i for i in y if kind_of[i] == kind]
            if rows:
                hbars(ax, rows, [values[i] for i in rows], label=kind, **bar_style(colour, hatch))
        for i, value in enumerate(values):
            ax.annotate(
                f"{value:,.2f}" if scale != 1 else f"{value:g}",
                (value, i),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
            )
        ax.set_xlabel(xlabel)
        ax.xaxis.set_major_formatter("{x:,.1f}" if scale != 1 else "{x:,.0f}")
        ax.set_ylim(len(tiers) - 0.4, -0.6)
    cost.set_yticks(y, names)
    risk.set_yticks(y, [""] * len(names))
    from matplotlib.patches import Patch

    legend = [Patch(**bar_style(colour, hatch)) for _, (colour, hatch) in kinds]
    fig.legend(legend, [kind for kind, _ in kinds], loc="outside lower center", ncols=3, frameon=False)
    return fig


def grouped_bars(table: pd.DataFrame, title: str, xlabel: str, percent: bool = False) -> Figure:
    """Side-by-side bars: one group per row of `table`, one bar per column (scenario).

    Beyond `TOP` rows the largest are shown and the rest summed into an "others" group; the
    legend sits below the axes so it never covers a bar.
    """
    ranking = [float(v) for v in table.fillna(0.0).abs().max(axis=1)] if len(table.columns) else []
    table = with_others(table, ranking) if len(table.columns) else table
    rows, columns = list(table.index), list(table.columns)
    fig, (ax,) = new_figure(8, 1.6 + len(rows) * (0.13 * max(len(columns), 2) + 0.12) + 0.2 * len(columns))
    ax.set_title(title, fontweight="bold")
    height = 0.8 / max(len(columns), 1)
    for j, column in enumerate(columns):
        values = [(v * 100 if percent else v) for v in table[column].fillna(0.0)]
        offsets = [i + (j - (len(columns) - 1) / 2) * height for i in range(len(rows))]
        hbars(ax, offsets, values, height=height, label=str(column), **bar_style(*style(j)))
    ax.set_yticks(range(len(rows)), [str(r) for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter("{x:,.0f}" if not percent else "{x:.0f}%")
    if columns:
        fig.legend(title="Scenario", loc="outside lower center", ncols=min(len(columns), 4), frameon=False)
    return fig
