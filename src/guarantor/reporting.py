"""Write a solve's report folder: results.json now; tables, charts and documents added by `report_files`."""

from __future__ import annotations

from pathlib import Path

from guarantor.atomic import report_folder, write_json
from guarantor.loading import LoadedScenario
from guarantor.payload import result_payload
from guarantor.results import Result


def write_solve_report(result: Result, loaded: LoadedScenario, parent: Path) -> Path:
    """Write `parent/<scenario>/` atomically and return its path."""
    payload = result_payload(result, loaded)
    with report_folder(parent, result.scenario) as folder:
        write_json(folder / "results.json", payload)
    return parent / folder.name.split(".staging-")[0].lstrip(".")
