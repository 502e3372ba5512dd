"""The charts of each kind of analysis, as jobs any process can draw (by file stem)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guarantor.analysis import charts, uncertainty_charts
from guarantor.atomic import safe_name
from guarantor.errors import GuarantorError

if TYPE_CHECKING:
    import pandas as pd

    from guarantor.report.rendering import ChartJob


def chart_jobs(info: dict[str, Any], tables: dict[str, pd.DataFrame]) -> list[ChartJob]:
    """The charts of each kind of analysis as jobs (any process can draw them), by file stem."""
    from guarantor.report.rendering import ChartJob as Job

    kind, tiers, names = info["kind"], info.get("tiers", []), info.get("names")
    if kind == "sweep":
        paths = info["axes"]
        if len(paths) == 1:
            return [
                Job(
                    "sweep",
                    charts.sweep_line,
                    (tables["points"], paths[0], tables["tipping_points"], tiers, names),
                )
            ]
        if len(paths) == 2:
            return [
                Job(
                    "sweep_heatmap",
                    charts.sweep_heatmap,
                    (tables["points"], paths[0], paths[1], tiers, names),
                )
            ]
        return []
    if kind == "sensitivity":
        found = []
        if len(tables["tornado"]):
            found.append(
                Job(
                    "tornado",
                    charts.tornado_chart,
                    (tables["tornado"], info["base_objective"], info["delta"]),
                    {"names": names},
                )
            )
        if "sobol" in tables:
            found.append(Job("sobol", charts.sobol_chart, (tables["sobol"], names)))
        return found
    if kind == "uncertainty":
        u = uncertainty_charts
        found = [
            Job("cost_distribution", u.cost_distribution, (tables["samples"], tables["summary"])),
            Job("tier_frequency", u.tier_frequency, (tables["tier_frequency"], names)),
        ]
        bands = tables["contribution_bands"]
        for measure in ("troops", "funding"):
            if len(bands) and (bands["measure"] == measure).any():
                found.append(
                    Job(f"{measure}_bands", u.contribution_bands, (bands, measure), {"names": names})
                )
        if len(tables["drivers"]):
            found.append(Job("drivers", u.drivers_chart, (tables["drivers"],), {"names": names}))
        return found
    if kind == "alternatives":
        from guarantor.analysis.alternatives_chart import range_chart

        table, slack = tables["alternatives"], info["slack"]
        periods = info["periods"]
        return [
            Job(
                "ranges" if len(periods) == 1 else f"ranges-{safe_name(q)}",
                range_chart,
                (table, info["ground"], q, slack, ""),
            )
            for q in periods
        ]
    if kind == "pareto":
        return [
            Job(
                "frontier",
                charts.frontier_chart,
                (tables["frontier"], info["objectives"], info["labels"], tiers, names),
            )
        ]
    raise GuarantorError(f"unknown analysis kind {kind!r}")
