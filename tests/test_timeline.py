"""Horizon tables and charts: values per period, titles phrased as questions."""

from __future__ import annotations

from pathlib import Path

from guarantor.api import solve_file
from guarantor.model.params import build_params
from guarantor.report.chartkit import drawn_bars
from guarantor.report.timeline import timeline_figures, timeline_tables
from guarantor.scenario.loading import load_scenario

HORIZON = Path(__file__).parent / "fixtures" / "mini-horizon.yaml"


def test_timeline_tables_and_charts() -> None:
    result = solve_file(HORIZON)
    params = build_params(load_scenario(HORIZON).scenario)
    tables = timeline_tables(result, params)
    troops = tables["troops_by_period"]
    assert list(troops.index) == ["y1", "y2", "y3", "y4"]
    # requirement per period is met exactly by ground troops (no US ground troops)
    assert list(troops.sum(axis=1)) == [8000, 15000, 15000, 6000]
    tiers = tables["us_tier_by_period"]
    assert list(tiers.loc[["y3", "y4"], "tier"]) == ["none", "none"]  # allowed_by_period hands over
    funding = tables["funding_by_period"]
    assert funding.loc["y3", "united_states"] == 0
    figures = timeline_figures(tables, params)
    area = figures["troops_over_time"].axes[0]
    assert area.get_title() == "Who keeps troops in theatre, period by period?"
    # the legend lists contributors top of the stack first, as the areas are drawn
    assert [t.get_text() for t in area.get_legend().get_texts()] == list(troops.columns)[::-1]
    styles = {(a.get_facecolor().tobytes(), a.get_hatch()) for a in area.collections}
    assert len(styles) == len(troops.columns)  # no two contributors look alike
    bars = figures["funding_over_time"].axes[0]
    heights = [b.get_height() for b in drawn_bars(bars)[:4]]
    assert heights == [v / 1000 for v in funding["europe"]]
    ladder = figures["us_tier_over_time"].axes[0]
    assert [t.get_text() for t in ladder.get_yticklabels()] == [t.label for t in params.tiers]
