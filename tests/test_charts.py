"""Chart functions, tested on the data they draw (bar sizes, labels, titles), never on pixels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from guarantor.answer.results import Result
from guarantor.api import solve_scenario
from guarantor.model.params import Params, build_params
from guarantor.report import charts, tables
from guarantor.scenario.loading import load_scenario

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def solved() -> tuple[Result, Params]:
    loaded = load_scenario(FIXTURES / "mini-baseline.yaml")
    return solve_scenario(loaded), build_params(loaded.scenario)


def bars(ax: object) -> list[charts.Bar]:
    """The bars of an axes (one compound path per series, or Rectangles), in drawing order."""
    return charts.drawn_bars(ax)  # type: ignore[arg-type]


def legend_texts(fig: Figure) -> list[str]:
    """Texts of the chart's legend, whether on the axes or outside them on the figure."""
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()] + list(fig.legends)
    return [t.get_text() for legend in legends for t in legend.get_texts()]


def tick_labels(ax: object) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]  # type: ignore[attr-defined]


def test_troops_chart_draws_ground_troops_per_contributor(solved: tuple[Result, Params]) -> None:
    result, params = solved
    deployments = tables.deployments(result, params)
    fig = charts.troops_chart(deployments, tables.capability_labels(params), params.ground)
    assert isinstance(fig, Figure)
    assert fig.get_suptitle() == "Who deploys what?"
    left, right = fig.axes[:2]
    expected = deployments[params.ground].sort_values(kind="stable")
    assert tick_labels(left) == list(expected.index)
    assert [b.get_width() for b in bars(left)] == list(expected)
    assert dict(zip(tick_labels(left), [b.get_width() for b in bars(left)], strict=True))["France"] == 10000
    # the right panel stacks the other capabilities: France's air defence and HQ
    france = tick_labels(left).index("France")
    widths = [b.get_width() for b in bars(right) if round(b.get_y() + b.get_height() / 2) == france]
    assert sorted(w for w in widths if w) == [1.0, 1.0]


def test_funding_chart_compares_bill_share_with_gdp_share(solved: tuple[Result, Params]) -> None:
    result, params = solved
    funding = tables.funding(result, params)
    fig = charts.funding_chart(funding, band=0.2)
    (ax,) = fig.axes
    assert ax.get_title() == "Does each country pay its GDP-proportional fair share?"
    members = funding.dropna(subset=["gdp_fair_share"]).iloc[::-1]
    assert tick_labels(ax) == list(members["name"])
    widths = [b.get_width() for b in bars(ax)]
    paid, fair = widths[: len(members)], widths[len(members) :]
    assert paid == pytest.approx(list(members["shared_bill_share"] * 100))
    assert fair == pytest.approx(list(members["gdp_fair_share"] * 100))
    assert "±20% band" in legend_texts(fig)[1]


def test_shares_chart_stacks_blocs_and_marks_the_policy_minimum(solved: tuple[Result, Params]) -> None:
    result, params = solved
    shares = tables.shares(result, params)
    fig = charts.shares_chart(shares)
    (ax,) = fig.axes
    assert ax.get_title() == "Does Europe carry the lion's share of troops and costs?"
    assert tick_labels(ax) == ["Costs", "Troops"]
    widths = [b.get_width() for b in bars(ax)]
    # Europe, other partners, United States for costs then troops (drawn bottom-up)
    assert widths[0] == pytest.approx(shares.loc["costs", "europe"] * 100)
    assert widths[1] == pytest.approx(shares.loc["troops", "europe"] * 100)
    assert sum(widths[0::2]) == pytest.approx(100, abs=1e-3)
    minimums = sorted(line.get_xdata()[0] for line in ax.get_lines())
    assert minimums == pytest.approx([70.0, 80.0])
    assert legend_texts(fig) == ["Europe", "Other partners", "United States", "Europe's policy minimum"]


def test_coverage_chart_shows_each_requirement_met(solved: tuple[Result, Params]) -> None:
    result, params = solved
    coverage = tables.coverage(result, params)
    fig = charts.coverage_chart({"year": coverage})
    (ax,) = fig.axes
    assert fig.get_suptitle() == "Is every required capability covered, and by whom?"
    assert tick_labels(ax)[0] == "Ground troops\n(15,000 troops)"
    totals: dict[float, float] = {}
    for b in bars(ax):
        totals[round(b.get_y(), 3)] = totals.get(round(b.get_y(), 3), 0.0) + b.get_width()
    assert sorted(totals.values()) == pytest.approx([100.0] * len(coverage))
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "US air-support tier" in legend and "Requirement" in legend


def test_tiers_chart_marks_the_chosen_tier(solved: tuple[Result, Params]) -> None:
    result, params = solved
    tiers = tables.tiers(result, params)
    fig = charts.tiers_chart(tiers)
    cost, risk = fig.axes
    assert fig.get_suptitle() == "How much US air support, at what cost and escalation risk?"
    assert tick_labels(cost) == [
        "No US air support",
        "US supplies air defence (chosen)",
        "US enforces a no-fly zone",
    ]
    by_row = sorted(bars(cost), key=lambda b: b.get_y())  # drawn one series per kind of tier
    assert [b.get_width() for b in by_row] == pytest.approx([0.0, 0.25, 9.0])
    assert [b.get_width() for b in sorted(bars(risk), key=lambda b: b.get_y())] == [0.0, 2.0, 9.0]
    assert by_row[2].get_hatch() == "xx"  # not allowed: hatched, readable in greyscale


def test_grouped_bars_one_bar_per_scenario_and_row() -> None:
    table = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, None]}, index=["France", "Spain"])
    fig = charts.grouped_bars(table, "Who deploys troops in each scenario?", "troops")
    (ax,) = fig.axes
    assert ax.get_title() == "Who deploys troops in each scenario?"
    assert [b.get_width() for b in bars(ax)] == [1.0, 2.0, 3.0, 0.0]
    assert tick_labels(ax) == ["France", "Spain"]
    assert legend_texts(fig) == ["a", "b"]
    percent = charts.grouped_bars(table, "Shares?", "%", percent=True)
    assert bars(percent.axes[0])[0].get_width() == 100.0


def test_series_differ_in_hatch_as_well_as_colour() -> None:
    """Greyscale print: no two of the first eight series share a hatch; colours are Okabe-Ito."""
    styles = [charts.style(i) for i in range(8)]
    assert len({hatch for _, hatch in styles}) == 8
    assert len({colour for colour, _ in styles}) == 8
    assert len({(colour, hatch) for _, colour, hatch in charts.SOURCES.values()}) == len(charts.SOURCES)
    assert len({hatch for _, _, hatch in charts.SOURCES.values()}) == len(charts.SOURCES)


def test_every_title_is_a_question() -> None:
    assert all(title.endswith("?") for title in charts.TITLES.values())
