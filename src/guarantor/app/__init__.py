"""Stage 9 beside `cli`, live exploration: `watch` (re-solve on every save) and the local web app
(`serve`). It may import `guarantor.api` and every stage below it; `cli` imports it, never the
other way round. The web framework (Starlette, uvicorn, Jinja2) and the file watcher come with
the `app` extra and are imported only by the modules that need them.
"""

from __future__ import annotations

EXTRA_HINT = "install the live-exploration extra: pip install 'guarantor[app]' (or dev/install.sh dev)"
"""What to do when the web framework or the file watcher is missing."""


def require(what: str, *modules: str) -> None:
    """Stop with a clear input error (exit 2), not a traceback, when the `app` extra is missing."""
    import importlib.util

    from guarantor.errors import InputError, Origin, Problem

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        message = f"{what} needs {', '.join(missing)}: {EXTRA_HINT}"
        raise InputError([Problem(Origin(f"guarantor {what}"), "", message)])
