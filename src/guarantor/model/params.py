"""Interpret a validated scenario as numbers: the parameters of the optimisation model.

This is where YAML meaning becomes arithmetic (effective stance, sustainable pool,
per-period values, cost factors), shared by the formulation and the solution checker
so both read the scenario the same way while checking constraints independently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from guarantor.scenario.schema import (
    Bloc,
    ContributorRule,
    Model,
    Period,
    PerPeriod,
    ReportedOffer,
    Scenario,
    Sourced,
    Stance,
)

SINGLE_PERIOD = Period(id="year", label="Steady-state year", years=1.0)
EUROPE = "europe"
"""Built-in group: contributors whose `bloc` is europe (the default when a model names no groups)."""
PARTICIPANTS = "participants"


def period_value(value: PerPeriod | None, period: str) -> float | None:
    """A scalar applies to every period; a mapping gives values for the listed periods only."""
    if value is None:
        return None
    if isinstance(value, dict):
        return value.get(period)
    return float(value)


@dataclass(frozen=True)
class ContributorParams:
    id: str
    name: str
    bloc: Bloc
    stance: Stance
    gdp_usd_m: float
    defence_budget_usd_m: float
    pool: float
    troop_cost_usd_m: float  # on the scenario's cost basis
    offers: dict[str, tuple[float, float]]  # capability -> (available units, USD m per unit-year)
    in_europe: bool = False  # member of the scenario's Europe group (policy.europe_group)
    offer_min: float | None = None  # reported offer, applied when policy.reported_offers is on
    offer_cap: float | None = None

    @property
    def is_europe(self) -> bool:
        return self.in_europe

    @property
    def side(self) -> str:
        """Column reports and charts count it under: europe (the scenario's group), united_states, other."""
        return "united_states" if self.is_us else "europe" if self.in_europe else "other"

    @property
    def is_us(self) -> bool:
        return self.bloc == Bloc.united_states


@dataclass(frozen=True)
class TierParams:
    id: str
    label: str
    rank: int
    provides: dict[str, float]
    cost_usd_m: float
    risk: float


@dataclass(frozen=True)
class Params:
    """Everything the model needs, in model units (USD million, troops, units)."""

    scenario: Scenario
    periods: list[Period]
    contributors: list[ContributorParams]
    capabilities: list[str]
    ground: str
    unit_size: dict[str, int]
    integer: dict[str, bool]
    lead_time: dict[str, int]
    rotation: float
    tiers: list[TierParams]
    c2_provides: dict[str, float]
    c2_cost_usd_m: float
    c2_risk: float
    cost_factor: dict[str, float] = field(default_factory=dict)
    discount: dict[str, float] = field(default_factory=dict)
    basis: str = "full"
    groups: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)  # id -> (label, members)
    europe_group: str = EUROPE

    def group_members(self, group: str) -> frozenset[str]:
        return self.groups.get(group, ("", frozenset()))[1]

    def group_label(self, group: str) -> str:
        return self.groups.get(group, (group, frozenset()))[0]

    def share_group(self, key: str) -> str:
        """The group a share rule (`europe_min_troop_share` / `europe_min_cost_share`) measures."""
        rule = getattr(self.scenario.policy, key)
        return rule.group if rule is not None and rule.group else self.europe_group

    def min_contingent(self, contributor: ContributorParams) -> float:
        """Smallest contingent if it deploys: the policy minimum or its reported offer's minimum."""
        policy = self.scenario.policy
        minimum = policy.min_contingent.troops if policy.min_contingent else 0.0
        if self.reported_offers and contributor.offer_min is not None:
            minimum = max(minimum, contributor.offer_min)
        return minimum

    @property
    def reported_offers(self) -> bool:
        toggle = self.scenario.policy.reported_offers
        return toggle is not None and toggle.value

    def payers(self) -> frozenset[str] | None:
        """Who may pay into a common pool; None means participants (those that supply something)."""
        payers = self.scenario.policy.payers
        if isinstance(payers, list):
            return frozenset(payers)
        if payers == PARTICIPANTS:
            fair = self.scenario.policy.fair_share
            return frozenset(c.id for c in self.fair_share_members()) if fair is not None else None
        return self.group_members(payers)

    @property
    def multi_period(self) -> bool:
        return self.scenario.horizon is not None

    def requirement(self, capability: str, period: str) -> float:
        value = period_value(self.scenario.requirements.get(capability), period)
        return value or 0.0

    def troop_cap(self, contributor: ContributorParams, period: str) -> float | None:
        """The contributor's own `troop_cap` if its rule sets one, else the conditional-stance cap.

        Precedence: an explicit per-contributor rule overrides a policy default, in either
        direction (an explicit 10,000 lifts `policy.conditional_troop_cap: 5000`).
        """
        explicit = self.explicit_troop_cap(contributor, period)
        if explicit is not None:
            return explicit
        caps: list[float] = []
        conditional = self.scenario.policy.conditional_troop_cap
        if contributor.stance == Stance.conditional and conditional is not None:
            caps.append(conditional)
        if self.reported_offers and contributor.offer_cap is not None:
            caps.append(contributor.offer_cap)
        return min(caps) if caps else None

    def explicit_troop_cap(self, contributor: ContributorParams, period: str) -> float | None:
        """The cap the contributor's own scenario rule sets for this period, if any."""
        return self._rule_value(contributor, "troop_cap", period)

    def troop_min(self, contributor: ContributorParams, period: str) -> float | None:
        """A pledged contingent the scenario holds a contributor to."""
        return self._rule_value(contributor, "troop_min", period)

    def funding_cap(self, contributor: ContributorParams, period: str) -> float | None:
        return self._rule_value(contributor, "funding_cap_usd_m", period)

    def _rule_value(self, contributor: ContributorParams, key: str, period: str) -> float | None:
        """A per-period number of the contributor's scenario rule (None: no rule, or not set)."""
        rule = self.rules.get(contributor.id)
        return None if rule is None else period_value(getattr(rule, key), period)

    @cached_property
    def rules(self) -> dict[str, ContributorRule]:
        """Scenario rules by contributor id (the first rule of an id, as a scan would find)."""
        found: dict[str, ContributorRule] = {}
        for rule in self.scenario.contributors:
            found.setdefault(rule.id, rule)
        return found

    @cached_property
    def by_id(self) -> dict[str, ContributorParams]:
        """Contributors by id, built once: lookups by id must not scan the list."""
        return {c.id: c for c in self.contributors}

    @cached_property
    def tier_by_id(self) -> dict[str, TierParams]:
        return {t.id: t for t in self.tiers}

    @cached_property
    def period_order(self) -> dict[str, int]:
        return {q.id: n for n, q in enumerate(self.periods)}

    def sustainable(self, contributor: ContributorParams) -> float:
        """Most troops a contributor can keep deployed: pool divided by the rotation factor."""
        return contributor.pool / self.rotation

    def allowed_tiers(self, period: str) -> set[str]:
        support = self.scenario.us_air_support
        allowed = {t.id for t in self.tiers}
        if support.allowed is not None:
            allowed &= set(support.allowed)
        if support.fixed is not None:
            allowed &= {support.fixed}
        if period in support.allowed_by_period:
            allowed &= set(support.allowed_by_period[period])
        return allowed

    def fair_share_members(self) -> list[ContributorParams]:
        fair = self.scenario.policy.fair_share
        if fair is None:
            return []
        if fair.members is not None:
            members = set(fair.members)
            return [c for c in self.contributors if c.id in members]
        return [c for c in self.contributors if c.is_europe and c.gdp_usd_m > 0]


