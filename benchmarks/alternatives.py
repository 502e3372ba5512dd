"""Benchmark: `alternatives` and the robustness block of `solve`, against plain warm re-solves.

Run from the repository root:  .venv/bin/python benchmarks/alternatives.py [--repeat 3]

For the baseline scenario, in one run (ratios, not absolute times: the machine may be shared):
1. `near_optimal` at --slack 0 and --slack 0.02 over every item (what `guarantor alternatives`
   computes): seconds and re-solves (mixed-integer solves plus LP polishes);
2. the reference: the same number of warm re-solves of one live HiGHS model of the same problem
   in which only the objective changes (one column each time, minimised), with nothing else
   done, i.e. the least any implementation of these re-solves could cost; ratio = 1 is the floor;
3. the robustness block `solve` adds by default (troops and payments, slack 0): the time of
   `solve_scenario(..., robustness=True)` minus that of the same solve without it.
Each time is the median of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from guarantor.answer.alternatives import TIGHT, RangeFinder, items_of
from guarantor.answer.assemble import solve_scenario
from guarantor.answer.robustness import near_optimal
from guarantor.model.build import formulate
from guarantor.scenario.loading import load_scenario
from guarantor.solve.fast import FastOptions, LiveModel
from guarantor.solve.pipeline import options_for, solve_formulation

BASELINE = Path("scenarios/baseline.yaml")


def median_time(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def reference(finder: RangeFinder, columns: list[int], count: int) -> None:
    """`count` warm re-solves of the held model: only one objective entry changes each time."""
    live = LiveModel(finder.arrays, FastOptions(gap=1e-9))
    for key, value in TIGHT.items():
        if key != "mip_rel_gap" or live.mip:
            live.highs.setOptionValue(key, value)
    flat = finder.flat.copy()
    for k in range(count):
        target = flat.copy()
        target[columns[k % len(columns)]] = 1.0 if k % 2 else -1.0
        live.load(target)
        live.run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    loaded = load_scenario(BASELINE)
    f = formulate(loaded)
    raw = solve_formulation(f, options_for(loaded))
    columns = [j for it in items_of(f, "all") for j, _ in it.coefs]
    print(f"baseline: {len(f.model.columns)} columns, {sum(c.integer for c in f.model.columns)} integer")
    for slack in (0.0, 0.02):
        r = near_optimal(f, raw.values, slack, "all", plans=0)
        seconds = median_time(lambda s=slack: near_optimal(f, raw.values, s, "all", plans=0), args.repeat)
        finder = RangeFinder(f, raw.values, slack)
        base = median_time(lambda fd=finder, n=r.resolves: reference(fd, columns, n), args.repeat)
        print(
            f"alternatives --slack {slack:g}: {r.resolves} re-solves in {seconds:.3f} s; "
            f"{r.resolves} warm re-solves alone {base:.3f} s; "
            f"ratio alternatives/reference: {seconds / base:.2f}"
        )
    options = options_for(loaded)
    plain = median_time(lambda: solve_scenario(loaded, options), args.repeat)
    robust = median_time(lambda: solve_scenario(loaded, options, robustness=True), args.repeat)
    block = solve_scenario(loaded, options, robustness=True).robustness
    assert block is not None
    print(
        f"solve: {plain:.3f} s without robustness, {robust:.3f} s with it; robustness block adds "
        f"{robust - plain:.3f} s ({block.resolves} re-solves)"
    )


if __name__ == "__main__":
    main()
