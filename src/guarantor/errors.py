"""Exception hierarchy: every error a user can cause carries file, line and key path."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True, slots=True)
class Origin:
    """Where a value was set: a file position, or a `--set` override."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"

    def __reduce__(self) -> tuple[type[Origin], tuple[str, int, int]]:
        """Pickled as its three fields: a frozen slots dataclass otherwise pickles through
        `dataclasses`' Python-level `__getstate__`, and a report's bundle holds one per YAML value
        (600,000 at 1,600 contributors)."""
        return (Origin, (self.file, self.line, self.column))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located precisely enough to fix it."""

    origin: Origin
    key_path: str
    message: str

    def __str__(self) -> str:
        key = f" {self.key_path}:" if self.key_path else ""
        return f"{self.origin}:{key} {self.message}"


class GuarantorError(Exception):
    """Root of every error Guarantor raises on purpose."""


class InputError(GuarantorError):
    """Bad input: a list of problems, all reported at once (exit code 2)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.origin, p.key_path, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class CheckerError(GuarantorError):
    """The independent checker rejected a solver's answer: a bug, reported as an internal error (exit 1)."""


class SolverError(GuarantorError):
    """The solver failed or returned no solution (exit code 4)."""
