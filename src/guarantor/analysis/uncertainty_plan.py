"""What a Monte Carlo worker needs, sent once per worker (its own module so workers need not
import the driver that spawns them)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from guarantor.analysis.engine import AffineMap
from guarantor.analysis.sampling import CHUNK_SIZE, Marginal, chunk_sizes
from guarantor.solve.fast import FastOptions


@dataclass
class Plan:
    """Everything a worker needs, sent once per worker (samples are drawn in the worker)."""

    data: dict[str, Any]
    marginals: list[Marginal]
    method: str
    seed: int
    samples: int
    options: FastOptions
    solver: str = "highs"
    affine: AffineMap | None = None
    chunk_size: int = CHUNK_SIZE
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    defaulted: bool = False
    output_names: list[str] = field(default_factory=list)
    tiers: list[str] = field(default_factory=list)
    split: bool = False

    @property
    def chunks(self) -> list[int]:
        return chunk_sizes(self.samples, self.chunk_size)
