"""Benchmark: `guarantor solve` and `--help` against the import floor, and `guarantor uncertainty`
against a hand-written highspy loop on the same problems.

Run from the repository root:
    .venv/bin/python benchmarks/run.py [--samples 10000] [--rounds 5] [--pairs 3] [--part solve|uncertainty]

First, one solve: in each round the script runs, back to back, the import floor
(`python -c "import pulp, pandas, matplotlib.pyplot"`), `guarantor solve scenarios/baseline.yaml`
(charts included), the same with `--charts none` and with `--fast`, and `guarantor --help`;
it prints the medians and each command's excess over the floor (targets: charts included
at most +1.0 s, `--charts none` at most +0.4 s, `--help` under 0.3 s). Paired rounds keep the
comparison fair when other work shares the machine.

Then, many solves:

For the baseline scenario (mixed-integer) and a pure-LP variant of it, the script
1. draws the samples exactly as `guarantor uncertainty` does (same seed, same chunks) and
   turns each into the changed model numbers;
2. times a reference loop that passes the model to highspy once, changes those numbers
   in place and re-solves, reading the objective and the solution, in one process and
   split over all cores (same HiGHS options as Guarantor: threads=1, presolve without dual
   fixing, and for MIPs the feasibility-jump heuristic off; one default-options run is shown
   for context);
3. times Guarantor's library run with 1 worker and with all workers, and the whole CLI
   command end to end (start-up, loading, sampling, solving, tables, charts, report);
4. prints solves per second and the ratios; the last line compares the end-to-end CLI
   command with the all-core reference loop: `ratio guarantor/reference: R`. The all-core
   reference and the command run in `--pairs` paired rounds, and their medians are compared
   (the machine's speed drifts between minutes).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GUARANTOR = Path(sys.executable).parent / "guarantor"
BASELINE = ROOT / "scenarios" / "baseline.yaml"
RELAX = ["policy.min_contingent=null", "us_air_support.fixed=air_defence_supply"]


def lp_overrides() -> list[str]:
    """Baseline made a pure LP: no minimum contingents, no whole units, the US tier fixed."""
    from guarantor.scenario.loading import load_scenario

    model = load_scenario(BASELINE).scenario.model
    return RELAX + [f"model.capabilities.{c.id}.whole_units=false" for c in model.capabilities]


def problems(overrides: list[str], samples: int, seed: int) -> tuple[object, np.ndarray]:
    """The plan Guarantor would run and, per sample, the numbers that change (touched entries)."""
    from guarantor.analysis.engine import Engine
    from guarantor.analysis.sampling import sample_chunk
    from guarantor.analysis.uncertainty import plan_uncertainty
    from guarantor.scenario.loading import load_scenario

    data = load_scenario(BASELINE, overrides).resolved.data
    plan = plan_uncertainty(data, samples, seed)
    if plan.affine is None:
        sys.exit("the benchmark needs inputs that enter the model affinely (the default cost spread does)")
    engine = Engine(data)
    rows = []
    for index, size in enumerate(plan.chunks):
        values = sample_chunk(plan.marginals, plan.seed, index, size, plan.method)
        rows.extend(plan.affine.flat_at(engine.base_flat, v)[plan.affine.touched] for v in values)
    return plan, np.array(rows)


def reference_loop(args: tuple[object, np.ndarray, np.ndarray, bool]) -> tuple[np.ndarray, float]:
    """Pass the model once, change the touched numbers in place, re-solve; (objectives, seconds)."""
    import highspy

    base, touched, block, tuned = args
    from guarantor.solve.fast import Layout, quiet_highs, split_choices
    from guarantor.solve.solving import HIGHS_SETTINGS

    quiet_highs()

    b = base
    lay = Layout(b)  # type: ignore[arg-type]
    lower, upper = b.col_lower.copy(), b.col_upper.copy()  # type: ignore[attr-defined]
    combos = split_choices(b)  # type: ignore[arg-type]
    if combos is not None and len(combos) == 1:  # the tier is fixed: write it as a plain LP
        for j, v in combos[0].items():
            lower[j] = upper[j] = v
    mip = bool(np.any(b.integer & (lower < upper)))  # type: ignore[attr-defined]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    if tuned:  # the options every Guarantor solve sets
        for key, value in HIGHS_SETTINGS.items():
            h.setOptionValue(key, value)
    if mip and tuned:
        h.setOptionValue("mip_heuristic_run_feasibility_jump", False)
    integrality = b.integer.astype(np.int32) if mip else np.zeros(b.n, dtype=np.int32)
    h.passModel(
        b.n,
        b.m,
        len(b.a_value),
        1,
        1,
        b.offset,
        b.cost,
        lower,
        upper,
        b.row_lower,
        b.row_upper,
        b.a_start,
        b.a_index,
        b.a_value,
        integrality,
    )
    cost = touched < lay.cost.stop
    cols = touched[cost].astype(np.int32)
    matrix = (touched >= lay.matrix.start) & (touched < lay.matrix.stop)
    entries = touched[matrix] - lay.matrix.start
    where = [(int(b.a_index[k]), int(b.entry_columns()[k])) for k in entries]
    objectives = np.empty(len(block))
    start = time.perf_counter()
    for s, row in enumerate(block):
        h.changeColsCost(len(cols), cols, row[cost])
        for (i, j), v in zip(where, row[matrix], strict=True):
            h.changeCoeff(i, j, float(v))
        h.run()
        objectives[s] = h.getInfo().objective_function_value
        h.getSolution()
    return objectives, time.perf_counter() - start


def reference(plan: object, block: np.ndarray, workers: int, tuned: bool = True) -> tuple[np.ndarray, float]:
    from guarantor.analysis.engine import Engine

    base = Engine(plan.data).base  # type: ignore[attr-defined]
    touched = plan.affine.touched  # type: ignore[attr-defined]
    if np.any((touched >= base.n) & (touched < 3 * base.n + 2 * base.m)):
        sys.exit("the reference loop changes costs and matrix entries only (the default cost spread)")
    if workers == 1:
        return reference_loop((base, touched, block, tuned))
    parts = np.array_split(block, workers)
    start = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        results = pool.map(reference_loop, [(base, touched, part, tuned) for part in parts])
    return np.concatenate([r[0] for r in results]), time.perf_counter() - start


def guarantor_library(plan: object, workers: int) -> tuple[np.ndarray, float]:
    from guarantor.analysis.uncertainty import run_uncertainty

    start = time.perf_counter()
    result = run_uncertainty(plan, workers=workers)  # type: ignore[arg-type]
    return result.outputs[:, 0], time.perf_counter() - start


def guarantor_cli(overrides: list[str], samples: int, seed: int) -> float:
    with tempfile.TemporaryDirectory() as out:
        sets = [a for o in overrides for a in ("--set", o)]
        command = [
            str(GUARANTOR),
            "uncertainty",
            str(BASELINE),
            "--samples",
            str(samples),
            "--seed",
            str(seed),
            "--out",
            out,
            "--quiet",
            *sets,
        ]
        start = time.perf_counter()
        subprocess.run(command, check=True)
        return time.perf_counter() - start


def _seconds(command: list[str]) -> float:
    """Wall time of one command; a leading `VAR=value` item sets an environment variable."""
    env = dict(os.environ)
    while command and "=" in command[0] and not command[0].startswith("/"):
        key, value = command[0].split("=", 1)
        env[key], command = value, command[1:]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def one_solve(rounds: int) -> dict[str, float]:
    """Median seconds of the floor, solve (three report profiles) and --help, in paired rounds."""
    floor = [sys.executable, "-c", "import pulp, pandas, matplotlib.pyplot"]
    commands = {"import floor": floor, "--help": [str(GUARANTOR), "--help"]}
    with tempfile.TemporaryDirectory() as out:
        solve = [str(GUARANTOR), "solve", str(BASELINE), "--out", out, "--quiet"]
        commands |= {
            "solve (charts)": solve,
            "  charts in process": ["GUARANTOR_CHART_WORKERS=0", *solve],
            "  one chart worker": ["GUARANTOR_CHART_WORKERS=1", *solve],
            "solve --charts none": [*solve, "--charts", "none"],
            "solve --fast": [*solve, "--fast"],
        }
        _seconds(commands["solve (charts)"])  # warm the file cache once
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, command in commands.items():
                times[name].append(_seconds(command))
    return {name: statistics.median(t) for name, t in times.items()}


def report_one_solve(rounds: int) -> None:
    medians = one_solve(rounds)
    floor = medians["import floor"]
    print(f"\n== one solve: medians of {rounds} paired rounds ==")
    for name, seconds in medians.items():
        extra = (
            ""
            if name in ("import floor", "--help")
            else f"  floor + {seconds - floor:5.2f} s  ({seconds / floor:.2f}x)"
        )
        print(f"{name:22s} {seconds:6.2f} s{extra}")
    print(
        f"targets: charts +{medians['solve (charts)'] - floor:.2f} s (<= 1.0), "
        f"--charts none +{medians['solve --charts none'] - floor:.2f} s (<= 0.4), "
        f"--help {medians['--help']:.2f} s (< 0.3)"
    )


def rate(n: int, seconds: float) -> str:
    return f"{seconds:7.2f} s  {n / seconds:8.0f} solves/s"


def scenario(name: str, overrides: list[str], samples: int, seed: int, workers: int, rounds: int) -> float:
    """Benchmark one scenario; return the end-to-end ratio CLI / all-core reference (the medians
    of `rounds` paired runs of the two: the machine's speed drifts by ±15 % between minutes)."""
    print(f"\n== {name}: {samples:,} samples, seed {seed}, {workers} cores ==")
    start = time.perf_counter()
    plan, block = problems(overrides, samples, seed)
    prepared = time.perf_counter() - start
    print(f"problems prepared in {prepared:.1f} s ({block.shape[1]} numbers change per sample)")
    ref1, t_ref1 = reference(plan, block, 1)
    g1, t_g1 = guarantor_library(plan, 1)
    gw, t_gw = guarantor_library(plan, workers)
    paired = [
        (reference(plan, block, workers)[1], guarantor_cli(overrides, samples, seed)) for _ in range(rounds)
    ]
    t_refw = statistics.median(p[0] for p in paired)
    t_cli = statistics.median(p[1] for p in paired)
    if rounds > 1:
        print(f"paired rounds (reference, command): {', '.join(f'{a:.2f}/{b:.2f}' for a, b in paired)}")
    default = min(2000, samples)
    _, t_default = reference(plan, block[:default], 1, tuned=False)
    print(f"reference loop, 1 process        {rate(samples, t_ref1)}")
    print(f"reference loop, {workers} processes       {rate(samples, t_refw)}")
    print(f"  (HiGHS default options, 1 process, first {default:,}: {default / t_default:.0f} solves/s)")
    print(f"guarantor library, 1 worker      {rate(samples, t_g1)}")
    print(f"guarantor library, {workers} workers     {rate(samples, t_gw)}")
    print(f"guarantor uncertainty CLI, {workers} workers, end to end (incl. report) {rate(samples, t_cli)}")
    what = f"medians of {rounds} paired rounds" if rounds > 1 else "one run each"
    print(f"  ({workers}-process reference and whole command: {what})")
    both = ~np.isnan(g1) & ~np.isnan(ref1)
    diff = np.max(np.abs(g1[both] - ref1[both]) / np.maximum(1.0, np.abs(ref1[both]))) if both.any() else 0.0
    print(
        f"same answers: worker counts identical: {np.array_equal(g1, gw, equal_nan=True)}; "
        f"max relative objective difference vs reference: {diff:.1e}"
    )
    print(
        f"ratio 1 worker {t_g1 / t_ref1:.2f}; {workers} workers {t_gw / t_refw:.2f}; "
        f"CLI end to end vs {workers}-process reference {t_cli / t_refw:.2f}"
    )
    return t_cli / t_refw


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--rounds", type=int, default=5, help="paired rounds of the one-solve timings")
    parser.add_argument(
        "--pairs", type=int, default=3, help="paired rounds of reference and command per uncertainty scenario"
    )
    parser.add_argument(
        "--part", choices=("all", "solve", "uncertainty"), default="all", help="run only one half"
    )
    args = parser.parse_args()
    from guarantor.analysis.workers import default_workers
    from guarantor.solve.solving import silence_highs_banner

    silence_highs_banner()
    workers = default_workers()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    print(f"load average at start: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    if args.part in ("all", "solve"):
        report_one_solve(args.rounds)
    if args.part == "solve":
        return
    lp_name = "pure LP (baseline relaxed, US tier fixed)"
    lp = scenario(lp_name, lp_overrides(), args.samples, args.seed, workers, args.pairs)
    ratio = scenario("baseline (mixed-integer)", [], args.samples, args.seed, workers, args.pairs)
    print(
        f"\nuncertainty, whole command vs {workers}-process reference: pure LP {lp:.2f} (target <= 2.0), "
        f"baseline MIP {ratio:.2f} (target <= 1.25)"
    )
    print(f"ratio guarantor/reference: {ratio:.2f}")


if __name__ == "__main__":
    main()
