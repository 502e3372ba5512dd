"""Hand-made plans: read a plan that fixes some or all decisions, save a solution as a plan.

Plan YAML (values may be a number for every period or a mapping period -> number)::

    scenario: baseline
    us_air_support: air_defence_supply        # or {y1: isr_enablers, y2: none}
    us_command_and_control: true              # or per period
    contributions:
      france: {ground_troops: 10000, air_defence: 2}
      germany: {ground_troops: {y1: 2000, y2: 5000}}
    funding_usd_m:                            # optional; derived under own_costs
      france: 2500
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from guarantor.answer.results import Decisions, Result
from guarantor.atomic import write_text
from guarantor.errors import InputError, Origin, Problem
from guarantor.model.params import Params
from guarantor.scenario.checks import magnitude_problem
from guarantor.scenario.loading import LoadedScenario
from guarantor.scenario.yamlio import Node, describe, read_yaml, shown, suggest

PLAN_KEYS = {
    "scenario",
    "description",
    "us_air_support",
    "us_command_and_control",
    "contributions",
    "funding_usd_m",
}


@dataclass
class Plan:
    """Decisions an analyst fixes; anything absent is left to the optimiser."""

    file: str
    amounts: dict[tuple[str, str, str], float] = field(default_factory=dict)
    funding: dict[tuple[str, str], float] = field(default_factory=dict)
    tier: dict[str, str] = field(default_factory=dict)
    us_command: dict[str, bool] = field(default_factory=dict)
    scenario: str | None = None  # the scenario the plan says it was written for
    scenario_origin: Origin | None = None


class _PlanReader:
    def __init__(self, params: Params, file: str) -> None:
        self.params = params
        self.plan = Plan(file)
        self.problems: list[Problem] = []
        self.periods = [p.id for p in params.periods]

    def per_period(self, node: Node, key: str) -> dict[str, Any]:
        """A scalar means every period; a mapping must name known periods."""
        if isinstance(node.value, dict):
            values = {}
            for period, child in node.value.items():
                if period not in self.periods:
                    hint = suggest(period, self.periods)
                    self.problems.append(Problem(child.origin, key, f"unknown period {period!r}{hint}"))
                else:
                    values[period] = child.value
            return values
        return dict.fromkeys(self.periods, node.value)

    def numbers(self, node: Node, key: str) -> dict[str, float]:
        """Non-negative numbers per period (a scalar means every period); bad ones become problems."""
        found = {}
        for period, value in self.per_period(node, key).items():
            number = self.number(value, node.origin, key)
            if number is not None:
                found[period] = number
        return found

    def number(self, value: Any, origin: Origin, key: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            self.problems.append(Problem(origin, key, f"expected a number >= 0, got {shown(value)}"))
            return None
        beyond = magnitude_problem(value)
        if beyond:
            self.problems.append(Problem(origin, key, beyond))
            return None
        return float(value)

    def read(self, root: Node) -> Plan:
        p = self.params
        for key, child in root.value.items():
            if key not in PLAN_KEYS:
                self.problems.append(
                    Problem(child.origin, key, f"unknown key {key!r}{suggest(key, PLAN_KEYS)}")
                )
        named = root.value.get("scenario")
        if named is not None and not isinstance(named.value, str):
            msg = f"expected the name of the scenario the plan was written for, found {describe(named.value)}"
            self.problems.append(Problem(named.origin, "scenario", msg))
        elif named is not None:
            self.plan.scenario, self.plan.scenario_origin = named.value, named.origin
        tiers = {t.id for t in p.tiers}
        if "us_air_support" in root.value:
            node = root.value["us_air_support"]
            for period, tier in self.per_period(node, "us_air_support").items():
                if not isinstance(tier, str):
                    msg = f"expected a US tier id, found {describe(tier)}"
                    self.problems.append(Problem(node.origin, "us_air_support", msg))
                elif tier not in tiers:
                    msg = f"unknown US tier {tier!r}{suggest(str(tier), tiers)}"
                    self.problems.append(Problem(node.origin, "us_air_support", msg))
                else:
                    self.plan.tier[period] = tier
        if "us_command_and_control" in root.value:
            node = root.value["us_command_and_control"]
            for period, value in self.per_period(node, "us_command_and_control").items():
                if not isinstance(value, bool):
                    msg = f"expected true or false, got {value!r}"
                    self.problems.append(Problem(node.origin, "us_command_and_control", msg))
                else:
                    self.plan.us_command[period] = value
        contributors = {c.id for c in p.contributors}
        self._contributions(root.value.get("contributions"), contributors)
        self._funding(root.value.get("funding_usd_m"), contributors)
        if self.problems:
            raise InputError(self.problems)
        return self.plan

    def _contributions(self, node: Node | None, contributors: set[str]) -> None:
        if node is None:
            return
        if not isinstance(node.value, dict):
            self.problems.append(
                Problem(node.origin, "contributions", "expected a mapping contributor -> capabilities")
            )
            return
        capabilities = set(self.params.capabilities)
        for c_id, caps in node.value.items():
            key = f"contributions.{c_id}"
            if c_id not in contributors:
                msg = f"unknown contributor {c_id!r}{suggest(c_id, contributors)}"
                self.problems.append(Problem(caps.origin, key, msg))
                continue
            if not isinstance(caps.value, dict):
                self.problems.append(Problem(caps.origin, key, "expected a mapping capability -> amount"))
                continue
            for k, amount in caps.value.items():
                if k not in capabilities:
                    msg = f"unknown capability {k!r}{suggest(k, capabilities)}"
                    self.problems.append(Problem(amount.origin, f"{key}.{k}", msg))
                    continue
                for period, number in self.numbers(amount, f"{key}.{k}").items():
                    self.plan.amounts[(c_id, k, period)] = number

    def _funding(self, node: Node | None, contributors: set[str]) -> None:
        if node is None:
            return
        if not isinstance(node.value, dict):
            self.problems.append(
                Problem(node.origin, "funding_usd_m", "expected a mapping contributor -> USD m")
            )
            return
        for c_id, amount in node.value.items():
            if c_id not in contributors:
                msg = f"unknown contributor {c_id!r}{suggest(c_id, contributors)}"
                self.problems.append(Problem(amount.origin, f"funding_usd_m.{c_id}", msg))
                continue
            for period, number in self.numbers(amount, f"funding_usd_m.{c_id}").items():
                self.plan.funding[(c_id, period)] = number


def load_plan(path: Path, params: Params) -> Plan:
    """Read a plan file, checking every name against the scenario (all problems at once)."""
    root = read_yaml(path)
    return _PlanReader(params, root.origin.file).read(root)


def complete_decisions(params: Params, plan: Plan) -> Decisions:
    """The plan taken literally: unlisted amounts are zero; unlisted funding follows the funding rule."""
    from guarantor.answer.checker import own_cost

    periods = [p.id for p in params.periods]
    d = Decisions(
        amounts={
            (c.id, k, p): plan.amounts.get((c.id, k, p), 0.0)
            for c in params.contributors
            for k in params.capabilities
            for p in periods
        },
        tier={p: plan.tier.get(p, params.tiers[0].id) for p in periods},
        us_command={
            p: plan.us_command.get(p, params.scenario.command_and_control == "us_led") for p in periods
        },
    )
    for c in params.contributors:
        for p in periods:
            if (c.id, p) in plan.funding:
                d.funding[(c.id, p)] = plan.funding[(c.id, p)]
            elif params.scenario.policy.funding_rule == "own_costs":
                d.funding[(c.id, p)] = own_cost(params, d, c.id, p)
            else:
                d.funding[(c.id, p)] = 0.0
    return d


def plan_document(result: Result, loaded: LoadedScenario, params: Params) -> dict[str, Any]:
    """A solution as a plan: every non-zero amount, the funding, the US role."""
    d = result.decisions
    assert d is not None
    periods = result.periods
    single = len(periods) == 1

    def collapse(values: dict[str, Any]) -> Any:
        distinct = set(values.values())
        return next(iter(distinct)) if single or len(distinct) == 1 else values

    contributions: dict[str, dict[str, Any]] = {}
    for c in params.contributors:
        for k in params.capabilities:
            values = {p: d.amounts.get((c.id, k, p), 0.0) for p in periods}
            if any(values.values()):
                contributions.setdefault(c.id, {})[k] = collapse(values)
    funding = {
        c.id: collapse({p: round(d.funding.get((c.id, p), 0.0), 6) for p in periods})
        for c in params.contributors
        if any(d.funding.get((c.id, p), 0.0) for p in periods)
    }
    return {
        "scenario": loaded.scenario.name,
        "us_air_support": collapse(dict(d.tier)),
        "us_command_and_control": collapse(dict(d.us_command)),
        "contributions": contributions,
        "funding_usd_m": funding,
    }


def plan_text(path: Path, result: Result, loaded: LoadedScenario) -> str:
    """plan.yaml's text; its hint names the plan by the path it is written to (works from where it ran)."""
    import shlex

    from guarantor.model.params import build_params
    from guarantor.scenario.yamlio import relative_name

    document = plan_document(result, loaded, build_params(loaded.scenario))
    sets = "".join(f" --set {shlex.quote(text)}" for text in loaded.overrides)
    header = (
        f"# Plan saved from the optimum of {loaded.scenario.name} ({loaded.path}).\n"
        f"# Edit it and run: guarantor evaluate {shlex.quote(loaded.path)} "
        f"--plan {shlex.quote(relative_name(path))}{sets}\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def write_plan(path: Path, result: Result, loaded: LoadedScenario) -> None:
    write_text(path, plan_text(path, result, loaded))
