"""Benchmark: what the deliverables (report.xlsx, brief.html, brief.pdf, run.json, index.html) add to a solve.

Run from the repository root:  .venv/bin/python benchmarks/deliverables.py [--repeat 5]

In one process, with the baseline scenario solved once, the script times
1. writing the whole solve report folder (`write_solve_report`) as shipped, and
2. the same with the deliverables switched off (workbook, brief and index replaced by no-ops),
alternating the two `--repeat` times and taking medians, so machine load hits both alike.
It prints the medians, the difference (the deliverables' cost) and the ratio, then, for context,
the end-to-end `guarantor solve scenarios/baseline.yaml` against its import floor (a Python that
only imports what solve imports), alternating as well. The last line is
`ratio with/without deliverables: R`. Under load, compare ratios, not absolute times.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from guarantor.api import solve_scenario
    from guarantor.report import brief, index, reporting, solvejobs, xlsx
    from guarantor.report import workbook as workbook_jobs
    from guarantor.scenario.loading import load_scenario

    loaded = load_scenario(BASELINE)
    result = solve_scenario(loaded)
    with tempfile.TemporaryDirectory() as tmp:
        reporting.write_solve_report(result, loaded, Path(tmp) / "warm")  # imports, font caches
        timings: dict[str, list[float]] = {"with": [], "without": []}
        for i in range(args.repeat):
            for mode in ("with", "without"):
                start = time.perf_counter()
                if mode == "with":
                    reporting.write_solve_report(result, loaded, Path(tmp) / f"{mode}{i}")
                else:
                    with (
                        mock.patch.object(workbook_jobs, "workbook_job", lambda *a, **k: b""),
                        mock.patch.object(solvejobs, "pdf_job", lambda *a, **k: b""),
                        mock.patch.object(brief, "to_html", lambda *a, **k: ""),
                        mock.patch.object(index, "write_index", lambda *a, **k: None),
                    ):
                        reporting.write_solve_report(result, loaded, Path(tmp) / f"{mode}{i}")
                timings[mode].append(time.perf_counter() - start)
        parts = {}
        folder = Path(tmp) / "parts"
        folder.mkdir()
        from guarantor.model.params import build_params
        from guarantor.report.payload import result_payload
        from guarantor.report.sheets import solve_sheets
        from guarantor.report.tables import solve_tables

        params = build_params(loaded.scenario)
        payload = result_payload(result, loaded, params)
        t = solve_tables(result, params)
        svgs = {
            n: (Path(tmp) / "with0" / "baseline" / "charts" / f"{n}.svg").read_bytes() for n in brief.CHARTS
        }
        charts = folder / "charts"
        charts.mkdir()
        for n in brief.CHARTS:
            (charts / f"{n}.png").write_bytes(
                (Path(tmp) / "with0" / "baseline" / "charts" / f"{n}.png").read_bytes()
            )
        for name, step in (
            (
                "report.xlsx",
                lambda: xlsx.write_workbook(
                    folder / "r.xlsx", solve_sheets(result, loaded, params, t, payload["manifest"])
                ),
            ),
            (
                "brief.html + brief.pdf",
                lambda: _brief(folder, brief.gather(result, loaded, params, t, payload, list(svgs)), svgs),
            ),
            ("index.html", lambda: index.write_index(Path(tmp))),
        ):
            runs = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                step()
                runs.append(time.perf_counter() - start)
            parts[name] = statistics.median(runs)
        cli: dict[str, list[float]] = {"solve": [], "floor": []}
        floor = "import guarantor.api, guarantor.cli.app, pandas, matplotlib.pyplot, highspy, pulp"
        guarantor = Path(sys.executable).parent / "guarantor"
        for i in range(args.repeat):
            for mode in ("solve", "floor"):
                command = (
                    [str(guarantor), "solve", str(BASELINE), "--quiet", "--out", str(Path(tmp) / f"cli{i}")]
                    if mode == "solve"
                    else [sys.executable, "-c", floor]
                )
                start = time.perf_counter()
                subprocess.run(command, check=True, cwd=ROOT)
                cli[mode].append(time.perf_counter() - start)
    with_, without = statistics.median(timings["with"]), statistics.median(timings["without"])
    solve, imports = statistics.median(cli["solve"]), statistics.median(cli["floor"])
    print(f"guarantor solve baseline (CLI)     {solve * 1000:8.1f} ms; import floor {imports * 1000:.1f} ms")
    print(f"solve over the import floor        {(solve - imports) * 1000:8.1f} ms")
    for name, seconds in parts.items():
        print(f"{name:28s} {seconds * 1000:8.1f} ms")
    print(f"report folder with deliverables    {with_ * 1000:8.1f} ms (median of {args.repeat})")
    print(f"report folder without deliverables {without * 1000:8.1f} ms")
    print(f"deliverables add                   {(with_ - without) * 1000:8.1f} ms")
    print(f"ratio with/without deliverables: {with_ / without:.2f}")


def _brief(folder: Path, content: object, svgs: dict[str, bytes]) -> None:
    """brief.html and brief.pdf as a solve writes them (the PDF from the chart PNGs beside it)."""
    from guarantor.report import brief

    pngs = {n: (folder / "charts" / f"{n}.png").read_bytes() for n in brief.CHARTS}
    (folder / "brief.html").write_text(brief.to_html(content, svgs))  # type: ignore[arg-type]
    (folder / "brief.pdf").write_bytes(brief.to_pdf(content, pngs))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
