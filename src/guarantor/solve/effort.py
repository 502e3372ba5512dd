"""How much extra solving a model can afford: the tie-break, robustness and explanation budgets.

`solve` re-solves the model many times after finding its optimum: the integer tie-break (a
second MIP), the robustness ranges (up to 100 re-solves) and the checked explanations (up to
600). On the shipped scenarios each re-solve takes about a millisecond. On large
mixed-integer models it does not: measured on 2 cores, the tie-break MIP took 0.2 s with 203
whole-number decisions, 3.3 s with 410 and 17 s with 804 (200 s for 100 contributors over
10 periods), and every re-solve costs about what the first solve did.

So the budgets depend on the model's size, never on the clock (identical input, identical
output): models with at most `EXACT_INTEGERS` whole-number decisions get everything; larger
MIPs keep the solver's optimum (no integer tie-break, no robustness, no re-solved
explanations, each said in the result's notes); linear programs get budgets that shrink
with their size, since a warm LP re-solve grows with the model.
"""

from __future__ import annotations

from guarantor.model.linear import LinearModel

EXACT_INTEGERS = 300
"""Whole-number decisions up to which the integer tie-break and the re-solve budgets apply in full."""
LP_COLUMNS = 20_000
"""LP columns up to which the re-solve budgets apply in full; beyond, they shrink in proportion."""


def integers(model: LinearModel) -> int:
    return sum(1 for c in model.columns if c.integer)


def integer_tie_break(model: LinearModel) -> bool:
    """Whether the tie-break may re-choose whole-number decisions (a MIP of the same size)."""
    return integers(model) <= EXACT_INTEGERS


def resolve_budget(model: LinearModel, full: int) -> int:
    """Re-solves to spend where `full` is the budget for a small model (0: skip)."""
    if model.is_mip:
        return full if integers(model) <= EXACT_INTEGERS else 0
    return max(1, full * LP_COLUMNS // max(LP_COLUMNS, len(model.columns)))


def skipped_note(model: LinearModel, what: str) -> str:
    """The sentence a result carries when `what` was left out for size."""
    return (
        f"{what} left out: the model has {integers(model):,} whole-number decisions (more than "
        f"{EXACT_INTEGERS:,}), and each re-solve would cost about as much as the solve itself."
    )
