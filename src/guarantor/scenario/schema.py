"""Pydantic schemas for base models and scenarios.

Every model is frozen and forbids unknown keys, so a misspelled or mis-indented
key is an error instead of a silently ignored value. Field descriptions flow
into the JSON Schema that editors use for autocompletion (`guarantor schema`).
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Identifier = Annotated[
    str,
    Field(pattern=r"^[a-z][a-z0-9_]*$", description="Lower-case identifier (letters, digits, _)."),
]


class Strict(BaseModel):
    """Base class: unknown keys are errors, values are immutable, numbers must be finite."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Bloc(StrEnum):
    europe = "europe"
    united_states = "united_states"
    other = "other"


class Stance(StrEnum):
    """Political stance on sending ground troops (latest public statement)."""

    willing = "willing"
    open = "open"
    conditional = "conditional"
    ruled_out = "ruled_out"


# --------------------------------------------------------------------------- sources


class Grade(StrEnum):
    """How far a reader can trust a source: A official or primary dataset, B reputable analysis or
    major outlet, C aggregator, copy or unidentified outlet."""

    A = "A"
    B = "B"
    C = "C"


SourceKind = Literal["dataset", "official", "analysis", "news", "aggregator"]
CostBasis = Literal["full", "incremental"]


class SourceEntry(Strict):
    """A citation that sourced numbers refer to by key, graded so weak evidence stands out."""

    citation: str = Field(description="Author or publisher and title.")
    year: int = Field(ge=1990, le=2100, description="Year the figure refers to or was published.")
    url: str | None = Field(default=None, description="Where the figure can be checked.")
    grade: Grade = Field(
        description="A: official body or primary dataset; B: reputable analysis or major outlet; "
        "C: aggregator, copy or unidentified outlet."
    )
    kind: SourceKind = Field(description="dataset, official, analysis, news or aggregator.")
    note: str | None = Field(default=None, description="Caveats on the source (how it was read).")


class Sourced(Strict):
    """A number with provenance: either a `source` (key of `sources:` or a URL) or an `assumption`."""

    value: float = Field(description="The figure itself, in the unit the key name states.")
    source: str | None = Field(default=None, description="Key in the model's `sources:` or a URL.")
    year: int | None = Field(default=None, ge=1990, le=2100, description="Year of the figure.")
    note: str | None = Field(default=None, description="How the figure was derived (e.g. calc).")
    assumption: str | None = Field(
        default=None, description="Rationale when no source exists: the figure is an assumption."
    )
    basis: CostBasis | None = Field(
        default=None,
        description="For cost figures: `full` (fully loaded) or `incremental` (what deploying adds).",
    )

    @model_validator(mode="after")
    def _source_or_assumption(self) -> Sourced:
        if (self.source is None) == (self.assumption is None):
            raise ValueError("give exactly one of `source` (citation key or URL) or `assumption` (rationale)")
        return self


class NonNegativeSourced(Sourced):
    """A sourced figure that cannot be negative (costs, counts, budgets)."""

    value: float = Field(ge=0, description="The figure itself (>= 0).")


class SourcedStance(Strict):
    """A stance with the statement it rests on."""

    value: Stance
    source: str | None = None
    year: int | None = Field(default=None, ge=1990, le=2100)
    note: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _source_or_assumption(self) -> SourcedStance:
        if (self.source is None) == (self.assumption is None):
            raise ValueError("give exactly one of `source` or `assumption`")
        return self


# --------------------------------------------------------------------------- base model


class Capability(Strict):
    """One kind of contribution the force needs."""

    id: Identifier
    label: str = Field(description="Human-readable name used in reports.")
    unit: str = Field(description="Unit of one amount, e.g. troops, batteries, squadrons.")
    unit_size: int = Field(
        default=1,
        ge=1,
        description="Deployment comes in whole blocks of this many units (costs, availability and "
        "requirements stay per unit; a size above 1 implies whole blocks).",
    )
    whole_units: bool = Field(
        default=False, description="True when amounts must be whole numbers of `unit_size`."
    )
    lead_time_periods: int = Field(
        default=0, ge=0, description="Periods before this capability can first be in theatre."
    )


