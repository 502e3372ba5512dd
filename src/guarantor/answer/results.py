"""Result objects: the decisions, the metrics derived from them, and the explanation."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from guarantor.model.params import Params
from guarantor.solve.solving import Status


@dataclass
class Decisions:
    """What is decided: amounts (capability units), funding (USD m per period), US role."""

    amounts: dict[tuple[str, str, str], float] = field(default_factory=dict)
    funding: dict[tuple[str, str], float] = field(default_factory=dict)
    tier: dict[str, str] = field(default_factory=dict)
    us_command: dict[str, bool] = field(default_factory=dict)

    def ground(self, params: Params, contributor: str, period: str) -> float:
        return self.amounts.get((contributor, params.ground, period), 0.0)


@dataclass
class ConstraintReport:
    name: str
    family: str
    label: str
    unit: str
    origin: str
    activity: float
    lower: float | None
    upper: float | None
    slack: float
    binding: bool
    shadow_price: float | None
    explanation: str = ""
    price: float | None = None
    """The shadow price in the scenario's units (`price_unit`): USD per troop, per share point, ..."""
    price_unit: str = ""


@dataclass
class ReducedCost:
    contributor: str
    capability: str
    period: str
    reduced_cost: float  # objective units per capability unit
    explanation: str


@dataclass
class Relaxation:
    constraint: str
    label: str
    origin: str
    amount: float
    unit: str
    explanation: str


@dataclass
class Diagnosis:
    summary: str
    relaxations: list[Relaxation]
    conflicting: list[str] = field(default_factory=list)
    method: str = "elastic relaxation of named constraints, weighted in their own units"
    numerical: bool = False  # the solver said infeasible, but nothing needs relaxing: a scaling problem


@dataclass
class Metrics:
    total_cost_usd_m: float
    annual_cost_usd_m: dict[str, float]
    us_cost_usd_m: float
    escalation_risk: float
    deployed_force: float
    europe_troop_share: float
    europe_cost_share: float
    us_cost_share: float
    other_cost_share: float
    other_troop_share: float


@dataclass(frozen=True)
class ItemRange:
    """One contribution over the (near-)optimal plans: its value in the reported plan, min, max and class.

    `item` is `ground_troops`, a capability id or `funding_usd_m`, in its own units; `cls` is
    firm (the same in every such plan), flexible (a range), absent (zero in every plan) or, when
    the time budget ran out before its bounds were proven, unknown;
    `trades_with` names, for a flexible item, the contributors whose same item moves the other way.
    """

    contributor: str
    name: str
    item: str
    period: str
    unit: str
    optimum: float
    min: float
    max: float
    cls: str
    trades_with: tuple[str, ...] = ()
    min_plan: int = 0  # index into Robustness.plans of a plan attaining the minimum (0: reported)
    max_plan: int = 0
    exact: bool = True  # False: the time budget ran out; min/max are what plans found reach (a sub-range)


@dataclass(frozen=True)
class AlternativePlan:
    """A plan within the slack of the optimum, as decisions the independent checker has verified."""

    label: str
    decisions: Decisions
    objective_value: float
    total_cost_usd_m: float
    violations: tuple[str, ...] = ()


@dataclass
class Robustness:
    """How firm the answer is: ranges of every contribution over plans within `slack` of the optimum."""

    slack: float
    objective_value: float
    bound: float
    items: list[ItemRange]
    plans: list[AlternativePlan]
    resolves: int
    seconds: float
    headline: str
    method: str = "re-solves of one live HiGHS model: objective held within the slack, one item optimised"
    search: Any = field(default=None, repr=False, compare=False)  # the live search, for plans on demand

    def item(self, contributor: str, item: str, period: str) -> ItemRange | None:
        return next(
            (r for r in self.items if (r.contributor, r.item, r.period) == (contributor, item, period)), None
        )


