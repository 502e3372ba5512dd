"""Figures to PNG/SVG bytes: each figure drawn once for both formats, optionally on worker processes.

Where a chart's time went (baseline, 2 cores; `benchmarks/run.py` measures it again):
constrained layout ran again for the second format, every bar was its own hatched artist,
and matplotlib's import (~0.6 s) was paid by the command itself. So:

- `render_figure` lays a figure out once and saves every format from that layout;
- chart functions draw a series as one compound path (`chartkit.hbars`);
- `ChartRenderer` runs a report's jobs (`ChartJob`s, or any module-level function) on worker
  processes forked from a fork server that imported matplotlib and the whole report stack
  (`solvejobs` for `solve`, `analysis.reportjobs` for the analyses), with garbage collection
  off meanwhile, and warmed the font cache while the command loaded and solved.
  The command itself then never imports matplotlib or pandas. Results are identical to
  rendering in process (same code, same settings; tested byte for byte).

Workers come from a fork server that never ran HiGHS (the command's own process is never
forked), and the pool, the server and multiprocessing's resource tracker are shut down and
reaped when the command ends, so no process outlives it.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from matplotlib.figure import Figure

T = TypeVar("T")
CHART_CHOICES = ("none", "png", "svg", "both")
FORMATS: dict[str, tuple[str, ...]] = {"none": (), "png": ("png",), "svg": ("svg",), "both": ("png", "svg")}
DPI = 150
METADATA: dict[str, dict[str, Any]] = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}
"""No creation dates or software versions inside images, so identical runs give identical bytes."""
RC: dict[Any, Any] = {
    "svg.hashsalt": "guarantor",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "figure.autolayout": False,
    "figure.constrained_layout.use": False,
}
"""A fixed salt makes SVG ids reproducible; glyphs as paths render the same in every browser;
no automatic layout, whatever a matplotlibrc says, so `set_layout_engine(None)` freezes one."""
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
    """Every format from one layout, laid out once.

    Where a PNG comes first, the constrained layout runs once, measured by that PNG's
    renderer, and is then removed (`set_layout_engine(None)`): `savefig` lays a figure out
    twice (a full invisible draw, then again in the real one), and with "none" matplotlib
    keeps a placeholder engine that draws the figure invisibly again before each later
    format. Same bytes as saving the default way (tested), about a fifth less time on the
    baseline's charts. PNGs draw their text with `aggtext` where that applies.
    """
    import matplotlib

    from guarantor.report import aggtext

    out = {}
    dpi = fig.get_dpi()
    with matplotlib.rc_context(RC):
        if "png" in formats:
            aggtext.attach(fig)
        if formats and formats[0] == "png":
            fig.set_dpi(DPI)  # the layout measured at the resolution it is drawn at, as savefig does
            engine = fig.get_layout_engine()
            if engine is not None and fig.axes:
                engine.execute(fig)
            fig.set_layout_engine(None)
        for fmt in formats:
            buffer = io.BytesIO()
            extra: dict[str, Any] = (
                {"pil_kwargs": {"compress_level": PNG_COMPRESSION}} if fmt == "png" else {}
            )
            fig.savefig(buffer, format=fmt, dpi=DPI, metadata=METADATA[fmt], **extra)
            out[fmt] = buffer.getvalue()
            fig.set_layout_engine(None)  # keep the positions of the first format
    fig.set_dpi(dpi)
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


def preload(*modules: str) -> tuple[str, ...]:
    """A fork server's imports, between `warm_begin` and `warm_end` (garbage collection off)."""
    return ("guarantor.report.warm_begin", *modules, "guarantor.report.warm_end")


CHART_PRELOAD = preload("guarantor.report.warm_tables", "fpdf", "guarantor.report.warm_charts")
"""What the fork server imports for a report with charts (the workers draw the brief's PDF too:
fpdf2 and its fontTools cost ~0.4 s to import, which the command once paid a second time)."""
DOCUMENT_PRELOAD = preload("guarantor.report.warm_tables", "fpdf")
"""... and without charts."""


def chart_workers() -> int:
    """Worker processes for reports: `GUARANTOR_CHART_WORKERS`, else one per core up to two."""
    value = os.environ.get("GUARANTOR_CHART_WORKERS", "")
    if value.strip().isdigit():
        return int(value)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(2, cores)


def start_fork_server(preload: Sequence[str]) -> Any:
    """Start the report workers' fork server (once per process) and return its context.

    It imports `preload` in the background: this returns at once. A server already running
    (started early by the command line) is kept, with what it preloaded.
    """
    import multiprocessing
    from multiprocessing import forkserver

    reap_at_exit()
    context = multiprocessing.get_context("forkserver")
    if getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None) is None:
        context.set_forkserver_preload(list(preload))
    with single_threaded_children():  # the server's environment is every worker's
        forkserver.ensure_running()
    return context


Call = tuple[Callable[..., Any], tuple[Any, ...]]
"""A module-level function and its arguments, for a worker."""


