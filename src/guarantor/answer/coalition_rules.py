"""Checks for the coalition rules (lead nations, common-pool payers), recomputed from decisions.

Kept apart from `checker.py` so each rule family stays small; the checker turns every
`Bound` into a violation when it does not hold. Nothing here reads the linear model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from guarantor.answer.results import Decisions
from guarantor.model.params import Params


@dataclass(frozen=True)
class Bound:
    """One inequality to hold: `value` at least (or at most) `bound`, in `unit`, set at `path`."""

    rule: str
    value: float
    bound: float
    unit: str
    what: str
    path: tuple[str, ...]
    at_least: bool = True


def coalition_bounds(p: Params, d: Decisions) -> Iterator[Bound]:
    yield from _lead_nations(p, d)
    yield from _payers(p, d)


def _lead_nations(p: Params, d: Decisions) -> Iterator[Bound]:
    lead = p.scenario.policy.lead_nations
    if lead is None:
        return
    ids = [c.id for c in p.contributors if c.id in set(lead.ids)]
    groups = [[q] for q in p.periods] if lead.per_period else [list(p.periods)]
    for group in groups:
        troops = {c.id: sum(d.ground(p, c.id, q.id) * q.years for q in group) for c in p.contributors}
        whole = sum(troops.values())
        if whole <= 1e-9:
            continue
        where = ("policy", "lead_nations")
        if lead.min_troop_share is not None:
            share = sum(troops[i] for i in ids) / whole
            yield Bound(
                "lead_nations",
                share,
                lead.min_troop_share - 1e-7,
                "share",
                "lead nations' troop share",
                where,
            )
        if lead.min_share_each is not None:
            for i in ids:
                yield Bound(
                    "lead_nations",
                    troops[i] / whole,
                    lead.min_share_each - 1e-7,
                    "share",
                    f"{i}'s troop share",
                    where,
                )


def _payers(p: Params, d: Decisions) -> Iterator[Bound]:
    """In a common pool only payers pay; by default a payer must supply something to pay."""
    if p.scenario.policy.funding_rule != "common_pool":
        return
    payers = p.payers()
    for c in p.contributors:
        if c.is_us:
            continue
        for q in p.periods:
            paid = d.funding.get((c.id, q.id), 0.0)
            supplied = sum(d.amounts.get((c.id, k, q.id), 0.0) for k in p.capabilities)
            outsider = c.id not in payers if payers is not None else supplied <= 1e-6
            if outsider:
                yield Bound(
                    "payers",
                    paid,
                    0.0,
                    "USD m",
                    f"{c.name} pays but is not a payer",
                    ("policy", "payers"),
                    False,
                )
