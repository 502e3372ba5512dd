"""Cross-reference checks the schema alone cannot express; all problems are collected.

The checks read the merged *plain data*, not the validated pydantic objects, so they
run even when schema validation failed elsewhere in the file: a typo'd key and an
unknown country in the same scenario are reported together. Every access is
defensive — a value of the wrong type is the schema's business and is skipped here.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from guarantor.errors import Problem
from guarantor.scenario.coalition_checks import check_model_coalition, check_scenario_coalition
from guarantor.scenario.schema import ContributorRule, Model, Scenario
from guarantor.scenario.validation import misplaced_hint, type_members, type_step
from guarantor.scenario.yamlio import Key, describe, display_path, named_path, shown, suggest

if TYPE_CHECKING:
    from guarantor.scenario.resolved import Resolved


PER_PERIOD_RULES = tuple(
    name for name, info in ContributorRule.model_fields.items() if "dict[str, float]" in str(info.annotation)
)
"""Contributor-rule keys that take one number or a number per period (caps, pledges)."""

CAPS = "capabilities are listed under `capabilities:` in the model"

MAX_MAGNITUDE = 1e9
"""Largest number accepted anywhere in a model or scenario, in the unit its key names.

A billion troops, units, USD, USD million or USD billion is beyond any real case; larger
values only overflow the solver's tolerances (HiGHS reads 1e20 as infinite)."""

MAX_PERIODS = 100
"""Most periods in a horizon: the model grows with contributors x capabilities x periods."""

MAX_HORIZON_YEARS = 100
"""Longest horizon in years: cost escalation compounds over it (2^1,000,000 overflows)."""

LIMITS_HINT = "see 'Input limits' in the README"