class ChartRenderer:
    """Runs a report's jobs (charts above all) in process (`workers=0`) or on worker processes.

    The workers are forked from a fork server that starts when the renderer does and imports
    `preload` (pandas, XlsxWriter and the report code, with matplotlib and its fonts for charts
    or fpdf2 without) on the other core while the command loads and solves; every worker then
    starts with all of that already imported (one import, not one per worker). The server has
    never run HiGHS, so forking it is safe. A background thread forks the workers as soon as the
    server is ready; they are shut down on `close`.
    """

    def __init__(
        self, formats: tuple[str, ...], workers: int = 0, preload: Sequence[str] = CHART_PRELOAD
    ) -> None:
        self.formats = formats
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.context: Any = None
        if workers > 0:
            self.context = start_fork_server(preload)
            self._pool()
            import threading

            # fork the workers as soon as the server has imported everything, while this process
            # still solves (a fork blocks until then): the first job then finds them running
            self._forking = threading.Thread(target=self._fork_workers, daemon=True)
            self._forking.start()

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(self.workers, self.context, initializer=quiet_worker)
        return self.pool

    def _fork_workers(self) -> None:
        pool = self.pool
        if pool is None:
            return
        with suppress(RuntimeError):  # closed before the server was ready: nothing to start
            for _ in range(self.workers):
                pool.submit(int)

    @property
    def parallel(self) -> bool:
        return self.workers > 0

    def submit(self, fn: Callable[..., T], *args: Any) -> Callable[[], T]:
        """Start `fn(*args)` (a module-level function) on a worker, or later here; the returned
        function waits for its value."""
        if self.workers > 0:
            return self._pool().submit(fn, *args).result
        return _Later(fn, args)

    def submit_soon(self, fn: Callable[..., T], *args: Any) -> Callable[[], T]:
        """Start `fn(*args)` on a worker without waiting for anything: the pool forks its workers on
        submission, which blocks until the fork server has imported its modules (about a second),
        so a background thread submits it once the workers exist. The returned function waits for
        its value (raising its error, or `RuntimeError` if the renderer closed first); nothing
        needs to ask."""
        return self.submit_all_soon([(fn, args)])[0]

    def submit_all_soon(
        self, calls: Sequence[tuple[Callable[..., Any], tuple[Any, ...]]]
    ) -> list[Callable[[], Any]]:
        """`submit_soon` for several calls, submitted in this order by one thread."""
        if self.workers <= 0:
            return [_Later(fn, args) for fn, args in calls]
        import threading
        from concurrent.futures import Future

        boxes: list[Future[Any]] = [Future() for _ in calls]

        def later() -> None:
            self._forking.join()
            pool = self.pool
            for (fn, args), box in zip(calls, boxes, strict=True):
                try:
                    if pool is None:
                        raise RuntimeError("the report's workers were shut down")
                    job = pool.submit(fn, *args)
                except RuntimeError as error:  # closed meanwhile
                    box.set_exception(error)
                    continue
                job.add_done_callback(partial(_pass_on, box))

        threading.Thread(target=later, daemon=True).start()
        return [box.result for box in boxes]

    def render(self, jobs: Sequence[ChartJob]) -> dict[str, dict[str, bytes]]:
        """name -> format -> bytes, in job order; nothing when the formats are empty."""
        return self.start(jobs)()

    def start(self, jobs: Sequence[ChartJob]) -> Callable[[], dict[str, dict[str, bytes]]]:
        """Start the jobs (on the workers, if any); the returned function waits for them."""
        if not self.formats:
            return dict
        pending = [self.submit(run_job, job, self.formats) for job in jobs]
        return lambda: {job.name: wait() for job, wait in zip(jobs, pending, strict=True)}

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _pass_on[V](box: Future[V], job: Future[V]) -> None:
    """Give `box` the outcome of `job`."""
    error = job.exception() if not job.cancelled() else RuntimeError("cancelled with the report's workers")
    if error is not None:
        box.set_exception(error)
    else:
        box.set_result(job.result())


class _Later:
    """A job run in process when its value is first asked for, once."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.fn, self.args, self.done, self.value = fn, args, False, None

    def __call__(self) -> Any:
        if not self.done:
            self.value, self.done = self.fn(*self.args), True
        return self.value


BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@contextmanager
def single_threaded_children() -> Iterator[None]:
    """Children start with one BLAS thread: idle BLAS threads spin and steal the other worker's core.

    Measured: two workers ran no faster than one until this was set.
    """
    saved = {key: os.environ.get(key) for key in BLAS_THREADS}
    os.environ.update(dict.fromkeys(BLAS_THREADS, "1"))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


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
    """Worker start: Ctrl-C is the parent's to handle (no KeyboardInterrupt traceback per worker).

    `gc.freeze()` keeps the collector off everything inherited from the fork server, so it
    does not write to (and so copy) the pages the workers share with it.
    """
    import gc
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()


def _reap() -> None:
    from multiprocessing import forkserver, resource_tracker, util

    util._exit_function()  # type: ignore[attr-defined]
    server = getattr(forkserver, "_forkserver", None)
    stop_server = getattr(server, "_stop", None)
    pid = getattr(server, "_forkserver_pid", None)
    if pid is not None:  # it holds nothing to clean up: ending it skips a 0.25 s interpreter shutdown
        import signal

        with suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    if stop_server is not None:  # close its "alive" pipe and wait for it
        with suppress(OSError, ChildProcessError):
            stop_server()
    tracker = getattr(resource_tracker, "_resource_tracker", None)
    stop = getattr(tracker, "_stop", None)
    if stop is not None:
        with suppress(OSError, ChildProcessError):
            stop()


@contextmanager
def chart_renderer(
    formats: tuple[str, ...], workers: int = 0, preload: Sequence[str] = CHART_PRELOAD
) -> Iterator[ChartRenderer]:
    """A renderer whose workers are shut down on leaving the block, whatever happened inside
    (SIGTERM included)."""
    with sigterm_exits() if workers else _nothing():
        renderer = ChartRenderer(formats, workers, preload)
        try:
            yield renderer
        finally:
            renderer.close()


@contextmanager
def _nothing() -> Iterator[None]:
    yield
