"""Start `solve`'s report workers before the arguments are parsed (see `rendering.ChartRenderer`).

The fork server needs about a second to import the report stack and the command waits for
it once it has solved, so every moment it starts earlier is saved. This looks at the
arguments only enough to choose what the server imports; the real parsing comes later, and
a guess that turns out wrong (a typo, `--help`) costs a server that is stopped at exit.
"""

from __future__ import annotations

from collections.abc import Sequence

SKIP = {"--fast", "--help", "-h"}


def preload_for(argv: Sequence[str]) -> tuple[str, ...] | None:
    """What the fork server should import for these arguments, or None (no report workers)."""
    from guarantor.report.rendering import CHART_PRELOAD, DOCUMENT_PRELOAD

    if not argv or argv[0] != "solve" or SKIP.intersection(argv):
        return None
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
    from guarantor.report.rendering import chart_workers, start_fork_server

    if chart_workers() > 0:
        start_fork_server(preload)
