"""Uncertain inputs: marginal distributions and reproducible samples drawn chunk by chunk.

Samples are drawn in chunks of a fixed size, each from its own generator seeded with
`(seed, chunk index)`, so a sample's value does not depend on which worker draws it or
in what order: the same seed gives the same results with 1, 2 or 64 workers. Latin
hypercube sampling stratifies each chunk. Inverse CDFs come from `scipy.special` (no
`scipy.stats` import in workers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from guarantor.errors import InputError, Origin, Problem
from guarantor.scenario.paths import get_value
from guarantor.scenario.schema import Distribution

CHUNK_SIZE = 250
COST_KEYS = ("cost_per_soldier_year_usd", "unit_cost_usd_m", "annual_cost_usd_m")


@dataclass(frozen=True)
class Marginal:
    """One uncertain input with absolute parameters (relative ones already multiplied out)."""

    path: str
    dist: str
    base: float
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None

    def _truncation(self) -> tuple[float, float, float, float]:
        """(location, scale, lower, upper) of the normal behind the distribution, truncated."""
        from scipy.special import ndtr

        assert self.mean is not None and self.sd is not None
        if self.dist == "normal":
            loc, scale = self.mean, self.sd
            low, high = self.low, self.high
        else:
            sigma2 = math.log1p((self.sd / self.mean) ** 2)
            loc, scale = math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2)
            low = math.log(self.low) if self.low is not None and self.low > 0 else None
            high = math.log(self.high) if self.high is not None else None
        a = float(ndtr((low - loc) / scale)) if low is not None else 0.0
        b = float(ndtr((high - loc) / scale)) if high is not None else 1.0
        return loc, scale, a, b

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF: uniform [0, 1) numbers to values of this input."""
        u = np.clip(u, 1e-12, 1 - 1e-12)
        if self.dist == "uniform":
            assert self.low is not None and self.high is not None
            return self.low + u * (self.high - self.low)
        if self.dist == "triangular":
            lo, hi, mode = self.low, self.high, self.mode
            assert lo is not None and hi is not None and mode is not None
            cut = (mode - lo) / (hi - lo) if hi > lo else 0.5
            left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
            right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode))
            return np.where(u < cut, left, right)
        from scipy.special import ndtri

        loc, scale, a, b = self._truncation()
        z = loc + scale * ndtri(a + u * (b - a))
        return np.exp(z) if self.dist == "lognormal" else z

    def support(self) -> tuple[float, float]:
        """The range samples fall in (0.01 % and 99.99 % quantiles when unbounded)."""
        lo, hi = self.ppf(np.array([0.0001, 0.9999]))
        if self.low is not None:
            lo = self.low
        if self.high is not None:
            hi = self.high
        return float(lo), float(hi)


def marginal_from(dist: Distribution, data: dict[str, Any], path: str) -> Marginal:
    """Absolute parameters of a declared distribution; problems name the missing parameter."""
    base = float(get_value(data, path))
    factor = base if dist.relative else 1.0
    values = {k: getattr(dist, k) for k in ("low", "high", "mode", "mean", "sd")}
    if dist.dist in ("normal", "lognormal") and values["mean"] is None:
        values["mean"] = 1.0 if dist.relative else base
    scaled = {k: (v * factor if v is not None else None) for k, v in values.items()}
    needs = {"uniform": ("low", "high"), "triangular": ("low", "mode", "high")}.get(dist.dist, ("sd",))
    where = f"uncertainty.distributions[{dist.path}]"
    problems = [f"`{dist.dist}` needs `{k}`" for k in needs if scaled[k] is None]
    low, high = scaled["low"], scaled["high"]
    if low is not None and high is not None and low > high:
        problems.append("`low` is above `high`")
    if dist.dist == "triangular" and not problems and not (low <= scaled["mode"] <= high):  # type: ignore[operator]
        problems.append("`mode` must lie between `low` and `high`")
    if dist.dist == "lognormal" and (scaled["mean"] or 0.0) <= 0:
        problems.append("a lognormal needs a positive mean")
    if problems:
        raise InputError([Problem(Origin("uncertainty"), where, p) for p in problems])
    return Marginal(path, dist.dist, base, **scaled)


def default_marginals(data: dict[str, Any], spread: float, included: set[str]) -> list[Marginal]:
    """With no distributions declared: every non-zero cost input uniform within +/- `spread`."""
    found: list[Marginal] = []
    model = data["model"]
    for c in model["contributors"]:
        if c["id"] not in included:
            continue
        found.append(_relative(data, f"model.contributors.{c['id']}.cost_per_soldier_year_usd.value", spread))
        for k in c.get("capabilities", {}):
            found.append(
                _relative(
                    data, f"model.contributors.{c['id']}.capabilities.{k}.unit_cost_usd_m.value", spread
                )
            )
    for t in model["us_air_support_tiers"]:
        found.append(_relative(data, f"model.us_air_support_tiers.{t['id']}.annual_cost_usd_m.value", spread))
    found.append(_relative(data, "model.us_command_and_control.annual_cost_usd_m.value", spread))
    return [m for m in found if m.base != 0]


def _relative(data: dict[str, Any], path: str, spread: float) -> Marginal:
    base = float(get_value(data, path))
    return Marginal(path, "uniform", base, low=base * (1 - spread), high=base * (1 + spread))


def chunk_sizes(samples: int, chunk_size: int = CHUNK_SIZE) -> list[int]:
    full, rest = divmod(samples, chunk_size)
    return [chunk_size] * full + ([rest] if rest else [])


def uniforms(seed: int, chunk: int, size: int, dims: int, method: str) -> np.ndarray:
    """Uniform numbers of one chunk, from its own generator (reproducible, order-free)."""
    rng = np.random.default_rng([seed, chunk])
    if method == "random":
        return rng.random((size, dims))
    strata = np.column_stack([rng.permutation(size) for _ in range(dims)]) if dims else np.zeros((size, 0))
    return (strata + rng.random((size, dims))) / size


def sample_chunk(marginals: list[Marginal], seed: int, chunk: int, size: int, method: str) -> np.ndarray:
    """Input values (size x inputs) of one chunk."""
    u = uniforms(seed, chunk, size, len(marginals), method)
    return np.column_stack([m.ppf(u[:, i]) for i, m in enumerate(marginals)]) if marginals else u
