"""Python work that waits for the main thread to block in native code without the GIL (HiGHS).

Why: the command's main thread spends most of a large solve inside HiGHS, which releases the GIL,
while the second core has little to do. Work queued as a `Deferred` starts on a thread the first
time the main thread enters such a section (`released`), so it runs on that core instead of
before or after the solve; asked for before that, it runs at once. At 1,600 contributors x 10
periods the report's hand-over (pickling the scenario for the workers, 1.4-3 s) went from before
the solve to the solve's first seconds of branch and bound.

Nothing here knows what the work is: `solve` marks its native calls, `report` defers its work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_lock = threading.Lock()
_waiting: list[Deferred[Any]] = []


@contextmanager
def released() -> Iterator[None]:
    """Around a native call that releases the GIL: work waiting for one starts now."""
    with _lock:
        ready = list(_waiting)
        _waiting.clear()
    for work in ready:
        work.start()
    yield


class Deferred[T]:
    """`fn()` on a daemon thread, started by the next `released` section or by `result`."""

    def __init__(self, fn: Callable[[], T], name: str = "guarantor-deferred") -> None:
        self._fn = fn
        self._go = threading.Event()
        self._state = threading.Lock()  # decides, once, whether the work runs or is cancelled
        self._cancelled = self._running = False
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        with _lock:
            _waiting.append(self)

    def _run(self) -> None:
        self._go.wait()
        with self._state:
            if self._cancelled:
                return
            self._running = True
        try:
            self._value = self._fn()
        except BaseException as error:  # handed to `result`, in the caller's thread
            self._error = error

    def start(self) -> None:
        self._go.set()

    def result(self) -> T:
        """The value (starting the work now if no native section came first); its error re-raised."""
        self._forget()
        self.start()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    def settle(self) -> bool:
        """Cancel the work unless it is running, else wait for it to end; whether it ran."""
        self._forget()
        with self._state:
            self._cancelled = not self._running
        self._go.set()
        self._thread.join()
        return not self._cancelled

    def _forget(self) -> None:
        with _lock:
            if self in _waiting:
                _waiting.remove(self)