_LAST: list[tuple[Scenario, Params]] = []


def build_params(scenario: Scenario, keep: bool = True) -> Params:
    """Collect the numbers the formulation needs from a validated scenario.

    The last scenario's parameters are kept and handed out again for the same (frozen) scenario
    object: a solve asks for them in the model build, the checker, the report and the summary,
    each ~0.4 s at 1,600 contributors x 10 periods. Nothing changes a `Params` after it is built.
    `keep=False`: a passing copy of a scenario, not worth keeping in place of the last one."""
    held = _LAST[0] if _LAST else None  # read once: another thread (the app's) may replace it
    if held is not None and held[0] is scenario:
        return held[1]
    params = _build_params(scenario)
    if keep:
        _LAST[:] = [(scenario, params)]
    return params


def _build_params(scenario: Scenario) -> Params:
    model = scenario.model
    basis = scenario.cost_basis or model.cost_basis
    groups = model_groups(model)
    europe = scenario.policy.europe_group or (model.default_group.id if model.default_group else EUROPE)
    members = groups.get(europe, ("", frozenset()))[1]
    rules = {r.id: r for r in scenario.contributors}
    contributors = []
    for c in model.contributors:
        rule = rules.get(c.id)
        if rule is not None and rule.exclude:
            continue
        stance = rule.stance if rule is not None and rule.stance is not None else c.stance.value
        contributors.append(
            ContributorParams(
                id=c.id,
                name=c.name,
                bloc=c.bloc,
                stance=stance,
                gdp_usd_m=c.gdp_usd_bn.value * 1000,
                defence_budget_usd_m=c.defence_budget_usd_bn.value * 1000,
                pool=c.deployable_ground_force.value,
                troop_cost_usd_m=on_basis(
                    c.cost_per_soldier_year_usd, c.incremental_cost_per_soldier_year_usd, basis
                )
                / 1e6,
                offers={
                    k: (o.available.value, on_basis(o.unit_cost_usd_m, o.incremental_unit_cost_usd_m, basis))
                    for k, o in c.capabilities.items()
                },
                in_europe=c.id in members,
                offer_min=_offer(c.reported_offer, "troop_min"),
                offer_cap=_offer(c.reported_offer, "troop_cap"),
            )
        )
    periods = list(scenario.horizon.periods) if scenario.horizon else [SINGLE_PERIOD]
    horizon = scenario.horizon
    escalation = horizon.cost_escalation if horizon else 0.0
    rate = horizon.discount_rate if horizon else 0.0
    cost_factor: dict[str, float] = {}
    discount: dict[str, float] = {}
    start = 0.0
    for period in periods:
        cost_factor[period.id] = period.years * (1 + escalation) ** start
        discount[period.id] = 1 / (1 + rate) ** start
        start += period.years
    tiers = [
        TierParams(
            t.id,
            t.label,
            rank,
            {k: v.value for k, v in t.provides.items()},
            on_basis(t.annual_cost_usd_m, t.incremental_annual_cost_usd_m, basis),
            t.escalation_risk.value,
        )
        for rank, t in enumerate(model.us_air_support_tiers)
    ]
    c2 = model.us_command_and_control
    return Params(
        scenario=scenario,
        periods=periods,
        contributors=contributors,
        capabilities=[c.id for c in model.capabilities],
        ground=model.ground_capability,
        unit_size={c.id: c.unit_size for c in model.capabilities},
        integer={c.id: c.whole_units or c.unit_size > 1 for c in model.capabilities},
        lead_time={c.id: c.lead_time_periods for c in model.capabilities},
        rotation=model.rotation_factor.value,
        tiers=tiers,
        c2_provides={k: v.value for k, v in c2.provides.items()},
        c2_cost_usd_m=on_basis(c2.annual_cost_usd_m, c2.incremental_annual_cost_usd_m, basis),
        c2_risk=c2.escalation_risk.value,
        cost_factor=cost_factor,
        discount=discount,
        basis=basis,
        groups=groups,
        europe_group=europe,
    )


def on_basis(full: Sourced, incremental: Sourced | None, basis: str) -> float:
    """A cost on the scenario's basis; validation ensures incremental figures exist when asked for."""
    if basis == "incremental" and incremental is not None:
        return incremental.value
    return full.value


def _offer(offer: ReportedOffer | None, key: str) -> float | None:
    figure = getattr(offer, key) if offer is not None else None
    return figure.value if figure is not None else None


def model_groups(model: Model) -> dict[str, tuple[str, frozenset[str]]]:
    """The model's named groups plus the built-in `europe` (bloc europe), id -> (label, members)."""
    groups = {EUROPE: ("Europe", frozenset(c.id for c in model.contributors if c.bloc == Bloc.europe))}
    for gid, group in model.groups.items():
        groups[gid] = (group.label, frozenset(group.members))
    return groups
