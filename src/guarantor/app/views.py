"""What the web app shows: the answer, its difference from the saved scenario, pinned runs side by side.

Views are plain data built from a `Session` and rendered by Jinja2 templates shipped in the package
(`app/templates/`, autoescaped); chart data goes to the page as JSON for the vendored Chart.js.
Numbers are formatted by the same helpers as the reports (`money`, `documents.fmt`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from guarantor.answer.explain import money
from guarantor.answer.results import Result
from guarantor.app.controls import Control, controls_for, current_text
from guarantor.app.session import Session
from guarantor.model.params import Params, build_params
from guarantor.report.summary import binding_lines

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment() -> Any:
    """The Jinja2 environment over the package's templates (autoescaped: values are never markup)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters["money"] = money
    env.filters["pct"] = lambda v: "–" if v is None else f"{v:.1%}"
    env.filters["count"] = lambda v: f"{v:,.0f}"
    env.filters["signed_money"] = lambda v: ("+" if v > 0 else "−" if v < 0 else "±") + money(abs(v))
    return env


def render(template: str, **context: Any) -> str:
    return str(environment().get_template(template).render(**context))


def class_of(result: Result, contributor: str, item: str, period: str) -> str:
    """Firm / flexible (or unknown) from the result's robustness data, once it has been computed."""
    robustness = result.robustness
    found = robustness.item(contributor, item, period) if robustness is not None else None
    return str(found.cls) if found is not None and found.cls != "absent" else ""  # absent: nothing sent


def allocation_rows(result: Result, params: Params) -> list[dict[str, Any]]:
    """Who deploys what and who pays (first period), with each contribution's firm/flexible class."""
    d = result.decisions
    if d is None:
        return []
    first = result.periods[0]
    labels = {c.id: (c.label, c.unit) for c in params.scenario.model.capabilities}
    rows = []
    for c in params.contributors:
        troops = d.ground(params, c.id, first)
        others = [
            {"amount": v, "label": labels.get(k, (k, ""))[0], "unit": labels.get(k, ("", k))[1]}
            for (cid, k, p), v in sorted(d.amounts.items())
            if cid == c.id and p == first and k != params.ground and v
        ]
        paid = d.funding.get((c.id, first), 0.0)
        if troops or others or paid > 1e-6:
            rows.append(
                {
                    "id": c.id,
                    "name": c.name,
                    "troops": troops,
                    "others": others,
                    "paid": paid,
                    "troops_class": class_of(result, c.id, params.ground, first),
                    "paid_class": class_of(result, c.id, "funding_usd_m", first),
                }
            )
    return rows


def headline(result: Result, params: Params) -> dict[str, Any]:
    """Total cost, US tier, shares against the thresholds, status."""
    view: dict[str, Any] = {"status": str(result.status), "solved": result.metrics is not None}
    m, d = result.metrics, result.decisions
    if m is None or d is None:
        return view
    first = result.periods[0]
    policy = params.scenario.policy
    tier = next(t for t in params.tiers if t.id == d.tier[first])
    view.update(
        total=m.total_cost_usd_m,
        per="a year" if len(result.periods) == 1 else "over the horizon",
        tier=tier.label,
        us_command=d.us_command[first],
        shares=[
            ("Europe, troops", m.europe_troop_share, _threshold(policy.europe_min_troop_share)),
            ("Europe, costs", m.europe_cost_share, _threshold(policy.europe_min_cost_share)),
            ("United States, costs", m.us_cost_share, None),
        ],
    )
    return view


def _threshold(rule: Any) -> float | None:
    return None if rule is None else float(rule.value)


def charts(result: Result, params: Params, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Chart.js data: troops and payments per contributor, shares against thresholds."""
    if result.metrics is None:
        return {}
    head = headline(result, params)
    return {
        "troops": {"labels": [r["name"] for r in rows], "values": [round(r["troops"]) for r in rows]},
        "funding": {"labels": [r["name"] for r in rows], "values": [round(r["paid"], 1) for r in rows]},
        "shares": {
            "labels": [s[0] for s in head["shares"]],
            "values": [round(100 * s[1], 1) for s in head["shares"]],
            "thresholds": [None if s[2] is None else round(100 * s[2], 1) for s in head["shares"]],
        },
    }


def results_view(session: Session) -> dict[str, Any]:
    """Everything the results panel shows for the session's current answer."""
    result, loaded = session.result, session.loaded
    params = build_params(loaded.scenario)
    rows = allocation_rows(result, params)
    diff = session.difference()
    return {
        "result": result,
        "headline": headline(result, params),
        "rows": rows,
        "has_classes": result.robustness is not None,
        "robustness_headline": result.robustness.headline if result.robustness is not None else "",
        "binding": binding_lines(result),
        "claims": [e.claim for e in result.explanations],  # checked by a re-solve, where computed
        "diagnosis": result.diagnosis,
        "diff": diff,
        "changes": session.overrides(),
        "charts": charts(result, params, rows),
        "solve_ms": round(1000 * session.seconds),
    }


def compare_view(session: Session) -> dict[str, Any] | None:
    """Pinned runs and the current one side by side (as `guarantor compare` tabulates them)."""
    if not session.pins:
        return None
    from guarantor.report.compare import SUMMARY_ROWS, Run, by_contributor, summary
    from guarantor.report.documents import fmt

    runs = [Run(p.label, p.loaded, build_params(p.loaded.scenario), p.result) for p in session.pins]
    runs.append(Run("now", session.loaded, build_params(session.loaded.scenario), session.result))
    table = summary(runs)
    names = [run.name for run in runs]
    rows = [[label, *[fmt(table.loc[n, key], kind) for n in names]] for key, label, kind in SUMMARY_ROWS]
    troops = by_contributor(runs, "troops")
    rows += [[f"troops: {who}", *[fmt(troops.loc[who, n], "int") for n in names]] for who in troops.index]
    changes = [_changes_text(p.changes) for p in session.pins] + [_changes_text(session.changes)]
    return {"names": names, "rows": rows, "changes": changes}


def _changes_text(changes: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in changes.items()) or "as saved"


def control_groups(session: Session) -> list[tuple[str, list[tuple[Control, str]]]]:
    """Controls with their current text, grouped as the page shows them."""
    groups: dict[str, list[tuple[Control, str]]] = {}
    for control in controls_for(session.saved_scenario):
        groups.setdefault(control.group, []).append((control, current_text(session.loaded, control)))
    return list(groups.items())
