"""Short terminal summary of a solve: rich tables of who deploys and pays, shares, binding rules."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console, RenderableType
from rich.table import Table

from guarantor.answer.basis import basis_headline
from guarantor.answer.explain import DEFINITIONAL, money
from guarantor.answer.results import Result
from guarantor.model.params import build_params
from guarantor.report.estimates import estimate_line
from guarantor.scenario.loading import LoadedScenario

SHOWN = 10
"""Binding constraints listed in the terminal; the report lists them all."""


def binding_lines(result: Result) -> list[str]:
    """Plain-language binding constraints: priced ones first, by the size of their price."""
    binding = [c for c in result.binding if c.family not in DEFINITIONAL and c.explanation]
    binding.sort(key=lambda c: (-abs(c.shadow_price or 0.0), c.name))
    return list(dict.fromkeys(c.explanation for c in binding))


def print_summary(
    result: Result, loaded: LoadedScenario, folder: Path, console: Console | None = None
) -> None:
    """Who deploys and pays, the US tier, shares against thresholds, and what binds."""
    console = console or Console()
    for part in summary_parts(result, loaded, folder):
        console.print(part)


def summary_parts(
    result: Result, loaded: LoadedScenario, folder: Path, report_md: bool | None = None
) -> list[RenderableType]:
    """What `print_summary` prints, made without printing: `solve` makes it while its report
    workers write the files (0.7 s at 1,600 contributors x 10 periods) and prints it after them.
    `report_md`: whether the folder has (or will have) report.md; None: look."""
    parts: list[RenderableType] = []
    add = parts.append
    add(f"[bold]{result.scenario}[/bold]: {result.question}")
    add(f"status: [bold]{result.status}[/bold]")
    if result.diagnosis is not None:
        add(f"[red]{result.diagnosis.summary}[/red]")
        for relax in result.diagnosis.relaxations:
            add(f"  - {relax.explanation}")
    if result.decisions is None or result.metrics is None:
        add(f"report: {folder}")
        return parts
    params = build_params(loaded.scenario)
    m, d = result.metrics, result.decisions
    first = result.periods[0]
    tier = next(t for t in params.tiers if t.id == d.tier[first])
    add(
        f"total cost: {money(m.total_cost_usd_m)}"
        f"{' a year' if len(result.periods) == 1 else ' over the horizon'}; US tier: {tier.label}; "
        f"US command: {'yes' if d.us_command[first] else 'no'}"
    )
    add(basis_headline(loaded.scenario, d))
    line = estimate_line(loaded.scenario, d)
    if line:
        add(line)
    table = Table(title="Who deploys what and who pays (first period)")
    table.add_column("contributor")
    table.add_column("troops", justify="right")
    table.add_column("other capabilities")
    table.add_column("pays", justify="right")
    other_amounts: dict[str, list[str]] = {}  # grouped once: a scan per contributor was quadratic
    shown = ((key, v) for key, v in d.amounts.items() if key[2] == first and key[1] != params.ground and v)
    for (cid, k, _), v in sorted(shown):  # only the first period's entries are sorted
        other_amounts.setdefault(cid, []).append(f"{v:g} {k}")
    for c in params.contributors:
        troops = d.ground(params, c.id, first)
        others = ", ".join(other_amounts.get(c.id, ()))
        paid = d.funding.get((c.id, first), 0.0)
        if troops or others or paid > 1e-6:
            table.add_row(c.name, f"{troops:,.0f}", others, money(paid))
    add(table)
    policy = loaded.scenario.policy
    shares = Table(title="Shares against policy thresholds")
    shares.add_column("share")
    shares.add_column("result", justify="right")
    shares.add_column("threshold", justify="right")
    troop_min = policy.europe_min_troop_share.value if policy.europe_min_troop_share else None
    cost_min = policy.europe_min_cost_share.value if policy.europe_min_cost_share else None
    troop_group = params.group_label(params.share_group("europe_min_troop_share"))
    cost_group = params.group_label(params.share_group("europe_min_cost_share"))
    shares.add_row(
        f"{troop_group}, troops",
        f"{m.europe_troop_share:.1%}",
        f">= {troop_min:.0%}" if troop_min is not None else "-",
    )
    shares.add_row(
        f"{cost_group}, costs",
        f"{m.europe_cost_share:.1%}",
        f">= {cost_min:.0%}" if cost_min is not None else "-",
    )
    shares.add_row("United States, costs", f"{m.us_cost_share:.1%}", "-")
    add(shares)
    from guarantor.report.why import summary_lines

    for line in summary_lines(result):
        add(line)
    lines = binding_lines(result)
    if lines:
        add("[bold]Binding constraints[/bold] (largest shadow price first)")
        for line in lines[:SHOWN]:
            add(f"  - {line}")
        if len(lines) > SHOWN:
            has_md = (folder / "report.md").exists() if report_md is None else report_md
            where = "report.md" if has_md else "results.json"
            add(f"  ... and {len(lines) - SHOWN} more in {where}")
    add(f"report: {folder}")
    return parts