class CapabilityOffer(Strict):
    """What one contributor can supply of one non-troop capability."""

    available: NonNegativeSourced = Field(description="Units the contributor could supply.")
    unit_cost_usd_m: NonNegativeSourced = Field(
        description="Annual cost per unit, USD million, fully loaded."
    )
    incremental_unit_cost_usd_m: NonNegativeSourced | None = Field(
        default=None, description="Annual cost per unit that deploying adds (cost_basis: incremental)."
    )


class ReportedOffer(Strict):
    """A contributor's reported troop offer: if it deploys, at least `troop_min`, at most `troop_cap`."""

    troop_min: NonNegativeSourced | None = Field(
        default=None, description="Smallest contingent it has said it would send (if it deploys)."
    )
    troop_cap: NonNegativeSourced | None = Field(
        default=None, description="Largest contingent it has said it would send."
    )


class Contributor(Strict):
    """A candidate contributing state and the figures that bound its contribution."""

    id: Identifier
    name: str
    bloc: Bloc
    gdp_usd_bn: NonNegativeSourced
    defence_budget_usd_bn: NonNegativeSourced
    active_personnel: NonNegativeSourced
    deployable_ground_force: NonNegativeSourced = Field(
        description="Ground-force pool available for rotation (troops)."
    )
    stance: SourcedStance
    cost_per_soldier_year_usd: NonNegativeSourced = Field(
        description="Annual cost of one deployed soldier, USD, fully loaded."
    )
    incremental_cost_per_soldier_year_usd: NonNegativeSourced | None = Field(
        default=None, description="Annual cost one deployed soldier adds, USD (cost_basis: incremental)."
    )
    reported_offer: ReportedOffer | None = Field(
        default=None, description="Troop offer as reported; applied when policy.reported_offers is on."
    )
    capabilities: dict[Identifier, CapabilityOffer] = Field(
        default_factory=dict, description="Non-troop capabilities on offer, by capability id."
    )


class UsTier(Strict):
    """One rung of the US air-support ladder."""

    id: Identifier
    label: str
    provides: dict[Identifier, NonNegativeSourced] = Field(
        default_factory=dict, description="Capability id -> units the US provides at this tier."
    )
    annual_cost_usd_m: NonNegativeSourced
    incremental_annual_cost_usd_m: NonNegativeSourced | None = Field(
        default=None, description="Annual cost this tier adds (cost_basis: incremental), USD million."
    )
    escalation_risk: NonNegativeSourced = Field(description="Escalation-risk score (0-10 scale).")


class UsCommand(Strict):
    """US-led command and control: what it provides and what it costs."""

    provides: dict[Identifier, NonNegativeSourced] = Field(default_factory=dict)
    annual_cost_usd_m: NonNegativeSourced
    incremental_annual_cost_usd_m: NonNegativeSourced | None = None
    escalation_risk: NonNegativeSourced


class Group(Strict):
    """A named set of contributors that share rules, budget caps and reports refer to (e.g. the EU)."""

    label: str = Field(description="Name used in reports, e.g. 'European NATO members'.")
    members: list[Identifier] = Field(description="Contributor ids.")
    source: str | None = Field(default=None, description="Source of the membership when it is a fact.")
    assumption: str | None = Field(default=None, description="Rationale when the group is a definition.")
    note: str | None = None

    @model_validator(mode="after")
    def _source_or_assumption(self) -> Group:
        if (self.source is None) == (self.assumption is None):
            raise ValueError(
                "give exactly one of `source` (membership is a fact) or `assumption` (a definition)"
            )
        return self


class DefaultGroup(Strict):
    """Which group counts as 'Europe' when a scenario does not say, and why."""

    id: Identifier
    reason: str = Field(description="Why this group is the default reading of 'Europe'.")