class _Collector:
    """Turns data paths into located problems (file:line:column and a `--set`-style key path)."""

    def __init__(self, resolved: Resolved, prefix: tuple[Key, ...]) -> None:
        self.resolved = resolved
        self.prefix = prefix
        self.schema: type[BaseModel] = Model if prefix == ("",) else Scenario
        self.problems: list[Problem] = []

    def full(self, path: tuple[Key, ...]) -> tuple[Key, ...]:
        return tuple(p for p in (*self.prefix, *path) if p != "")

    def add(self, path: tuple[Key, ...], message: str) -> None:
        full = self.full(path)
        shown = display_path(named_path(self.resolved.root, full))
        self.problems.append(Problem(self.resolved.origin_of(full), shown, message))

    def line_of(self, path: tuple[Key, ...]) -> str:
        """'set at file:line:column', to name the other side of a contradiction."""
        return f"set at {self.resolved.origin_of(self.full(path))}"

    def ref(
        self, path: tuple[Key, ...], name: Any, known: set[str], what: str, where: str, key: bool = False
    ) -> None:
        """Report `name` unless it is one of `known`; `where` says where the known names are listed.

        With `key`, `name` is a mapping key, which may be a field indented into the wrong block.
        """
        if not isinstance(name, str) or name in known:
            return
        hint = suggest(name, known)
        misplaced = misplaced_hint(self.schema, self.full(path), self.resolved) if key and not hint else None
        if misplaced:
            self.add(path, f"unknown {what} {name!r}; {misplaced}")
            return
        if not hint and known:
            listed = ", ".join(sorted(known)[:10]) + (", …" if len(known) > 10 else "")
            hint = f" (known: {listed})"
        self.add(path, f"unknown {what} {name!r}{hint}; {where}")


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(data: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(position, item) for the mapping items of a list; other values are skipped."""
    value = data.get(key)
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def _ids(data: dict[str, Any], key: str) -> set[str]:
    return {item["id"] for _, item in _items(data, key) if isinstance(item.get("id"), str)}


def _duplicates(out: _Collector, data: dict[str, Any], key: str, what: str) -> None:
    """A repeated id is reported at its second (and later) occurrence."""
    first: dict[str, int] = {}
    for i, item in _items(data, key):
        name = item.get("id")
        if not isinstance(name, str):
            continue
        if name in first:
            out.add(
                (key, i, "id"),
                f"{what} {name!r} appears twice (first as item {first[name] + 1}); "
                "merge the two entries or rename one",
            )
        else:
            first[name] = i


def _cite_all(out: _Collector, value: Any, path: tuple[Key, ...], sources: set[str]) -> None:
    """Every `source:` of a figure must be a key of `sources:` or a URL."""
    if isinstance(value, dict):
        source = value.get("source")
        if (
            isinstance(source, str)
            and "value" in value
            and not source.startswith(("http://", "https://"))
            and source not in sources
        ):
            out.add(
                (*path, "source"),
                f"unknown source key {source!r}{suggest(source, sources)}; "
                "add it under `sources:` or give a URL",
            )
        for key, child in value.items():
            if key != "sources" or path:
                _cite_all(out, child, (*path, key), sources)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            _cite_all(out, child, (*path, i), sources)


def _plain(value: Any, resolved: Resolved, prefix: tuple[Key, ...]) -> Any:
    """Plain data to check: validated objects are checked as the user wrote them (`resolved`)."""
    if not isinstance(value, BaseModel):
        return value
    data: Any = resolved.data
    for part in prefix:
        if part != "":
            data = _mapping(data).get(str(part))
    return data


def check_model(
    model: dict[str, Any] | Model, resolved: Resolved, prefix: tuple[Key, ...] = ("model",)
) -> list[Problem]:
    """Ids unique and known, sources cited exist, ground capability defined.

    `model` is the plain model data (a validated `Model` is accepted too); `prefix` is where it
    sits in `resolved` (`("",)` for a model file on its own).
    """
    out = _Collector(resolved, prefix)
    model = _plain(model, resolved, prefix)
    if not isinstance(model, dict):
        return []
    capabilities = _ids(model, "capabilities")
    sources = set(_mapping(model.get("sources")))
    _duplicates(out, model, "capabilities", "capability")
    _duplicates(out, model, "contributors", "contributor")
    _duplicates(out, model, "us_air_support_tiers", "US tier")
    ground = model.get("ground_capability", "ground_troops")
    if isinstance(model.get("capabilities"), list):
        out.ref(("ground_capability",), ground, capabilities, "capability", CAPS)
    if model.get("us_air_support_tiers") == []:
        out.add(("us_air_support_tiers",), "at least one tier is needed (e.g. `- id: none`)")
    _cite_all(out, model, (), sources)
    for i, contributor in _items(model, "contributors"):
        for cap in _mapping(contributor.get("capabilities")):
            if cap == ground:
                out.add(
                    ("contributors", i, "capabilities", cap),
                    f"{ground!r} is the ground-troop capability; troops come from "
                    "`deployable_ground_force`, so remove this entry",
                )
            else:
                out.ref(
                    ("contributors", i, "capabilities", cap), cap, capabilities, "capability", CAPS, key=True
                )
    for i, tier in _items(model, "us_air_support_tiers"):
        for cap in _mapping(tier.get("provides")):
            out.ref(
                ("us_air_support_tiers", i, "provides", cap), cap, capabilities, "capability", CAPS, key=True
            )
    for cap in _mapping(_mapping(model.get("us_command_and_control")).get("provides")):
        out.ref(("us_command_and_control", "provides", cap), cap, capabilities, "capability", CAPS, key=True)
    us = [i for i, c in _items(model, "contributors") if c.get("bloc") == "united_states"]
    for i in us[1:]:
        out.add(("contributors", i, "bloc"), "only one contributor can have bloc united_states")
    check_numbers(out, model, [Model])
    check_model_coalition(out, model)
    return out.problems


def check_scenario(
    data: dict[str, Any] | Scenario, resolved: Resolved, model_checked: bool = False
) -> list[Problem]:
    """Every name a scenario uses must exist in its model; per-period keys must be periods.

    `data` is the plain merged data (a validated `Scenario` is accepted too). `model_checked`
    skips the model's own checks when they passed on this very model (a variant that changes
    only scenario keys, as the web app makes them).
    """
    data = _plain(data, resolved, ())
    if not isinstance(data, dict):
        return []
    model = _mapping(data.get("model"))
    problems = [] if model_checked else check_model(model, resolved)
    out = _Collector(resolved, ())
    capabilities = _ids(model, "capabilities")
    contributors = _ids(model, "contributors")
    tiers = _ids(model, "us_air_support_tiers")
    horizon = _mapping(data.get("horizon"))
    periods = _ids(horizon, "periods")
    known_caps = isinstance(model.get("capabilities"), list)
    known_contributors = isinstance(model.get("contributors"), list)
    known_tiers = isinstance(model.get("us_air_support_tiers"), list)

    def contributor(path: tuple[Key, ...], name: Any) -> None:
        if known_contributors:
            out.ref(
                path,
                name,
                contributors,
                "contributor",
                "contributors are listed under `contributors:` in the model",
            )

    def tier(path: tuple[Key, ...], name: Any) -> None:
        if known_tiers:
            out.ref(
                path, name, tiers, "US tier", "tiers are listed under `us_air_support_tiers:` in the model"
            )

    def period(path: tuple[Key, ...], name: Any, key: bool = True) -> None:
        out.ref(path, name, periods, "period", "periods are listed under `horizon.periods`", key)

    def non_negative(path: tuple[Key, ...], value: Any) -> None:
        numbers = value.items() if isinstance(value, dict) else [(None, value)]
        for key, number in numbers:
            if isinstance(number, int | float) and not isinstance(number, bool) and number < 0:
                where = path if key is None else (*path, key)
                out.add(where, f"expected a number >= 0, got {number:g} (use 0 to forbid)")

    def per_period(path: tuple[Key, ...], value: Any) -> None:
        if not isinstance(value, dict):
            return
        if not periods:
            out.add(
                path,
                "per-period values need `horizon.periods`; add a horizon or give a single number",
            )
            return
        for key in value:
            period((*path, key), key)

    requirements = _mapping(data.get("requirements"))
    for cap, value in requirements.items():
        if known_caps:
            out.ref(("requirements", cap), cap, capabilities, "capability", CAPS, key=True)
        per_period(("requirements", cap), value)
    _duplicates(out, data, "contributors", "rule for contributor")
    for i, rule in _items(data, "contributors"):
        contributor(("contributors", i, "id"), rule.get("id"))
        for cap_key in PER_PERIOD_RULES:
            per_period(("contributors", i, cap_key), rule.get(cap_key))
            non_negative(("contributors", i, cap_key), rule.get(cap_key))
    support = _mapping(data.get("us_air_support"))
    allowed = support.get("allowed")
    for i, name in enumerate(allowed if isinstance(allowed, list) else []):
        tier(("us_air_support", "allowed", i), name)
    fixed = support.get("fixed")
    if isinstance(fixed, str):
        tier(("us_air_support", "fixed"), fixed)
        if isinstance(allowed, list) and fixed not in allowed and (fixed in tiers or not known_tiers):
            out.add(
                ("us_air_support", "fixed"),
                f"fixed tier {fixed!r} is not in `allowed` ({', '.join(map(str, allowed))}); "
                "add it there or drop `allowed`",
            )
    by_period = _mapping(support.get("allowed_by_period"))
    if by_period and not periods:
        out.add(
            ("us_air_support", "allowed_by_period"),
            "per-period tiers need `horizon.periods`; add a horizon or use `allowed`",
        )
    for name, listed in by_period.items():
        if periods:
            period(("us_air_support", "allowed_by_period", name), name)
        for j, item in enumerate(listed if isinstance(listed, list) else []):
            tier(("us_air_support", "allowed_by_period", name, j), item)
    fair = _mapping(_mapping(data.get("policy")).get("fair_share"))
    members = fair.get("members")
    for i, member in enumerate(members if isinstance(members, list) else []):
        contributor(("policy", "fair_share", "members", i), member)
    ramp = _mapping(horizon.get("max_ramp_up"))
    for name, value in _mapping(ramp.get("by_contributor")).items():
        contributor(("horizon", "max_ramp_up", "by_contributor", name), name)
        non_negative(("horizon", "max_ramp_up", "by_contributor", name), value)
    _duplicates(out, horizon, "periods", "period")
    periods_list = horizon.get("periods")
    if isinstance(periods_list, list) and len(periods_list) > MAX_PERIODS:
        out.add(
            ("horizon", "periods"),
            f"{len(periods_list):,} periods is over the limit of {MAX_PERIODS} ({LIMITS_HINT}); "
            "use longer periods (`years:`)",
        )
    total = sum(_number(period.get("years", 1.0)) or 0.0 for _, period in _items(horizon, "periods"))
    if total > MAX_HORIZON_YEARS:
        out.add(
            ("horizon", "periods"),
            f"the periods add up to {total:,.6g} years, over the limit of {MAX_HORIZON_YEARS} years "
            f"({LIMITS_HINT})",
        )
    _check_objective(out, data)
    _check_uncertainty(out, data)
    check_numbers(out, {k: v for k, v in data.items() if k != "model"}, [Scenario])
    check_rules(out, data)
    check_scenario_coalition(out, data)
    return problems + out.problems


def _check_objective(out: _Collector, data: dict[str, Any]) -> None:
    objective = _mapping(data.get("objective"))
    kind = objective.get("type", "min_cost")
    budget = _mapping(data.get("policy")).get("total_budget_usd_m")
    if kind == "max_force" and objective.get("budget_usd_m") is None and budget is None:
        out.add(
            ("objective", "type"),
            "max_force needs a budget: set objective.budget_usd_m (or policy.total_budget_usd_m)",
        )
    if kind == "weighted" and not objective.get("weights"):
        out.add(
            ("objective", "type"),
            "a weighted objective needs `weights:`, e.g. [{metric: total_cost, weight: 1}]",
        )
    if kind == "lexicographic" and not objective.get("priorities"):
        out.add(
            ("objective", "type"),
            "a lexicographic objective needs `priorities:`, e.g. [{metric: us_involvement}, "
            "{metric: total_cost}]",
        )


def _check_uncertainty(out: _Collector, data: dict[str, Any]) -> None:
    """Distributions must address a numeric input that exists."""
    from guarantor.scenario.paths import numeric_paths

    uncertainty = _mapping(data.get("uncertainty"))
    known: dict[str, float] | None = None
    for i, dist in _items(uncertainty, "distributions"):
        path = dist.get("path")
        if not isinstance(path, str):
            continue
        if known is None:
            known = numeric_paths(data)
        if path not in known:
            out.add(
                ("uncertainty", "distributions", i, "path"),
                f"no numeric input at {path!r}{suggest(path, set(known))}; "
                "`guarantor resolve --explain` lists every path",
            )


# --------------------------------------------------------------------------- numbers


def check_numbers(out: _Collector, value: Any, annotations: list[Any], path: tuple[Key, ...] = ()) -> None:
    """Numbers must be written as numbers, and within `MAX_MAGNITUDE`.

    Pydantic's lax mode would read `ground_troops: yes` (YAML's true) as 1 troop and
    `"30000"` as 30,000; a number the schema expects must be a YAML number. The schema
    types are walked beside the data, so only keys that hold numbers are concerned.
    """
    _walk_numbers(out, value, _Kinds.of(tuple(m for a in annotations for m in type_members(a))), path)


class _Kinds:
    """The schema types allowed at a place, interned, with the steps below them memoised.

    The same few places recur thousands of times in a model (every contributor's figures);
    interning keeps the walk to a dictionary lookup per value.
    """

    table: typing.ClassVar[dict[tuple[Any, ...], _Kinds]] = {}

    def __init__(self, kinds: tuple[Any, ...]) -> None:
        self.kinds = kinds
        self.below: dict[Key, _Kinds] = {}
        number = any(k in (int, float) for k in kinds)
        text = any(
            k is str or typing.get_origin(k) is Literal or (isinstance(k, type) and issubclass(k, Enum))
            for k in kinds
        )
        self.takes = (number, text, bool in kinds)

    @classmethod
    def of(cls, kinds: tuple[Any, ...]) -> _Kinds:
        found = cls.table.get(kinds)
        if found is None:
            found = cls.table[kinds] = cls(kinds)
        return found

    def step(self, part: Key) -> _Kinds:
        found = self.below.get(part)
        if found is None:
            below = tuple(m for a in type_step(list(self.kinds), part) for m in type_members(a))
            found = _Kinds.of(below)
            if len(self.below) < 1024:  # user-chosen keys are many; schema places are few
                self.below[part] = found
        return found


def _walk_numbers(out: _Collector, value: Any, kinds: _Kinds, path: tuple[Key, ...]) -> None:
    if not kinds.kinds:
        return
    if isinstance(value, dict):
        for key, child in value.items():
            _walk_numbers(out, child, kinds.step(key), (*path, key))
    elif isinstance(value, list):
        item = kinds.step(0)
        for i, child in enumerate(value):
            _walk_numbers(out, child, item, (*path, i))
    elif isinstance(value, bool | str | int | float) and kinds.takes[0]:
        message = number_problem(value, kinds.takes)
        if message:
            out.add(path, message)


def number_problem(value: Any, takes: tuple[bool, bool, bool]) -> str:
    """Why a scalar is not an acceptable number where the schema takes (numbers, text, booleans)."""
    number, text, boolean = takes
    if not number:
        return ""
    if isinstance(value, bool):
        if boolean:
            return ""
        return (
            f"expected a number, found {describe(value)} (YAML reads yes/no/on/off as true/false); "
            "write the number"
        )
    if isinstance(value, str) and not text:
        try:
            parsed = float(value)
        except ValueError:
            return ""  # not number-like: the schema reports it
        if not math.isfinite(parsed):
            return f"expected a finite number, found text {shown(value)}"
        return f"expected a number, found text {shown(value)}; remove the quotes"
    if isinstance(value, int | float):
        return magnitude_problem(value)
    return ""


def magnitude_problem(value: float) -> str:
    """'' when `value` is finite and within `MAX_MAGNITUDE`, else a message naming the limit."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"expected a finite number, found {shown(value)}"
    if abs(value) <= MAX_MAGNITUDE:
        return ""
    got = f"{value:.3g}" if isinstance(value, float) else f"a number of {len(str(abs(value))):,} digits"
    return (
        f"{got} is beyond the input limit of ±{MAX_MAGNITUDE:,.0f} (10^9) in this key's unit ({LIMITS_HINT})"
    )


# --------------------------------------------------------------------------- contradictions


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _by_period(value: Any) -> dict[str | None, float]:
    """A per-period rule as {period: number}; a single number applies to every period (key None)."""
    if isinstance(value, dict):
        return {k: n for k, v in value.items() if (n := _number(v)) is not None}
    n = _number(value)
    return {} if n is None else {None: n}


def _at(values: dict[str | None, float], period: str | None) -> float | None:
    return values.get(period, values.get(None))


def check_rules(out: _Collector, data: dict[str, Any]) -> None:
    """Rules that contradict each other are errors: no plan could satisfy both.

    Precedence (documented in the README and docs/formulation.md): a contributor's own
    rule (`troop_cap`, `stance`) overrides a policy default (`policy.conditional_troop_cap`);
    where a pledge conflicts with a cap or a stance, the user must say which one wins.
    """
    model = _mapping(data.get("model"))
    policy = _mapping(data.get("policy"))
    stances = {c.get("id"): _mapping(c.get("stance")).get("value") for _, c in _items(model, "contributors")}
    blocs = {c.get("id"): c.get("bloc") for _, c in _items(model, "contributors")}
    no_us_troops = _mapping(policy.get("no_us_ground_troops")).get("value", True) is not False
    conditional = _number(policy.get("conditional_troop_cap"))
    for i, rule in _items(data, "contributors"):
        name = rule.get("id")
        pledges = _by_period(rule.get("troop_min"))
        if name not in stances or not any(v > 0 for v in pledges.values()):
            continue
        caps = _by_period(rule.get("troop_cap"))
        stance = rule.get("stance") or stances[name]
        where = ("contributors", i, "troop_min")
        pledge = max(pledges.values())
        if rule.get("exclude") is True:
            out.add(where, f"pledges {pledge:,.0f} troops but the rule also has `exclude: true`; drop one")
            continue
        if stance == "ruled_out":
            stance_at = ("contributors", i, "stance") if rule.get("stance") else None
            line = out.line_of(stance_at) if stance_at else f"the model's stance for {name!r}"
            out.add(
                where,
                f"pledges {pledge:,.0f} troops from a contributor that has ruled out sending troops "
                f"({line}); set `stance:` in this rule to override the stance, or drop `troop_min`",
            )
            continue
        if blocs.get(name) == "united_states" and no_us_troops:
            stated = "no_us_ground_troops" in policy
            rule_at = out.line_of(("policy", "no_us_ground_troops")) if stated else "on by default"
            out.add(
                where,
                f"pledges {pledge:,.0f} US troops but policy.no_us_ground_troops forbids them ({rule_at}); "
                "drop the pledge or set policy.no_us_ground_troops.value: false",
            )
            continue
        for period in sorted(pledges, key=str):
            low, cap = pledges[period], _at(caps, period)
            when = f" in {period}" if period else ""
            if cap is not None and low > cap:
                out.add(
                    where,
                    f"troop_min {low:,.0f}{when} is above this contributor's troop_cap {cap:,.0f} "
                    f"({out.line_of(('contributors', i, 'troop_cap'))}); lower troop_min or raise troop_cap",
                )
            elif cap is None and stance == "conditional" and conditional is not None and low > conditional:
                out.add(
                    where,
                    f"troop_min {low:,.0f}{when} is above policy.conditional_troop_cap {conditional:,.0f} "
                    f"({out.line_of(('policy', 'conditional_troop_cap'))}), which caps conditional "
                    "contributors; give this contributor its own `troop_cap` (a contributor's rule "
                    "overrides the policy default) or lower troop_min",
                )
    _check_tiers_by_period(out, _mapping(data.get("us_air_support")))


def _check_tiers_by_period(out: _Collector, support: dict[str, Any]) -> None:
    """A period whose tiers share none with `allowed` (or exclude `fixed`) can have no US tier."""
    allowed, fixed = support.get("allowed"), support.get("fixed")
    for period, listed in _mapping(support.get("allowed_by_period")).items():
        if not isinstance(listed, list):
            continue
        where = ("us_air_support", "allowed_by_period", period)
        if isinstance(allowed, list) and not set(listed) & set(allowed):
            out.add(
                where,
                f"no tier of {period!r} ({', '.join(map(str, listed))}) is in us_air_support.allowed "
                f"({', '.join(map(str, allowed))}); no US tier could be chosen in that period",
            )
        elif isinstance(fixed, str) and fixed not in listed:
            out.add(
                where,
                f"us_air_support.fixed is {fixed!r}, which {period!r} does not allow; "
                "add it to this list or drop `fixed`",
            )
