"""Figures to PNG/SVG bytes: each figure drawn once for both formats, optionally on worker processes.

Where a chart's time went (baseline, 2 cores; `benchmarks/run.py` measures it again):
constrained layout ran again for the second format, every bar was its own hatched artist,
and matplotlib's import (~0.6 s) was paid by the command itself. So:

- `render_figure` lays a figure out once and saves every format from that layout;
- chart functions draw a series as one compound path (`chartkit.hbars`);
- `ChartRenderer` can start spawned workers when a command begins: they import matplotlib
  and warm the font cache while the command loads and solves, then build and render the
  figures from their tables (`ChartJob`: a module-level function and picklable arguments).
  The command itself then never imports matplotlib. Results are identical to rendering in
  process (same code, same settings; tested byte for byte).

Workers are spawned, never forked, and shut down when the renderer closes, so no process
outlives the command.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from matplotlib.figure import Figure

CHART_CHOICES = ("none", "png", "svg", "both")
FORMATS: dict[str, tuple[str, ...]] = {"none": (), "png": ("png",), "svg": ("svg",), "both": ("png", "svg")}
DPI = 150
METADATA: dict[str, dict[str, Any]] = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}
"""No creation dates or software versions inside images, so identical runs give identical bytes."""
RC: dict[Any, Any] = {"svg.hashsalt": "guarantor", "svg.fonttype": "path", "font.family": "DejaVu Sans"}
"""A fixed salt makes SVG ids reproducible; glyphs as paths render the same in every browser."""
PNG_COMPRESSION = 3
"""zlib level for PNGs: level 6 (Pillow's default) took ~40% longer for files ~8% smaller."""


def formats_for(charts: str) -> tuple[str, ...]:
    """The file formats of a `--charts` choice (none, png, svg, both)."""
    from guarantor.errors import InputError, Origin, Problem

    if charts not in FORMATS:
        raise InputError(
            [
                Problem(
                    Origin("--charts"),
                    "charts",
                    f"unknown choice {charts!r}; expected none, png, svg or both",
                )
            ]
        )
    return FORMATS[charts]


def render(fig: Figure, fmt: str) -> bytes:
    """A figure as PNG or SVG bytes, reproducibly."""
    return render_figure(fig, (fmt,))[fmt]


def render_figure(fig: Figure, formats: Sequence[str]) -> dict[str, bytes]:
    """Every format from one layout: after the first save the constrained layout is frozen."""
    import matplotlib

    out = {}
    with matplotlib.rc_context(RC):
        for n, fmt in enumerate(formats):
            buffer = io.BytesIO()
            extra: dict[str, Any] = (
                {"pil_kwargs": {"compress_level": PNG_COMPRESSION}} if fmt == "png" else {}
            )
            fig.savefig(buffer, format=fmt, dpi=DPI, metadata=METADATA[fmt], **extra)
            out[fmt] = buffer.getvalue()
            if n == 0:
                fig.set_layout_engine("none")  # keep the positions just computed
    return out


@dataclass(frozen=True)
class ChartJob:
    """One chart to draw: `build(*args)` returns its Figure (module-level, so workers can run it)."""

    name: str
    build: Callable[..., Figure]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def figure(self) -> Figure:
        return self.build(*self.args, **self.kwargs)


def run_job(job: ChartJob, formats: tuple[str, ...]) -> dict[str, bytes]:
    """Build and render one chart (in a worker or in process)."""
    return render_figure(job.figure(), formats)


def _warm() -> None:
    """Worker start: pay matplotlib's import and font loading while the command loads and solves."""
    quiet_worker()
    import pandas  # noqa: F401  (chart tables arrive as DataFrames)
    from matplotlib.backends import backend_agg, backend_svg  # noqa: F401
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 1))
    fig.subplots().set_title("warm")
    render_figure(fig, ("png", "svg"))


def chart_workers() -> int:
    """Worker processes for charts: `GUARANTOR_CHART_WORKERS`, else one per core up to two."""
    value = os.environ.get("GUARANTOR_CHART_WORKERS", "")
    if value.strip().isdigit():
        return int(value)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(2, cores)