class PublishedEstimate(Strict):
    """A published force size or cost, shown beside Guarantor's figure in every solve report."""

    id: Identifier
    label: str
    source: str = Field(description="Key in `sources:`.")
    measures: Literal["force_cost", "force_size", "air_cost", "context"] = Field(
        description="force_cost: cost of a ground force; force_size: troops only; air_cost: a US air "
        "role (compared with `tier`); context: shown, never compared."
    )
    basis: Literal["full", "incremental", "not_stated"] = Field(
        default="not_stated", description="Cost basis of the estimate."
    )
    troops: float | None = Field(default=None, ge=0, description="Force size (lower end of a range).")
    troops_high: float | None = Field(default=None, ge=0, description="Upper end of a force-size range.")
    annual_cost_usd_m: float | None = Field(default=None, ge=0, description="Annual cost (lower end).")
    annual_cost_high_usd_m: float | None = Field(default=None, ge=0, description="Upper end of the cost.")
    tier: Identifier | None = Field(default=None, description="US tier an air_cost estimate compares with.")
    year: int = Field(ge=1990, le=2100)
    caveat: str = Field(description="One line on why it may differ from Guarantor's figure.")


class Model(Strict):
    """Reusable, sourced base data: contributors, capabilities, costs, US tiers."""

    schema_ref: str | None = Field(default=None, alias="$schema")
    name: str
    description: str = ""
    sources: dict[str, SourceEntry] = Field(default_factory=dict)
    ground_capability: Identifier = Field(
        default="ground_troops", description="Capability id that stands for ground troops."
    )
    rotation_factor: NonNegativeSourced = Field(
        description="Troops in the pool needed to keep one deployed (e.g. 3 for the rule of thirds)."
    )
    capabilities: list[Capability]
    contributors: list[Contributor]
    us_air_support_tiers: list[UsTier] = Field(description="Ordered from least to most involvement.")
    us_command_and_control: UsCommand
    cost_basis: CostBasis = Field(
        default="full",
        description="full: fully loaded costs; incremental: only what deploying adds (needs the "
        "incremental_* figures). A scenario's `cost_basis` overrides it.",
    )
    groups: dict[Identifier, Group] = Field(
        default_factory=dict, description="Named groups of contributors (e.g. eu, european_nato)."
    )
    default_group: DefaultGroup | None = Field(
        default=None, description="The group that counts as Europe by default (else bloc `europe`)."
    )
    published_estimates: list[PublishedEstimate] = Field(
        default_factory=list, description="Published estimates shown beside Guarantor's figures."
    )

    @field_validator("rotation_factor")
    @classmethod
    def _rotation_at_least_one(cls, v: NonNegativeSourced) -> NonNegativeSourced:
        if v.value < 1:
            raise ValueError("rotation factor must be >= 1 (troops in pool per troop deployed)")
        return v


# --------------------------------------------------------------------------- scenario

Share = Annotated[float, Field(ge=0, le=1)]
PerPeriod = float | dict[str, float]
"""A number for every period, or a mapping period id -> number."""


class Period(Strict):
    id: Identifier
    label: str | None = None
    years: float = Field(default=1.0, gt=0, description="Length of the period in years.")


class Horizon(Strict):
    """Periods of a multi-period plan; absent means one steady-state year."""

    periods: list[Period] = Field(min_length=1)
    discount_rate: float = Field(default=0.0, ge=0, le=1, description="Annual discount rate.")
    cost_escalation: float = Field(
        default=0.0, ge=-0.5, le=1, description="Annual real cost growth applied to unit costs."
    )
    tier_switching: Literal["free", "forbid", "one_step"] = Field(
        default="free", description="May the US tier change between periods?"
    )
    max_ramp_up: PerContributorNumber | None = Field(
        default=None, description="Max increase of a contributor's deployed troops per period."
    )
    total_budget_usd_m: float | None = Field(default=None, ge=0, description="Budget over horizon.")
    min_tour_periods: int = Field(
        default=1, ge=1, description="Troops that arrive stay at least this many periods in theatre."
    )


