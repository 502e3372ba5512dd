"""Plans over time: per-period tables and the charts a horizon report shows.

Tables are numbers only (tested on values); chart functions take those tables and
return matplotlib Figures without writing files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from guarantor.answer.results import Result
from guarantor.model.params import Params

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from guarantor.report.rendering import ChartJob


def troops_by_period(result: Result, params: Params) -> pd.DataFrame:
    """Deployed ground troops: one row per period, one column per contributor that deploys."""
    assert result.decisions is not None
    data = {
        c.name: [result.decisions.ground(params, c.id, p) for p in result.periods]
        for c in params.contributors
        if any(result.decisions.ground(params, c.id, p) for p in result.periods)
    }
    return pd.DataFrame(data, index=pd.Index(result.periods, name="period"))


def funding_by_period(result: Result, params: Params) -> pd.DataFrame:
    """Annual funding (USD m a year) per bloc, with the annual budget line when the scenario sets one."""
    assert result.decisions is not None
    rows = []
    budget = params.scenario.policy.total_budget_usd_m
    for period in params.periods:
        row: dict[str, float | str | None] = {"period": period.id}
        for bloc in ("europe", "united_states", "other"):
            paid = sum(
                result.decisions.funding.get((c.id, period.id), 0.0)
                for c in params.contributors
                if c.side == bloc
            )
            row[bloc] = round(paid / period.years, 6)
        row["budget"] = budget
        rows.append(row)
    return pd.DataFrame(rows).set_index("period")


def tier_by_period(result: Result, params: Params) -> pd.DataFrame:
    """The US tier chosen in each period, its rank on the ladder and whether the US commands."""
    assert result.decisions is not None
    labels = {t.id: (t.rank, t.label) for t in params.tiers}
    rows = [
        {
            "period": p,
            "tier": result.decisions.tier[p],
            "rank": labels[result.decisions.tier[p]][0],
            "label": labels[result.decisions.tier[p]][1],
            "us_command": result.decisions.us_command[p],
        }
        for p in result.periods
    ]
    return pd.DataFrame(rows).set_index("period")


def top_columns(troops: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """The `top` contributors with most troops-periods, plus one "Others (n contributors)" column
    carrying the exact per-period totals of the rest (the CSV keeps every contributor)."""
    from guarantor.report.chartkit import with_others

    if len(troops.columns) <= top + 1:
        return troops
    flipped = troops.T
    ranking = [float(v) for v in flipped.sum(axis=1)]
    return with_others(flipped, ranking, top).T


def troops_area_chart(troops: pd.DataFrame) -> Figure:
    """Stacked areas of troops by contributor per period; a style per contributor that never repeats."""
    from guarantor.report.chartkit import OTHERS_COLOUR, bar_style, is_others, new_figure, series_style

    shown = top_columns(troops)
    fig, (ax,) = new_figure(8, 4.5)
    x = range(len(shown.index))
    stacks = ax.stackplot(
        x,
        *[shown[c].to_numpy(dtype=float) for c in shown.columns],
        labels=[str(c) for c in shown.columns],
        edgecolor="black",
        linewidth=0.4,
    )
    for i, (area, column) in enumerate(zip(stacks, shown.columns, strict=True)):
        look = series_style(i)
        colour, hatch = (OTHERS_COLOUR, "...") if is_others(column) else (look.colour, look.hatch)
        area.set(**{k: v for k, v in bar_style(colour, hatch).items() if k != "linewidth"})
    ax.set_xticks(list(x), [str(p) for p in shown.index])
    ax.set_xlabel("Period")
    ax.set_ylabel("Deployed ground troops")
    ax.yaxis.set_major_formatter("{x:,.0f}")
    ax.set_title("Who keeps troops in theatre, period by period?", fontweight="bold")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False, reverse=True)
    return fig


def funding_period_chart(funding: pd.DataFrame) -> Figure:
    """Annual funding per bloc per period, with the annual budget line if any."""
    from guarantor.report.chartkit import bar_style, hbars, new_figure, style

    fig, (ax,) = new_figure(8, 4.5)
    x = list(range(len(funding.index)))
    bottom = [0.0] * len(x)
    names = {"europe": "Europe", "united_states": "United States", "other": "Others"}
    for i, bloc in enumerate(("europe", "united_states", "other")):
        values = [v / 1000 for v in funding[bloc]]
        look = {**bar_style(*style(i)), "linewidth": 0.4}
        hbars(ax, x, values, left=bottom, label=names[bloc], vertical=True, **look)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    budget = funding["budget"].iloc[0]
    if budget is not None and not pd.isna(budget):
        ax.axhline(budget / 1000, color="black", linestyle="--", label="Annual budget")
    ax.set_xticks(x, [str(p) for p in funding.index])
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.set_xlabel("Period")
    ax.set_ylabel("Funding (USD bn a year)")
    ax.yaxis.set_major_formatter("{x:,.1f}")
    ax.set_title("Who pays each year, against the budget?", fontweight="bold")
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    return fig


def tier_chart(tiers: pd.DataFrame, ladder: list[tuple[int, str]]) -> Figure:
    """The US tier per period on the escalation ladder (`ladder`: rank and label of every tier)."""
    from guarantor.report.chartkit import OKABE_ITO, new_figure

    fig, (ax,) = new_figure(8, 3.5)
    x = list(range(len(tiers.index)))
    ax.step(x, list(tiers["rank"]), where="mid", color=OKABE_ITO[0], linewidth=2, marker="o")
    for xi, command in zip(x, tiers["us_command"], strict=True):
        if command:
            ax.annotate(
                "US C2", (xi, 0), textcoords="offset points", xytext=(0, -14), ha="center", fontsize=7
            )
    ax.set_yticks([rank for rank, _ in ladder], [label for _, label in ladder], fontsize=8)
    ax.set_xticks(x, [str(p) for p in tiers.index])
    ax.set_xlabel("Period")
    ax.set_ylim(-0.6, len(ladder) - 0.4)
    ax.set_title("How far up the US air-support ladder, period by period?", fontweight="bold")
    return fig


def timeline_tables(result: Result, params: Params) -> dict[str, pd.DataFrame]:
    return {
        "troops_by_period": troops_by_period(result, params),
        "funding_by_period": funding_by_period(result, params),
        "us_tier_by_period": tier_by_period(result, params),
    }


def timeline_jobs(tables: dict[str, pd.DataFrame], params: Params) -> list[ChartJob]:
    """The horizon charts as jobs any process can draw (see `rendering`)."""
    from guarantor.report.rendering import ChartJob

    ladder = [(t.rank, t.label) for t in params.tiers]
    return [
        ChartJob("troops_over_time", troops_area_chart, (tables["troops_by_period"],)),
        ChartJob("funding_over_time", funding_period_chart, (tables["funding_by_period"],)),
        ChartJob("us_tier_over_time", tier_chart, (tables["us_tier_by_period"], ladder)),
    ]


def timeline_figures(tables: dict[str, pd.DataFrame], params: Params) -> dict[str, Figure]:
    return {job.name: job.figure() for job in timeline_jobs(tables, params)}
