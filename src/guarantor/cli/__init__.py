"""Stage 9, the command line: a thin layer that parses arguments, calls the library and maps
errors to exit codes. It may import every stage below it and `guarantor.api`.
"""

from __future__ import annotations


def main() -> None:
    """Console-script entry point (imports the app only when run, so importing the package is cheap)."""
    from guarantor.cli.app import main as run

    run()
