"""Stage 9, the command line: a thin layer that parses arguments, calls the library and maps
errors to exit codes. It may import every stage below it and `guarantor.api`.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Console-script entry point (imports the app only when run, so importing the package is cheap).

    A `solve` that will write a report starts its report workers' fork server before anything
    else (`prestart`), so their imports begin ~0.15 s sooner, while the command parses its
    arguments. The cyclic garbage collector stays off while the command's own modules are
    imported (`gcpause` says why), and the command ends without the interpreter's teardown
    (`finish`).
    """
    import gc

    gc.disable()  # nothing imported is garbage: no collector passes over it while it piles up
    from guarantor.cli.prestart import prestart

    prestart(sys.argv[1:])
    from guarantor.cli.app import main as run

    gc.enable()
    gc.freeze()  # and none later over what is imported so far
    try:
        run()
    except SystemExit as stop:
        finish(stop.code)
    finish(0)


def finish(code: object) -> None:
    """End the process once everything is done: other threads joined, exit handlers run (they stop
    the report workers' server and reap every child), output flushed, then `os._exit`.

    Why: tearing the interpreter down (clearing every module of PuLP, HiGHS, pydantic, NumPy...)
    took ~0.25 s after the last file was written, a quarter of what a solve costs beyond its
    imports; nothing of it is needed, since every file is written and closed by then.
    """
    import atexit
    import os
    import threading
    from contextlib import suppress

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # `sys.exit("message")`: Python prints the message and exits with 1
        print(code, file=sys.stderr)
        status = 1
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
