"""Start the report workers of `solve` and the analyses before the arguments are parsed
(see `rendering.ChartRenderer`).

The fork server needs about a second to import the report stack and the command waits for
it once it has solved, so every moment it starts earlier is saved. This looks at the
arguments only enough to choose what the server imports; the real parsing comes later, and
a guess that turns out wrong (a typo, `--help`) costs a server that is stopped at exit.
"""

from __future__ import annotations

from collections.abc import Sequence

SKIP = {"--fast", "--help", "-h"}
ANALYSES = {"uncertainty", "sweep", "sensitivity", "pareto", "alternatives"}
"""Commands whose report (charts, documents) is made by the analysis report workers."""


def preload_for(argv: Sequence[str]) -> tuple[str, ...] | None:
    """What the fork server should import for these arguments, or None (no report workers)."""
    if not argv or SKIP.intersection(argv):
        return None
    if argv[0] in ANALYSES:
        from guarantor.analysis.reportjobs import REPORT_PRELOAD

        return REPORT_PRELOAD
    if argv[0] != "solve":
        return None
    from guarantor.report.rendering import CHART_PRELOAD, DOCUMENT_PRELOAD

    charts = "both"
    for i, arg in enumerate(argv):
        if arg == "--charts" and i + 1 < len(argv):
            charts = argv[i + 1]
        elif arg.startswith("--charts="):
            charts = arg.split("=", 1)[1]
    return DOCUMENT_PRELOAD if charts == "none" else CHART_PRELOAD


def prestart(argv: Sequence[str]) -> None:
    preload = preload_for(argv)
    if preload is None:
        return
    import os

    from guarantor.report.rendering import BLAS_THREADS, chart_workers, start_fork_server

    if argv[0] == "uncertainty":  # its solving workers are forked from this process: one BLAS thread
        for key in BLAS_THREADS:
            os.environ.setdefault(key, "1")
    if chart_workers() > 0:
        start_fork_server(preload)
