"""Benchmark: `guarantor serve` answering control changes, against the same changes without the web layer.

Run from the repository root:  .venv/bin/python benchmarks/app.py [--changes 200] [--seed 0]

1. Draws `--changes` random control changes on the baseline (seeded): the ground-troop and other
   requirements, the minimum shares, the allowed US tiers, one contributor's troop cap or cost.
2. Serves the app in-process on a free port and sends each change as the page does (one HTTP POST
   to `/s/<session>/set`, keep-alive), timing request to response on the client: validation,
   fast re-solve, explanation, checker, the rendered fragments and the JSON.
3. Applies the same changes, in the same order and interleaved with the requests (same load), to a
   `Session` directly (validation, fast re-solve, explanation and checker: the library path) and,
   for the solve alone, times `Engine.solve_variant` on the scenarios it validated.
4. Prints p50/p95 of each and the app overhead (p50 app - p50 library path).

Targets (issue 14): p95 app < 300 ms on 2 cores; app overhead < 50 ms. Absolute times move with
the load of the machine; the overhead is measured in one run, on the same changes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"


def random_changes(count: int, seed: int) -> list[dict[str, str]]:
    """Control changes an analyst might make, each a {path: text} the page would send."""
    from guarantor.scenario.loading import load_scenario

    model = load_scenario(BASELINE).scenario.model
    contributors = [c.id for c in model.contributors if c.bloc.value == "europe"]
    tiers = [t.id for t in model.us_air_support_tiers]
    rng = random.Random(seed)
    makers = [
        lambda: {"requirements.ground_troops": str(rng.randrange(15000, 45001, 500))},
        lambda: {"requirements.air_defence": str(rng.randrange(4, 13))},
        lambda: {"requirements.fighters": str(rng.randrange(2, 7))},
        lambda: {"policy.europe_min_troop_share.value": f"{rng.uniform(0.7, 1.0):.2f}"},
        lambda: {"policy.europe_min_cost_share.value": f"{rng.uniform(0.5, 0.9):.2f}"},
        lambda: {"us_air_support.allowed": "[" + ", ".join(rng.sample(tiers, rng.randrange(1, 4))) + "]"},
        lambda: {f"contributors.{rng.choice(contributors)}.troop_cap": str(rng.randrange(0, 10001, 500))},
        lambda: {
            f"model.contributors.{rng.choice(contributors)}.cost_per_soldier_year_usd.value": str(
                rng.randrange(60000, 300001, 1000)
            )
        },
    ]
    return [rng.choice(makers)() for _ in range(count)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(changes: list[dict[str, str]]) -> dict[str, list[float]]:
    """Milliseconds per change: over HTTP, through `Session.apply`, and `Engine.solve_variant` alone.

    The three are interleaved change by change, so that each sees the same load on the machine.
    The HTTP session and the library session are separate (each has its own live model), and the
    solve alone runs on a third engine, on the scenario the library session validated.
    """
    from guarantor.app.server import create_app, running
    from guarantor.app.session import Session

    library = Session(BASELINE)
    engine = Session(BASELINE).engine
    times: dict[str, list[float]] = {"app": [], "library": [], "solve": []}
    statuses = []
    with tempfile.TemporaryDirectory() as reports, running(create_app(SCENARIOS, Path(reports))) as url:
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        conn.request("GET", "/open/baseline.yaml")
        response = conn.getresponse()
        response.read()
        session = response.getheader("location", "").rsplit("/", 1)[1]
        for change in changes:
            body = json.dumps({"values": change})
            start = time.perf_counter()
            conn.request("POST", f"/s/{session}/set", body, {"Content-Type": "application/json"})
            answer = json.loads(conn.getresponse().read())
            times["app"].append(1000 * (time.perf_counter() - start))
            statuses.append(answer.get("status", "refused") if answer["ok"] else "refused")
            start = time.perf_counter()
            library.apply(change)
            times["library"].append(1000 * (time.perf_counter() - start))
            loaded = library.loaded
            start = time.perf_counter()
            engine.solve_variant(loaded.scenario, loaded.origin_of)
            times["solve"].append(1000 * (time.perf_counter() - start))
        conn.close()
    times["statuses"] = statuses  # type: ignore[assignment]
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    changes = random_changes(args.changes, args.seed)
    measure(changes[:5])  # warm imports and caches
    times = measure(changes)
    statuses: list[str] = times.pop("statuses")  # type: ignore[assignment]
    app, library = times["app"], times["library"]
    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    print(f"{len(changes)} random control changes on the baseline (seed {args.seed}); answers: {counts}")
    print(f"{'path':<48} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    rows = [
        ("app over HTTP (request to response)", app),
        ("library: Session.apply (validate+solve+explain)", library),
        ("solve alone: Engine.solve_variant", times["solve"]),
    ]
    for name, values in rows:
        p50, p95, mean = percentile(values, 0.5), percentile(values, 0.95), statistics.mean(values)
        print(f"{name:<48} {p50:>8.1f} {p95:>8.1f} {mean:>8.1f}")
    overhead = percentile(app, 0.5) - percentile(library, 0.5)
    print(f"app overhead (p50 app - p50 library): {overhead:.1f} ms (target < 50)")
    print(f"app p95: {percentile(app, 0.95):.1f} ms (target < 300)")


if __name__ == "__main__":
    main()
