"""Cross-checks for the coalition rules: groups, lead nations, reported offers, payers, cost basis.

Called by `checks.py` with its problem collector; like those checks they read the merged
plain data, skip values of the wrong type (the schema reports those) and locate every
problem by file, line and key, with a suggestion where one can be made.
"""

from __future__ import annotations

from typing import Any, Protocol

from guarantor.scenario.yamlio import Key

EUROPE = "europe"  # the built-in group (bloc europe); see model/params.py
PARTICIPANTS = "participants"
GROUPS = "groups are listed under `groups:` in the model (plus the built-in `europe`)"
CONTRIBUTORS = "contributors are listed under `contributors:` in the model"


class Collector(Protocol):
    def add(self, path: tuple[Key, ...], message: str) -> None: ...

    def ref(
        self, path: tuple[Key, ...], name: Any, known: set[str], what: str, where: str, key: bool = False
    ) -> None: ...


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _contributors(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        c["id"]: c
        for c in _list(model.get("contributors"))
        if isinstance(c, dict) and isinstance(c.get("id"), str)
    }


def check_model_coalition(out: Collector, model: dict[str, Any]) -> None:
    """Groups name known contributors and sources; offers are ranges; estimates cite known keys."""
    contributors = _contributors(model)
    known = set(contributors)
    sources = set(_dict(model.get("sources")))
    groups = {EUROPE, *_dict(model.get("groups"))}
    listed = isinstance(model.get("contributors"), list)
    for gid, group in _dict(model.get("groups")).items():
        for i, member in enumerate(_list(_dict(group).get("members"))):
            if listed:
                out.ref(("groups", gid, "members", i), member, known, "contributor", CONTRIBUTORS)
        source = _dict(group).get("source")
        if isinstance(source, str) and not source.startswith(("http://", "https://")):
            out.ref(("groups", gid, "source"), source, sources, "source key", "add it under `sources:`")
    default = _dict(model.get("default_group")).get("id")
    out.ref(("default_group", "id"), default, groups, "group", GROUPS)
    tiers = {t.get("id") for t in _list(model.get("us_air_support_tiers")) if isinstance(t, dict)}
    for i, estimate in enumerate(_list(model.get("published_estimates"))):
        estimate = _dict(estimate)
        out.ref(
            ("published_estimates", i, "source"),
            estimate.get("source"),
            sources,
            "source key",
            "add it under `sources:`",
        )
        if estimate.get("tier") is not None:
            out.ref(
                ("published_estimates", i, "tier"),
                estimate.get("tier"),
                {str(t) for t in tiers},
                "US tier",
                "tiers are listed under `us_air_support_tiers:`",
            )
    for i, c in enumerate(_list(model.get("contributors"))):
        offer = _dict(_dict(c).get("reported_offer"))
        low = _number(_dict(offer.get("troop_min")).get("value"))
        high = _number(_dict(offer.get("troop_cap")).get("value"))
        if low is not None and high is not None and low > high:
            out.add(
                ("contributors", i, "reported_offer", "troop_min"),
                f"troop_min {low:,.0f} is above troop_cap {high:,.0f}: an offer is a range, lower end first",
            )
    if model.get("cost_basis") == "incremental":
        missing_incremental(out, model, ("cost_basis",), prefix=())


