"""The `results.json` payload: the answer, its explanation and a reproducibility manifest.

Only the manifest's `created_at` changes between identical runs; everything else is
rounded and ordered deterministically.
"""

from __future__ import annotations

import datetime as dt
import platform
from dataclasses import asdict
from typing import Any

from guarantor import __version__
from guarantor.answer.basis import costs_by_basis
from guarantor.answer.results import Decisions, Result
from guarantor.model.params import Params, build_params
from guarantor.report.estimates import estimate_rows
from guarantor.scenario.loading import LoadedScenario


def _version(package: str) -> str:
    """An installed package's version from its metadata: importing PuLP only to read
    `pulp.__version__` cost an analysis 0.2 s (it loads every solver back-end), and highspy
    has no `__version__` (the manifest said "")."""
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def manifest(
    loaded: LoadedScenario,
    result_options: dict[str, Any],
    solver: str = "",
    solver_version: str = "",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything needed to reproduce a run (the one timestamp is `created_at`)."""
    data: dict[str, Any] = {
        "guarantor_version": __version__,
        "scenario_file": loaded.path,
        "input_files": list(loaded.resolved.files),
        "inputs_sha256": loaded.resolved.sha256(),
        "solver": solver,
        "solver_version": solver_version,
        "pulp_version": _version("pulp"),
        "highspy_version": _version("highspy"),
        "python_version": platform.python_version(),
        "options": result_options,
        "created_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "resolved_scenario": loaded.resolved.read_only(),  # shared, never changed: written as it is
    }
    if extra:
        data.update(extra)
    return data


def decisions_payload(d: Decisions) -> dict[str, Any]:
    """Decisions in a form `guarantor check` reads back (every amount, per period)."""
    return {
        "amounts": [[c, k, p, v] for (c, k, p), v in sorted(d.amounts.items())],
        "funding_usd_m": [[c, p, v] for (c, p), v in sorted(d.funding.items())],
        "tier": d.tier,
        "us_command": d.us_command,
    }


def decisions_from_payload(data: dict[str, Any]) -> Decisions:
    return Decisions(
        amounts={(c, k, p): float(v) for c, k, p, v in data["amounts"]},
        funding={(c, p): float(v) for c, p, v in data["funding_usd_m"]},
        tier=dict(data["tier"]),
        us_command={k: bool(v) for k, v in data["us_command"].items()},
    )


def result_payload(
    result: Result,
    loaded: LoadedScenario,
    params: Params | None = None,
    made: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON document a solve writes (keys documented in the README); `made`: its `manifest`;
    `fields`: its `report_fields`, when the report built them already (their cost basis and
    published estimates are taken as they are: ~1 s at 1,600 contributors x 10 periods)."""
    from guarantor.report.numbers import clean, clean_columns, clean_tree
    from guarantor.report.numbers import column_kind as clean_kind
    from guarantor.report.tables import amount_kinds

    params = params or build_params(loaded.scenario)
    kinds = amount_kinds(params)
    given = {k: v for k, v in (fields or {}).items() if k in ("cost_basis", "published_estimates")}
    payload: dict[str, Any] = {
        "scenario": result.scenario,
        "question": result.question,
        "status": str(result.status),
        "objective": result.objective,
        "objective_value": result.objective_value,
        "periods": result.periods,
    }
    if result.decisions is not None and result.metrics is not None:
        d, m = result.decisions, result.metrics
        first = result.periods[0]
        payload.update(
            {
                "total_cost_usd": round(m.total_cost_usd_m * 1e6, 2),
                "annual_cost_usd": {p: round(v * 1e6, 2) for p, v in m.annual_cost_usd_m.items()},
                "us_air_support": d.tier[first],
                "us_air_support_by_period": d.tier,
                "us_command_and_control": d.us_command[first],
                "troops": result.troops(params),
                "funding_usd": {
                    c.id: round(sum(d.funding.get((c.id, p), 0.0) for p in result.periods) * 1e6, 2)
                    for c in params.contributors
                },
                "shares": {
                    "europe_troops": m.europe_troop_share,
                    "europe_cost": m.europe_cost_share,
                    "us_cost": m.us_cost_share,
                    "other_cost": m.other_cost_share,
                    "other_troops": m.other_troop_share,
                },
                "metrics": {
                    "total_cost_usd_m": m.total_cost_usd_m,
                    "us_cost_usd_m": m.us_cost_usd_m,
                    "escalation_risk": m.escalation_risk,
                    "deployed_force": m.deployed_force,
                },
                "allocations": [
                    {"contributor": c, "capability": k, "period": p, "amount": clean(v, kinds[k])}
                    for (c, k, p), v in sorted(d.amounts.items())
                    if v
                ],
                "decisions": decisions_payload(d),
                "cost_basis": given["cost_basis"] if "cost_basis" in given else _cost_basis(loaded, d),
            }
        )
    payload["published_estimates"] = (
        given["published_estimates"] if "published_estimates" in given else _estimates(loaded, result)
    )
    rows = result.constraints
    by_key = _kinds_by_key(params, kinds)
    prices = [clean(c.price, "price_usd" if c.price_unit.startswith("USD") else "number") for c in rows]
    payload["constraints"] = clean_columns(  # cleaned here, a column at a time
        {
            "name": [c.name for c in rows],
            "family": [c.family for c in rows],
            "label": [c.label for c in rows],
            "origin": [c.origin for c in rows],
            "binding": [c.binding for c in rows],
            "activity": [c.activity for c in rows],
            "slack": [c.slack for c in rows],
            "shadow_price": [c.shadow_price for c in rows],
            "unit": [c.unit for c in rows],
            "price": prices,
            "price_unit": [c.price_unit for c in rows],
            "explanation": [c.explanation for c in rows],
        },
        by_key,
        clean_kind("constraints"),
    )
    payload["reduced_costs"] = [
        {
            "contributor": r.contributor,
            "capability": r.capability,
            "period": r.period,
            "reduced_cost": r.reduced_cost,
            "explanation": r.explanation,
        }
        for r in result.reduced_costs
    ]
    payload["duals_method"] = result.duals_method
    payload["notes"] = result.notes
    if result.diagnosis is not None:
        payload["diagnosis"] = {
            "summary": result.diagnosis.summary,
            "method": result.diagnosis.method,
            "relaxations": [vars(r) for r in result.diagnosis.relaxations],
            "conflicting": result.diagnosis.conflicting,
            "numerical": result.diagnosis.numerical,
        }
    from guarantor.report.why import why_payload

    payload.update(why_payload(result))
    for k in list(payload):  # key by key: each raw part is freed as its cleaned copy replaces it
        if k in given or k == "constraints":  # cleaned by `report_fields`, or above
            continue
        payload[k] = clean_tree(payload[k], by_key, "number" if k == "decisions" else clean_kind(k))
    payload["manifest"] = made or manifest(loaded, result.options, result.solver, result.solver_version)
    return payload


def report_fields(
    result: Result, loaded: LoadedScenario, params: Params, made: dict[str, Any]
) -> dict[str, Any]:
    """What the report's documents read of results.json (the manifest without the merged scenario,
    the cost basis, the published estimates), the same values as `result_payload`'s: built first,
    so that the report workers start while the rest (25 MB of pickle at 1,600 contributors x 10
    periods, which no job reads) is built and written."""
    from guarantor.report.numbers import clean_tree
    from guarantor.report.numbers import column_kind as clean_kind
    from guarantor.report.tables import amount_kinds

    fields: dict[str, Any] = {}
    if result.decisions is not None and result.metrics is not None:
        fields["cost_basis"] = _cost_basis(loaded, result.decisions)
    fields["published_estimates"] = _estimates(loaded, result)
    by_key = _kinds_by_key(params, amount_kinds(params))
    found = {k: clean_tree(v, by_key, clean_kind(k)) for k, v in fields.items()}
    found["manifest"] = {k: v for k, v in made.items() if k != "resolved_scenario"}
    return found


def _kinds_by_key(params: Params, kinds: dict[str, str]) -> dict[str, str]:
    """Rounding kinds by key: every float rounded by its kind (money to $0.1 m, troops whole, shares
    to 6 decimals); the decisions keep nine significant digits so `guarantor check` re-verifies them."""
    troop_kind = kinds.get(params.ground, "count")
    return {"troops": troop_kind, "deployed_force": troop_kind, "funding_usd_m": "number"}


def _cost_basis(loaded: LoadedScenario, d: Decisions) -> dict[str, Any]:
    return {
        "optimised": loaded.scenario.cost_basis or loaded.scenario.model.cost_basis,
        "annual_cost_usd_m": costs_by_basis(loaded.scenario, d),
    }


def _estimates(loaded: LoadedScenario, result: Result) -> list[dict[str, Any]]:
    return [asdict(r) for r in estimate_rows(loaded.scenario, result.decisions)]
