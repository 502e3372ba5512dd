"""Swallow the banner HiGHS prints on stdout when a process creates its first model.

Without this the banner would corrupt `--json` output. Kept free of PuLP so worker
processes that only need highspy do not pay for `import pulp`.
"""

from __future__ import annotations

import contextlib
import os

_SILENCED = False


def silence_highs_banner() -> None:
    global _SILENCED
    if _SILENCED:
        return
    import highspy

    with contextlib.suppress(OSError):
        saved = os.dup(1)
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            try:
                highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
    _SILENCED = True
