"""`guarantor serve`: the local web app for exploring a scenario live.

Registered on the main app by `cli._register_optional`. No `from __future__ import annotations`:
typer must evaluate the option annotations.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer


def serve_project(target: Path, out: Path, host: str, port: int) -> int:
    """Check the folders, build the app, print where it is and run it until Ctrl-C."""
    from guarantor.app import require
    from guarantor.errors import InputError, Origin, Problem

    require("serve", "starlette", "uvicorn", "jinja2")
    from guarantor.app.server import LOOPBACK, create_app, serve

    if target.is_dir():
        folder, first = target, None
    elif target.is_file() and target.suffix in (".yaml", ".yml"):
        folder, first = target.parent, target.name
    else:
        message = "expected a scenario file or a folder of scenarios"
        raise InputError([Problem(Origin(str(target)), "", message)])
    hosts = None
    if host not in LOOPBACK:
        typer.echo(
            f"warning: serving on {host}: anyone who can reach this address can use the app and write "
            f"scenarios into {folder}/ and reports into {out}/ (the default 127.0.0.1 is this machine only)",
            err=True,
        )
        hosts = ["*"]
    app = create_app(folder, out, first, hosts)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"Guarantor is serving {folder}/ at http://{shown}:{port}/ (Ctrl-C to stop)")
    serve(app, host, port)  # uvicorn handles Ctrl-C and shuts down cleanly
    return 0


def register(app: typer.Typer, guarded: Callable[[Callable[[], int]], None]) -> None:
    """Add `serve` to the main app (called by `guarantor.cli.app`)."""
    from guarantor.cli.common import output_folder

    @app.command()
    def serve(
        target: Annotated[
            Path, typer.Argument(help="A scenario file to open, or a folder of scenarios.")
        ] = Path("scenarios"),
        out: Annotated[
            Path, typer.Option("--out", help="Folder for exported reports.", callback=output_folder)
        ] = Path("reports"),
        port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8765,
        host: Annotated[
            str,
            typer.Option("--host", help="Address to listen on; anything but 127.0.0.1 prints a warning."),
        ] = "127.0.0.1",
    ) -> None:
        """Open a local web app that re-solves as you change assumptions (http://127.0.0.1:8765/)."""
        guarded(lambda: serve_project(target, out, host, port))