@dataclass(frozen=True)
class Explanation:
    """One marginal claim, confirmed by a re-solve, with the range over which it holds."""

    claim: str
    kind: str  # shadow_price, discrete, why_not, what_if_not, stance, cap
    subject: str
    value: float
    unit: str
    holds_from: float | None = None
    holds_to: float | None = None
    checked_by_resolve: bool = True


@dataclass
class Result:
    scenario: str
    question: str
    status: Status
    objective: str
    objective_value: float | None
    periods: list[str]
    decisions: Decisions | None
    metrics: Metrics | None
    constraints: list[ConstraintReport] = field(default_factory=list)
    reduced_costs: list[ReducedCost] = field(default_factory=list)
    duals_method: str | None = None
    diagnosis: Diagnosis | None = None
    solver: str = ""
    solver_version: str = ""
    solve_seconds: float = 0.0
    gap: float | None = None
    options: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    robustness: Robustness | None = None
    explanations: list[Explanation] = field(default_factory=list)
    tie_break: str = "none"

    @property
    def binding(self) -> list[ConstraintReport]:
        return [c for c in self.constraints if c.binding]

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with its constraint rows as columns: `solve` hands its answer to two report
        workers, and at 1,600 contributors x 10 periods its 72,800 rows took 0.23 s to unpickle
        one object at a time in each (as columns, 0.08 s)."""
        return {**self.__dict__, "constraints": _columns(self.constraints)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update({**state, "constraints": _rows(state["constraints"])})

    def troops(self, params: Params) -> dict[str, float]:
        """Ground troops per contributor (the first period's, or the peak over a horizon)."""
        if self.decisions is None:
            return {}
        return {
            c.id: max(self.decisions.ground(params, c.id, p) for p in self.periods)
            for c in params.contributors
        }

    def _repr_html_(self) -> str:
        """A rich summary in Jupyter: status, cost, US tier, shares, who deploys and pays, what binds."""
        from html import escape

        head = f"<b>{escape(self.scenario)}</b>: {escape(self.question)}<br>status: <b>{self.status}</b>"
        if self.diagnosis is not None:
            return f"<div>{head}<br>{escape(self.diagnosis.summary)}</div>"
        if self.metrics is None or self.decisions is None:
            return f"<div>{head}</div>"
        m, d, first = self.metrics, self.decisions, self.periods[0]
        sent: dict[str, list[str]] = {}
        for (who, capability, period), amount in sorted(d.amounts.items()):
            if period == first and amount:
                sent.setdefault(who, []).append(f"{amount:,.0f} {escape(capability)}")
        paid = {c: v for (c, p), v in d.funding.items() if p == first and v > 1e-6}
        rows = "".join(
            f"<tr><td>{escape(c)}</td><td>{', '.join(sent.get(c, []))}</td>"
            f"<td style='text-align:right'>{paid.get(c, 0.0):,.1f}</td></tr>"
            for c in sorted(set(sent) | set(paid))
        )
        binding = "".join(f"<li>{escape(c.explanation)}</li>" for c in self.binding if c.explanation)
        return (
            f"<div>{head}<br>total cost: <b>USD {m.total_cost_usd_m:,.1f} m</b>; US tier: "
            f"{escape(d.tier[first])}; Europe {m.europe_troop_share:.1%} of troops, "
            f"{m.europe_cost_share:.1%} of costs; US {m.us_cost_share:.1%} of costs"
            "<table><tr><th>contributor</th><th>sends</th><th>pays (USD m)</th></tr>"
            f"{rows}</table><details><summary>what binds</summary><ul>{binding}</ul></details></div>"
        )


_CONSTRAINT_FIELDS = tuple(f.name for f in fields(ConstraintReport))


def _columns(rows: list[ConstraintReport]) -> tuple[list[Any], ...]:
    return tuple([getattr(row, name) for row in rows] for name in _CONSTRAINT_FIELDS)


def _rows(columns: tuple[list[Any], ...]) -> list[ConstraintReport]:
    return [ConstraintReport(*values) for values in zip(*columns, strict=True)]
