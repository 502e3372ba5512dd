"""Verify a solved `Result` with the independent checker before anything shows or saves it."""

from __future__ import annotations

from guarantor.answer.checker import check_solution
from guarantor.answer.results import Result
from guarantor.errors import CheckerError
from guarantor.model.params import build_params
from guarantor.scenario.loading import LoadedScenario


def verified(result: Result, loaded: LoadedScenario) -> Result:
    """The result with the checker's verdict in its notes; a violation is a bug (CheckerError, exit 1)."""
    if result.decisions is None:
        return result
    violations = check_solution(build_params(loaded.scenario), result.decisions, loaded.origin_of)
    if violations:
        result.notes.append("CHECKER FOUND VIOLATIONS: " + "; ".join(map(str, violations)))
        raise CheckerError(f"{loaded.path}: the solution fails the independent checker: {violations[0]}")
    result.notes.append("Independent checker: every constraint satisfied.")
    return result
