"""Stage 9, the command line: a thin layer that parses arguments, calls the library and maps
errors to exit codes. It may import every stage below it and `guarantor.api`.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Console-script entry point (imports the app only when run, so importing the package is cheap).

    A `solve` that will write a report starts its report workers' fork server before anything
    else (`prestart`), so their imports begin ~0.15 s sooner, while the command parses its
    arguments.
    """
    from guarantor.cli.prestart import prestart

    prestart(sys.argv[1:])
    from guarantor.cli.app import main as run

    run()
