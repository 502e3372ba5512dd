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
    imported (`gcpause` says why).
    """
    import gc

    gc.disable()  # nothing imported is garbage: no collector passes over it while it piles up
    from guarantor.cli.prestart import prestart

    prestart(sys.argv[1:])
    from guarantor.cli.app import main as run

    gc.enable()
    gc.freeze()  # and none later over what is imported so far
    run()
