"""Cross-reference checks the schema alone cannot express; all problems are collected."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from guarantor.errors import Problem
from guarantor.schema import Model, Scenario
from guarantor.yamlio import Key, display_path, named_path, suggest

if TYPE_CHECKING:
    from guarantor.loading import Resolved


class _Collector:
    def __init__(self, resolved: Resolved, prefix: tuple[Key, ...]) -> None:
        self.resolved = resolved
        self.prefix = prefix
        self.problems: list[Problem] = []

    def add(self, path: tuple[Key, ...], message: str) -> None:
        full = tuple(p for p in (*self.prefix, *path) if p != "")
        shown = display_path(named_path(self.resolved.root, full))
        self.problems.append(Problem(self.resolved.origin_of(full), shown, message))

    def ref(self, path: tuple[Key, ...], name: str, known: set[str], what: str) -> None:
        if name not in known:
            self.add(path, f"unknown {what} {name!r}{suggest(name, known)}")


def check_model(model: Model, resolved: Resolved, prefix: tuple[Key, ...] = ("model",)) -> list[Problem]:
    """Ids unique and known, sources cited exist, ground capability defined."""
    out = _Collector(resolved, prefix)
    capabilities = {c.id for c in model.capabilities}
    sources = set(model.sources)
    for field, items in (
        ("capabilities", [c.id for c in model.capabilities]),
        ("contributors", [c.id for c in model.contributors]),
        ("us_air_support_tiers", [t.id for t in model.us_air_support_tiers]),
    ):
        for name, count in Counter(items).items():
            if count > 1:
                out.add((field,), f"id {name!r} appears {count} times")
    out.ref(("ground_capability",), model.ground_capability, capabilities, "capability")
    if not model.us_air_support_tiers:
        out.add(("us_air_support_tiers",), "at least one tier is needed (e.g. `none`)")

    def cite(path: tuple[Key, ...], source: str | None) -> None:
        if source is not None and not source.startswith(("http://", "https://")) and source not in sources:
            out.add(
                (*path, "source"),
                f"unknown source key {source!r}{suggest(source, sources)}; "
                "add it under `sources:` or give a URL",
            )

    cite(("rotation_factor",), model.rotation_factor.source)
    for i, c in enumerate(model.contributors):
        for field in (
            "gdp_usd_bn",
            "defence_budget_usd_bn",
            "active_personnel",
            "deployable_ground_force",
            "stance",
            "cost_per_soldier_year_usd",
        ):
            cite(("contributors", i, field), getattr(c, field).source)
        for cap, offer in c.capabilities.items():
            out.ref(
                ("contributors", i, "capabilities", cap),
                cap,
                capabilities - {model.ground_capability},
                "capability",
            )
            cite(("contributors", i, "capabilities", cap, "available"), offer.available.source)
            cite(("contributors", i, "capabilities", cap, "unit_cost_usd_m"), offer.unit_cost_usd_m.source)
    for i, tier in enumerate(model.us_air_support_tiers):
        for cap, amount in tier.provides.items():
            out.ref(("us_air_support_tiers", i, "provides", cap), cap, capabilities, "capability")
            cite(("us_air_support_tiers", i, "provides", cap), amount.source)
        cite(("us_air_support_tiers", i, "annual_cost_usd_m"), tier.annual_cost_usd_m.source)
        cite(("us_air_support_tiers", i, "escalation_risk"), tier.escalation_risk.source)
    for cap in model.us_command_and_control.provides:
        out.ref(("us_command_and_control", "provides", cap), cap, capabilities, "capability")
    blocs = Counter(c.bloc for c in model.contributors)
    if blocs["united_states"] > 1:
        out.add(("contributors",), "only one contributor can have bloc united_states")
    return out.problems


def check_scenario(scenario: Scenario, resolved: Resolved) -> list[Problem]:
    """Every name a scenario uses must exist in its model; per-period keys must be periods."""
    problems = check_model(scenario.model, resolved)
    out = _Collector(resolved, ())
    model = scenario.model
    capabilities = {c.id for c in model.capabilities}
    contributors = {c.id for c in model.contributors}
    tiers = {t.id for t in model.us_air_support_tiers}
    periods = {p.id for p in scenario.horizon.periods} if scenario.horizon else set()

    def per_period(path: tuple[Key, ...], value: object) -> None:
        if isinstance(value, dict):
            if not periods:
                out.add(path, "per-period values need a `horizon:` with periods")
            for key in value:
                out.ref((*path, key), key, periods, "period")

    for cap, value in scenario.requirements.items():
        out.ref(("requirements", cap), cap, capabilities, "capability")
        per_period(("requirements", cap), value)
    for name, count in Counter(r.id for r in scenario.contributors).items():
        if count > 1:
            out.add(("contributors",), f"rule for {name!r} appears {count} times")
    for i, rule in enumerate(scenario.contributors):
        out.ref(("contributors", i, "id"), rule.id, contributors, "contributor")
        per_period(("contributors", i, "troop_cap"), rule.troop_cap)
        per_period(("contributors", i, "funding_cap_usd_m"), rule.funding_cap_usd_m)
    support = scenario.us_air_support
    for i, tier in enumerate(support.allowed or []):
        out.ref(("us_air_support", "allowed", i), tier, tiers, "US tier")
    if support.fixed is not None:
        out.ref(("us_air_support", "fixed"), support.fixed, tiers, "US tier")
        if support.allowed is not None and support.fixed not in support.allowed:
            out.add(("us_air_support", "fixed"), f"fixed tier {support.fixed!r} is not in `allowed`")
    for period, allowed in support.allowed_by_period.items():
        out.ref(("us_air_support", "allowed_by_period", period), period, periods, "period")
        for j, tier in enumerate(allowed):
            out.ref(("us_air_support", "allowed_by_period", period, j), tier, tiers, "US tier")
    fair = scenario.policy.fair_share
    if fair is not None:
        for i, member in enumerate(fair.members or []):
            out.ref(("policy", "fair_share", "members", i), member, contributors, "contributor")
    if scenario.horizon is not None:
        ramp = scenario.horizon.max_ramp_up
        for name in ramp.by_contributor if ramp else {}:
            out.ref(("horizon", "max_ramp_up", "by_contributor", name), name, contributors, "contributor")
        for name, count in Counter(p.id for p in scenario.horizon.periods).items():
            if count > 1:
                out.add(("horizon", "periods"), f"period {name!r} appears {count} times")
    objective = scenario.objective
    if (
        objective.type == "max_force"
        and objective.budget_usd_m is None
        and scenario.policy.total_budget_usd_m is None
    ):
        out.add(("objective",), "max_force needs a budget: set objective.budget_usd_m")
    if objective.type == "weighted" and not objective.weights:
        out.add(("objective", "weights"), "weighted objective needs at least one term in `weights`")
    if objective.type == "lexicographic" and not objective.priorities:
        out.add(("objective", "priorities"), "lexicographic objective needs `priorities`")
    if scenario.uncertainty is not None:
        from guarantor.paths import numeric_paths

        known = numeric_paths(resolved.data)
        for i, dist in enumerate(scenario.uncertainty.distributions):
            if dist.path not in known:
                out.add(
                    ("uncertainty", "distributions", i, "path"),
                    f"no numeric input at {dist.path!r}{suggest(dist.path, set(known))}",
                )
    return problems + out.problems