class ChartRenderer:
    """Renders chart jobs to bytes, in process (`workers=0`) or on spawned, pre-warmed workers."""

    def __init__(self, formats: tuple[str, ...], workers: int = 0) -> None:
        self.formats = formats
        self.pool: ProcessPoolExecutor | None = None
        if formats and workers > 0:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            reap_at_exit()
            self.pool = ProcessPoolExecutor(workers, multiprocessing.get_context("spawn"), initializer=_warm)
            for _ in range(workers):  # start every worker now, not at the first job
                self.pool.submit(int)

    @classmethod
    def on_pool(cls, pool: Any, formats: tuple[str, ...]) -> ChartRenderer:
        """A renderer on an existing `multiprocessing` pool (its owner shuts it down)."""
        renderer = cls(formats)
        renderer.borrowed = pool
        return renderer

    borrowed: Any = None

    def render(self, jobs: Sequence[ChartJob]) -> dict[str, dict[str, bytes]]:
        """name -> format -> bytes, in job order; nothing when the formats are empty."""
        return self.start(jobs)()

    def start(self, jobs: Sequence[ChartJob]) -> Callable[[], dict[str, dict[str, bytes]]]:
        """Start the jobs (on the workers, if any); the returned function waits for them."""
        if not self.formats:
            return dict
        if self.borrowed is not None:
            pending = [self.borrowed.apply_async(run_job, (job, self.formats)) for job in jobs]
            return lambda: {job.name: p.get() for job, p in zip(jobs, pending, strict=True)}
        if self.pool is None:
            return lambda: {job.name: run_job(job, self.formats) for job in jobs}
        futures: list[Future[dict[str, bytes]]] = [
            self.pool.submit(run_job, job, self.formats) for job in jobs
        ]
        return lambda: {job.name: f.result() for job, f in zip(jobs, futures, strict=True)}

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


_REAPING: list[bool] = []


def reap_at_exit() -> None:
    """At exit, after multiprocessing's own clean-up, stop and reap its resource tracker.

    Spawned pools start a tracker process that exits only after its parent, and nobody waits
    for it then: where PID 1 does not reap orphans (containers) it stays in the command's
    process group. The handler first runs multiprocessing's exit clean-up (finalizers, so
    every semaphore is released and unregistered; running it twice is harmless), then closes
    the tracker's pipe and waits for it, so nothing of the command outlives it.
    """
    if _REAPING:
        return
    import atexit

    _REAPING.append(True)
    atexit.register(_reap)


@contextmanager
def sigterm_exits() -> Iterator[None]:
    """While a command runs worker processes, SIGTERM ends it like an ordinary exit.

    Python's default for SIGTERM is to die on the spot: the workers were left writing to a
    closed pipe (tracebacks), semaphores leaked and nobody reaped anything. Raising
    `SystemExit(143)` instead unwinds the `with` blocks, which stop the workers quietly
    (they ignore SIGINT and SIGTERM is their default: end), and exit handlers reap the rest.
    Only the main thread can install a handler; elsewhere this does nothing.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def quiet_worker() -> None:
    """Worker start: Ctrl-C is the parent's to handle (no KeyboardInterrupt traceback per worker)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _reap() -> None:
    from multiprocessing import resource_tracker, util

    util._exit_function()  # type: ignore[attr-defined]
    tracker = getattr(resource_tracker, "_resource_tracker", None)
    stop = getattr(tracker, "_stop", None)
    if stop is not None:
        with suppress(OSError, ChildProcessError):
            stop()


@contextmanager
def chart_renderer(formats: tuple[str, ...], workers: int = 0) -> Iterator[ChartRenderer]:
    """A renderer whose workers are shut down on leaving the block, whatever happened inside
    (SIGTERM included)."""
    with sigterm_exits() if workers and formats else _nothing():
        renderer = ChartRenderer(formats, workers)
        try:
            yield renderer
        finally:
            renderer.close()


@contextmanager
def _nothing() -> Iterator[None]:
    yield
