"""Results as tidy pandas DataFrames: numbers only, no formatting, no plotting.

Charts, CSV files and documents all read these tables, so a number shown in a chart is
the number written to CSV. Rows follow the model's order (contributors, capabilities,
tiers), which is deterministic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guarantor.answer.explain import DEFINITIONAL
from guarantor.answer.results import Result
from guarantor.model.params import Params

if TYPE_CHECKING:
    import pandas as pd

BLOCS = ("europe", "other", "united_states")
"""Bloc ids in the order tables and charts show them."""


def capability_labels(params: Params) -> dict[str, tuple[str, str]]:
    """Capability id -> (label, unit), for column headers and axis labels."""
    return {c.id: (c.label, c.unit) for c in params.scenario.model.capabilities}


def amount_kinds(params: Params) -> dict[str, str]:
    """How `numbers` rounds each capability column: troops and whole units as counts, the rest to 0.01."""
    return {
        k: "count" if params.integer.get(k) or k == params.ground else "amount" for k in params.capabilities
    }


def allocations(result: Result, params: Params) -> pd.DataFrame:
    """Contributor × capability amounts, one row per contributor and period (zeros kept)."""
    import pandas as pd

    d = result.decisions
    rows = []
    for c in params.contributors:
        for period in result.periods:
            row: dict[str, object] = {"contributor": c.id, "name": c.name, "bloc": c.side}
            row["period"] = period
            for k in params.capabilities:
                row[k] = d.amounts.get((c.id, k, period), 0.0) if d else 0.0
            rows.append(row)
    return pd.DataFrame(rows, columns=["contributor", "name", "bloc", "period", *params.capabilities])


def deployments(result: Result, params: Params) -> pd.DataFrame:
    """Peak amount over the horizon per deploying contributor (index: name), by capability."""
    table = allocations(result, params)
    peak = table.groupby("name", sort=False)[params.capabilities].max()
    return peak[(peak > 0).any(axis=1)]


def funding(result: Result, params: Params) -> pd.DataFrame:
    """Who pays: amount, share of the bill, share of GDP, and the GDP-proportional fair share.

    The fair share is each member's share of the members' GDP (members: the scenario's
    `fair_share.members`, else every European contributor with a GDP), compared with its
    share of what the members pay together; `deviation` is the difference in share points
    and `relative_deviation` the ratio minus one (what the policy's `band` limits).
    """
    import pandas as pd

    d = result.decisions
    years = sum(p.years for p in params.periods)
    members = params.fair_share_members() or [c for c in params.contributors if c.is_europe and c.gdp_usd_m]
    member_ids = {c.id for c in members}
    gdp_total = sum(c.gdp_usd_m for c in members)
    paid = {
        c.id: sum(d.funding.get((c.id, p), 0.0) for p in result.periods) if d else 0.0
        for c in params.contributors
    }
    total = sum(paid.values())
    members_total = sum(paid[c] for c in member_ids)
    rows = []
    for c in params.contributors:
        amount = paid[c.id]
        fair = c.gdp_usd_m / gdp_total if c.id in member_ids and gdp_total else None
        shared = amount / members_total if fair is not None and members_total > 1e-9 else None
        rows.append(
            {
                "contributor": c.id,
                "name": c.name,
                "bloc": c.side,
                "amount_usd": round(amount * 1e6, 2),
                "share": amount / total if total > 1e-9 else 0.0,
                "share_of_gdp": amount / years / c.gdp_usd_m if c.gdp_usd_m else None,
                "gdp_fair_share": fair,
                "shared_bill_share": shared,
                "deviation": shared - fair if shared is not None and fair is not None else None,
                "relative_deviation": shared / fair - 1 if shared is not None and fair else None,
            }
        )
    fractions = [
        "share",
        "share_of_gdp",
        "gdp_fair_share",
        "shared_bill_share",
        "deviation",
        "relative_deviation",
    ]
    table = pd.DataFrame(rows).astype({c: "float64" for c in ["amount_usd", *fractions]})
    return table.round({c: 8 for c in fractions})


def shares(result: Result, params: Params) -> pd.DataFrame:
    """Troop and cost shares by bloc (index: troops, costs) with Europe's policy minimum."""
    import pandas as pd

    m = result.metrics
    policy = params.scenario.policy
    troop_min = policy.europe_min_troop_share.value if policy.europe_min_troop_share else None
    cost_min = policy.europe_min_cost_share.value if policy.europe_min_cost_share else None
    if m is None:
        return pd.DataFrame(columns=[*BLOCS, "europe_minimum"], dtype="float64")
    us_troops = max(0.0, 1.0 - m.europe_troop_share - m.other_troop_share) if m.deployed_force else 0.0
    data = {
        "troops": [m.europe_troop_share, m.other_troop_share, round(us_troops, 6), troop_min],
        "costs": [m.europe_cost_share, m.other_cost_share, m.us_cost_share, cost_min],
    }
    return pd.DataFrame.from_dict(data, orient="index", columns=[*BLOCS, "europe_minimum"]).astype("float64")


def coverage(result: Result, params: Params, period: str | None = None) -> pd.DataFrame:
    """What covers each required capability in one period: blocs, the US tier, US command."""
    import pandas as pd

    d = result.decisions
    period = period or result.periods[0]
    labels = capability_labels(params)
    tier = next((t for t in params.tiers if d and t.id == d.tier.get(period)), None)
    rows = []
    for k in params.capabilities:
        need = params.requirement(k, period)
        if need <= 0:
            continue
        by_bloc = dict.fromkeys(BLOCS, 0.0)
        for c in params.contributors:
            by_bloc[c.side] += d.amounts.get((c.id, k, period), 0.0) if d else 0.0
        command = params.c2_provides.get(k, 0.0) if d and d.us_command.get(period) else 0.0
        rows.append(
            {
                "capability": k,
                "label": labels[k][0],
                "unit": labels[k][1],
                "requirement": need,
                **by_bloc,
                "us_tier": tier.provides.get(k, 0.0) if tier else 0.0,
                "us_command": command,
            }
        )
    columns = ["capability", "label", "unit", "requirement", *BLOCS, "us_tier", "us_command"]
    table = pd.DataFrame(rows, columns=columns).set_index("capability")
    table["provided"] = table[[*BLOCS, "us_tier", "us_command"]].sum(axis=1)
    return table


def tiers(result: Result, params: Params) -> pd.DataFrame:
    """The US air-support ladder: each tier's cost and risk, whether allowed, chosen, and when."""
    import pandas as pd

    chosen = result.decisions.tier if result.decisions else {}
    allowed = set().union(*(params.allowed_tiers(p) for p in result.periods))
    rows = [
        {
            "tier": t.id,
            "label": t.label,
            "annual_cost_usd_m": t.cost_usd_m,
            "escalation_risk": t.risk,
            "allowed": t.id in allowed,
            "chosen": t.id in chosen.values(),
            "chosen_in": ", ".join(p for p in result.periods if chosen.get(p) == t.id),
        }
        for t in params.tiers
    ]
    return pd.DataFrame(rows).set_index("tier")


def binding_constraints(result: Result) -> pd.DataFrame:
    """Binding policy constraints, those with the largest shadow prices first."""
    import pandas as pd

    rows = [
        {
            "name": c.name,
            "label": c.label,
            "family": c.family,
            "shadow_price": c.shadow_price,
            "unit": c.unit,
            "price": c.price,
            "price_unit": c.price_unit,
            "origin": c.origin,
            "explanation": c.explanation,
        }
        for c in result.binding
        if c.family not in DEFINITIONAL
    ]
    columns = [
        "name",
        "label",
        "family",
        "shadow_price",
        "unit",
        "price",
        "price_unit",
        "origin",
        "explanation",
    ]
    table = pd.DataFrame(rows, columns=columns).astype({"shadow_price": "float64", "price": "float64"})
    order = -table["shadow_price"].abs().fillna(0.0)
    return (
        table.assign(_order=order)
        .sort_values(["_order", "name"])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def solve_tables(result: Result, params: Params) -> dict[str, pd.DataFrame]:
    """Every table a solve report shows; coverage per shown period (first and last)."""
    shown = result.periods if len(result.periods) == 1 else [result.periods[0], result.periods[-1]]
    labels = {p.id: p.label or p.id for p in params.periods}
    return {
        "allocations": allocations(result, params),
        "deployments": deployments(result, params),
        "funding": funding(result, params),
        "shares": shares(result, params),
        **{f"coverage:{labels.get(p, p)}": coverage(result, params, p) for p in shown},
        "tiers": tiers(result, params),
        "binding": binding_constraints(result),
    }