class PerContributorNumber(Strict):
    default: float | None = Field(default=None, ge=0)
    by_contributor: dict[Identifier, float] = Field(default_factory=dict)


class ShareRule(Strict):
    value: Share
    group: Identifier | None = Field(
        default=None, description="Group the share applies to (default: policy.europe_group)."
    )
    label: str | None = None
    per_period: bool = Field(default=True, description="Hold in every period (else over horizon).")


class LeadNations(Strict):
    """Framework nations that must carry a minimum share of the deployed troops."""

    ids: list[Identifier] = Field(min_length=1, description="Contributor ids of the lead nations.")
    min_troop_share: Share | None = Field(
        default=None, description="Together they deploy at least this share of all troops."
    )
    min_share_each: Share | None = Field(
        default=None, description="Each of them deploys at least this share of all troops."
    )
    label: str | None = None
    per_period: bool = Field(default=True, description="Hold in every period (else over horizon).")

    @model_validator(mode="after")
    def _some_share(self) -> LeadNations:
        if self.min_troop_share is None and self.min_share_each is None:
            raise ValueError("give `min_troop_share` (together) or `min_share_each` (each), or both")
        return self


def _share_rule(value: object) -> object:
    """The plain-number form `europe_min_troop_share: 0.9` means the default group."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"value": value}
    return value


class Toggle(Strict):
    value: bool = True
    label: str | None = None


class BudgetCap(Strict):
    fraction: float = Field(gt=0, le=1, description="Cap as a fraction of `of`.")
    of: Literal["gdp", "defence_budget"] = "defence_budget"
    applies_to: Literal["europe", "all"] = "europe"
    label: str | None = None


class FairShare(Strict):
    band: float = Field(ge=0, le=1, description="Allowed relative deviation from the GDP share.")
    members: list[Identifier] | None = Field(
        default=None, description="Contributors sharing the European bill (default: all European)."
    )
    label: str | None = None


class EscalationCeiling(Strict):
    value: float = Field(ge=0)
    label: str | None = None


class MinContingent(Strict):
    troops: float = Field(ge=0, description="Smallest ground contingent if a contributor deploys.")
    label: str | None = None


class Policy(Strict):
    """Policy constraints; each can carry a `label` used in reports."""

    no_us_ground_troops: Toggle = Field(default_factory=Toggle)
    europe_group: Identifier | None = Field(
        default=None,
        description="Group that counts as Europe in share rules, budget caps and reports "
        "(default: the model's default_group).",
    )
    europe_min_troop_share: ShareRule | None = None
    europe_min_cost_share: ShareRule | None = None
    lead_nations: LeadNations | None = None
    reported_offers: Toggle | None = Field(
        default=None,
        description="Apply the model's reported offers: cap each contributor at its reported "
        "troop_cap and, if it deploys, hold it to its troop_min.",
    )
    payers: Identifier | list[Identifier] = Field(
        default="participants",
        description="Who pays into a common pool: `participants` (those that supply something), a "
        "group id, or a list of contributor ids. Default with a fair share: its members.",
    )
    budget_cap: BudgetCap | None = None
    fair_share: FairShare | None = None
    escalation_ceiling: EscalationCeiling | None = None
    min_contingent: MinContingent | None = None
    conditional_troop_cap: float | None = Field(
        default=None, ge=0, description="Troop cap for contributors whose stance is conditional."
    )
    funding_rule: Literal["own_costs", "common_pool"] = "own_costs"
    total_budget_usd_m: float | None = Field(default=None, ge=0, description="Annual budget cap.")

    @field_validator("europe_min_troop_share", "europe_min_cost_share", mode="before")
    @classmethod
    def _plain_share(cls, value: object) -> object:
        return _share_rule(value)


class ContributorRule(Strict):
    """Scenario-specific rules for one contributor (merged by `id`)."""

    id: Identifier
    stance: Stance | None = Field(default=None, description="Override the model's stance.")
    troop_cap: PerPeriod | None = Field(default=None, description="Max deployed troops.")
    troop_min: PerPeriod | None = Field(
        default=None, description="Pledged contingent: deploy at least this many troops."
    )
    funding_cap_usd_m: PerPeriod | None = Field(default=None, description="Max funding a year.")
    exclude: bool = Field(default=False, description="Leave this contributor out entirely.")
    label: str | None = None


class UsAirSupport(Strict):
    allowed: list[Identifier] | None = Field(default=None, description="Allowed tier ids.")
    fixed: Identifier | None = Field(default=None, description="Force this tier.")
    allowed_by_period: dict[Identifier, list[Identifier]] = Field(
        default_factory=dict, description="Period id -> tiers allowed in that period."
    )


Metric = Literal["total_cost", "us_involvement", "us_cost", "escalation_risk", "deployed_force", "peak_cost"]


class WeightedTerm(Strict):
    metric: Metric
    weight: float


class LexicographicLevel(Strict):
    metric: Metric
    tolerance: float = Field(default=0.0, ge=0, description="Relative slack on this optimum.")


class Objective(Strict):
    """What to optimise; `sense` is implied by the metric (force is maximised)."""

    type: Literal["min_cost", "min_us_involvement", "max_force", "weighted", "lexicographic"] = "min_cost"
    budget_usd_m: float | None = Field(default=None, ge=0, description="Budget for max_force.")
    weights: list[WeightedTerm] = Field(default_factory=list)
    priorities: list[LexicographicLevel] = Field(default_factory=list)
    discounted: bool = Field(default=False, description="Use present values over a horizon.")
    tie_break: Literal["spread_by_gdp", "fewest_contributors", "none"] = Field(
        default="spread_by_gdp",
        description="Which of the equally cheap plans to report, chosen after the objective (the cost "
        "does not move): troops and payments nearest GDP shares, fewest contingents, or the solver's pick.",
    )


class SolverOptions(Strict):
    name: Literal["highs", "cbc"] = "highs"
    time_limit: float | None = Field(default=None, gt=0, description="Seconds.")
    gap: float | None = Field(default=None, ge=0, le=1, description="Relative MIP gap.")


class Distribution(Strict):
    """Uncertainty on one numeric input, addressed by its key path."""

    path: str = Field(description="Key path into the resolved scenario, e.g. requirements.air_defence")
    dist: Literal["uniform", "triangular", "normal", "lognormal"]
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(default=None, gt=0)
    relative: bool = Field(default=False, description="Parameters are multipliers of the value.")


class Uncertainty(Strict):
    sampling: Literal["lhs", "random"] = "lhs"
    distributions: list[Distribution] = Field(default_factory=list)


class Scenario(Strict):
    """A question asked of a base model, after `extends:` and overrides are merged."""

    schema_ref: str | None = Field(default=None, alias="$schema")
    name: str
    question: str
    description: str = ""
    model: Model
    extends: str | None = None
    horizon: Horizon | None = None
    requirements: dict[Identifier, PerPeriod]
    command_and_control: Literal["us_led", "european_led", "open"] = "open"
    cost_basis: CostBasis | None = Field(
        default=None, description="full or incremental; overrides the model's cost_basis."
    )
    us_air_support: UsAirSupport = Field(default_factory=UsAirSupport)
    policy: Policy = Field(default_factory=Policy)
    contributors: list[ContributorRule] = Field(default_factory=list)
    objective: Objective = Field(default_factory=Objective)
    solver: SolverOptions = Field(default_factory=SolverOptions)
    uncertainty: Uncertainty | None = None

    @field_validator("requirements")
    @classmethod
    def _non_negative(cls, v: dict[str, PerPeriod]) -> dict[str, PerPeriod]:
        for key, item in v.items():
            values = item.values() if isinstance(item, dict) else [item]
            for number in values:
                if not math.isfinite(number) or number < 0:
                    raise ValueError(f"requirement {key!r} must be a finite number >= 0")
        return v


Horizon.model_rebuild()
