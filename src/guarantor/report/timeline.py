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


def troops_area_chart(troops: pd.DataFrame) -> Figure:
    """Stacked areas of troops by contributor per period."""
    from guarantor.report.charts import HATCHES, OKABE_ITO, new_figure

    fig, (ax,) = new_figure(8, 4.5)
    x = range(len(troops.index))
    stacks = ax.stackplot(
        x,
        *[troops[c].to_numpy() for c in troops.columns],
        labels=list(troops.columns),
        colors=[OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(troops.columns))],
        edgecolor="black",
        linewidth=0.4,
    )
    for i, area in enumerate(stacks):
        area.set_hatch(HATCHES[i % len(HATCHES)])
    ax.set_xticks(list(x), list(troops.index))
    ax.set_ylabel("deployed troops")
    ax.set_title("Who keeps troops in theatre, period by period?")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    return fig


def funding_period_chart(funding: pd.DataFrame) -> Figure:
    """Annual funding per bloc per period, with the annual budget line if any."""
    from guarantor.report.charts import HATCHES, OKABE_ITO, new_figure

    fig, (ax,) = new_figure(8, 4.5)
    x = list(range(len(funding.index)))
    bottom = [0.0] * len(x)
    names = {"europe": "Europe", "united_states": "United States", "other": "Others"}
    for i, bloc in enumerate(("europe", "united_states", "other")):
        values = [v / 1000 for v in funding[bloc]]
        ax.bar(
            x,
            values,
            bottom=bottom,
            label=names[bloc],
            color=OKABE_ITO[i],
            hatch=HATCHES[i],
            edgecolor="black",
            linewidth=0.4,
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    budget = funding["budget"].iloc[0]
    if budget is not None and not pd.isna(budget):
        ax.axhline(budget / 1000, color="black", linestyle="--", label="annual budget")
    ax.set_xticks(x, list(funding.index))
    ax.set_ylabel("USD bn a year")
    ax.set_title("Who pays each year, against the budget?")
    ax.legend(frameon=False, fontsize=8)
    return fig


def tier_chart(tiers: pd.DataFrame, params: Params) -> Figure:
    """The US tier per period on the escalation ladder."""
    from guarantor.report.charts import OKABE_ITO, new_figure

    fig, (ax,) = new_figure(8, 3.5)
    x = list(range(len(tiers.index)))
    ax.step(x, list(tiers["rank"]), where="mid", color=OKABE_ITO[0], linewidth=2, marker="o")
    for xi, command in zip(x, tiers["us_command"], strict=True):
        if command:
            ax.annotate(
                "US C2", (xi, 0), textcoords="offset points", xytext=(0, -14), ha="center", fontsize=7
            )
    ax.set_yticks([t.rank for t in params.tiers], [t.label for t in params.tiers], fontsize=8)
    ax.set_xticks(x, list(tiers.index))
    ax.set_ylim(-0.6, len(params.tiers) - 0.4)
    ax.set_title("How far up the US air-support ladder, period by period?")
    return fig


def timeline_tables(result: Result, params: Params) -> dict[str, pd.DataFrame]:
    return {
        "troops_by_period": troops_by_period(result, params),
        "funding_by_period": funding_by_period(result, params),
        "us_tier_by_period": tier_by_period(result, params),
    }


def timeline_figures(tables: dict[str, pd.DataFrame], params: Params) -> dict[str, Figure]:
    return {
        "troops_over_time": troops_area_chart(tables["troops_by_period"]),
        "funding_over_time": funding_period_chart(tables["funding_by_period"]),
        "us_tier_over_time": tier_chart(tables["us_tier_by_period"], params),
    }