def missing_incremental(
    out: Collector, model: dict[str, Any], where: tuple[Key, ...], prefix: tuple[Key, ...]
) -> None:
    """cost_basis incremental needs the incremental figure of every cost the model can incur."""
    missing: list[str] = []
    for c in _list(model.get("contributors")):
        c = _dict(c)
        if "incremental_cost_per_soldier_year_usd" not in c:
            missing.append(f"contributors.{c.get('id')}.incremental_cost_per_soldier_year_usd")
        for cap, offer in _dict(c.get("capabilities")).items():
            if "incremental_unit_cost_usd_m" not in _dict(offer):
                missing.append(f"contributors.{c.get('id')}.capabilities.{cap}.incremental_unit_cost_usd_m")
    for t in _list(model.get("us_air_support_tiers")):
        if "incremental_annual_cost_usd_m" not in _dict(t):
            missing.append(f"us_air_support_tiers.{_dict(t).get('id')}.incremental_annual_cost_usd_m")
    if "incremental_annual_cost_usd_m" not in _dict(model.get("us_command_and_control")):
        missing.append("us_command_and_control.incremental_annual_cost_usd_m")
    if missing:
        shown = ", ".join(f"{'.'.join(map(str, prefix))}{'.' if prefix else ''}{m}" for m in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        out.add(
            where,
            f"cost_basis incremental needs an incremental figure for every cost; missing {shown}{more}; "
            "add them (with `basis: incremental`) or use cost_basis full",
        )


def check_scenario_coalition(out: Collector, data: dict[str, Any]) -> None:
    """Groups, lead nations, payers and contributor ranges of a scenario make sense together."""
    model = _dict(data.get("model"))
    contributors = _contributors(model)
    known = set(contributors)
    listed = isinstance(model.get("contributors"), list)
    groups = {EUROPE, *_dict(model.get("groups"))}
    policy = _dict(data.get("policy"))
    out.ref(("policy", "europe_group"), policy.get("europe_group"), groups, "group", GROUPS)
    for key in ("europe_min_troop_share", "europe_min_cost_share"):
        out.ref((("policy", key, "group")), _dict(policy.get(key)).get("group"), groups, "group", GROUPS)
    rules = {r.get("id"): r for r in _list(data.get("contributors")) if isinstance(r, dict)}
    lead = _dict(policy.get("lead_nations"))
    for i, nation in enumerate(_list(lead.get("ids"))):
        if not listed or not isinstance(nation, str):
            continue
        if nation not in known:
            out.ref(("policy", "lead_nations", "ids", i), nation, known, "contributor", CONTRIBUTORS)
            continue
        rule = _dict(rules.get(nation))
        stance = rule.get("stance") or _dict(contributors[nation].get("stance")).get("value")
        if rule.get("exclude") is True:
            out.add(
                ("policy", "lead_nations", "ids", i),
                f"lead nation {nation!r} is excluded by the scenario, so it cannot carry a share of the "
                "troops; drop it from `ids` or remove its `exclude`",
            )
        elif stance == "ruled_out":
            out.add(
                ("policy", "lead_nations", "ids", i),
                f"lead nation {nation!r} has ruled out sending troops, so it cannot carry a share of the "
                "troops; drop it from `ids` or override its stance under `contributors:`",
            )
    payers = policy.get("payers")
    if isinstance(payers, str) and payers != PARTICIPANTS:
        out.ref(
            ("policy", "payers"),
            payers,
            groups,
            "group",
            f"`payers` is `{PARTICIPANTS}`, a group id or a list of contributor ids; {GROUPS}",
        )
    for i, payer in enumerate(_list(payers)):
        if listed:
            out.ref(("policy", "payers", i), payer, known, "contributor", CONTRIBUTORS)
    offers_on = (
        _dict(policy.get("reported_offers")).get("value", True) is True and "reported_offers" in policy
    )
    for i, rule in enumerate(_list(data.get("contributors"))):
        _check_range(out, _dict(rule), i, contributors, offers_on)
    basis = data.get("cost_basis") or model.get("cost_basis")
    if data.get("cost_basis") == "incremental" and basis == "incremental":
        missing_incremental(out, model, ("cost_basis",), prefix=("model",))


def _check_range(
    out: Collector, rule: dict[str, Any], i: int, contributors: dict[str, Any], offers_on: bool
) -> None:
    """A pledge above the reported offer's cap (with reported offers on and no cap of its own) cannot be met.

    A pledge above the rule's own `troop_cap` is reported by `checks.check_rules`.
    """
    low, high = rule.get("troop_min"), rule.get("troop_cap")
    offer = _dict(_dict(contributors.get(str(rule.get("id")))).get("reported_offer"))
    offer_cap = _number(_dict(offer.get("troop_cap")).get("value")) if offers_on else None
    per_period = isinstance(low, dict) or isinstance(high, dict)
    periods = sorted(set(_dict(low)) | set(_dict(high))) if per_period else [""]
    for period in periods:
        pledge = _number(_dict(low).get(period) if isinstance(low, dict) else low)
        cap = _number(_dict(high).get(period) if isinstance(high, dict) else high)
        where: tuple[Key, ...] = (
            "contributors",
            i,
            "troop_min",
            *((period,) if isinstance(low, dict) else ()),
        )
        if cap is None and pledge is not None and offer_cap is not None and pledge > offer_cap:
            out.add(
                where,
                f"troop_min {pledge:,.0f} is above the reported offer's troop_cap {offer_cap:,.0f} "
                "(policy.reported_offers is on): lower the pledge or turn reported_offers off",
            )
