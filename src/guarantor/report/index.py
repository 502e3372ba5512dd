"""The runs in an output folder: each run's `run.json` record, folder ownership, and `index.html`.

Every report folder carries `run.json` (what ran, the question, key figures, overrides,
date), so `<out>/index.html` can list every run, and a later run can tell whether a folder
it is about to replace belongs to the same scenario: two scenarios whose names map to one
folder are refused instead of silently overwriting each other.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from guarantor.atomic import write_text
from guarantor.errors import GuarantorError

RUN_FILE = "run.json"
INDEX_FILE = "index.html"


class FolderTaken(GuarantorError):
    """The report folder holds another scenario's run (exit code 2, like any input problem)."""


def claim_folder(parent: Path, name: str, identity: Mapping[str, Any]) -> None:
    """Refuse to replace `parent/name` when it holds a run of a different scenario or kind."""
    record = read_record(parent / name)
    if record is None:
        return
    theirs = record.get("identity", {})
    if theirs and dict(theirs) != dict(identity):
        raise FolderTaken(
            f"{parent / name} holds the {theirs.get('kind', 'run')} report of scenario "
            f"{theirs.get('scenario')!r}, not of {identity.get('scenario')!r}: their names map to the "
            "same folder; rename one of the scenarios or write to another folder with --out"
        )


def read_record(folder: Path) -> dict[str, Any] | None:
    """A folder's run.json, or what its older files say (analyses, evaluations); None if neither."""
    for name, kind in ((RUN_FILE, ""), ("analysis.json", "analysis"), ("evaluation.json", "evaluate")):
        path = folder / name
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        if kind:
            return _legacy_record(folder, data, kind)
        return data
    return None


def _legacy_record(folder: Path, data: dict[str, Any], kind: str) -> dict[str, Any]:
    """An index entry for folders written without run.json (analyses, evaluations)."""
    created = ""
    manifest = folder / "manifest.json"
    try:
        if manifest.is_file():
            created = json.loads(manifest.read_text(encoding="utf-8")).get("created_at", "")
        else:
            created = data.get("manifest", {}).get("created_at", "")
    except (OSError, ValueError, AttributeError):
        created = ""
    kind = data.get("kind", kind)
    figures: dict[str, str] = {}
    if kind == "evaluate":
        figures["feasible"] = "yes" if data.get("feasible") else "no"
    return {
        "identity": {"kind": kind, "scenario": data.get("scenario", "")},
        "question": data.get("question", ""),
        "status": "",
        "overrides": [],
        "created_at": created,
        "figures": figures,
    }


def run_record(
    identity: Mapping[str, Any],
    question: str,
    status: str,
    overrides: Sequence[str],
    created_at: str,
    figures: Mapping[str, str],
    scenario_file: str = "",
) -> dict[str, Any]:
    """The content of run.json."""
    return {
        "identity": dict(identity),
        "question": question,
        "status": status,
        "overrides": list(overrides),
        "created_at": created_at,
        "figures": dict(figures),
        "scenario_file": scenario_file,
    }


INDEX_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 75rem; padding: 0 1rem;
       color: #111; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; table-layout: auto; }
th, td { border-bottom: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { border-bottom: 2px solid #444; }
code { font-size: .85em; }
@media print { body { margin: 0; max-width: none; font-size: 9pt; } tr { break-inside: avoid; } }
""".strip()


def write_index(parent: Path) -> Path:
    """(Re)write `parent/index.html`: every run folder with its question, figures, overrides and date."""
    rows = []
    for folder in sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")):
        record = read_record(folder)
        if record is None:
            continue
        main = next((f for f in ("report.html", "evaluation.md") if (folder / f).is_file()), "")
        rows.append((record.get("created_at", ""), folder.name, record, f"{folder.name}/{main}"))
    rows.sort(key=lambda row: (row[0], row[1]), reverse=True)
    body = "\n".join(_row(name, record, target) for _, name, record, target in rows)
    text = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Guarantor runs</title>\n<style>\n{INDEX_CSS}\n</style>\n</head>\n<body>\n"
        f"<h1>Guarantor runs in {html.escape(parent.name or str(parent))}</h1>\n"
        f"<p>{len(rows)} run(s), newest first. Each folder holds the full report.</p>\n"
        "<table>\n<thead><tr><th>run</th><th>kind</th><th>question</th><th>key figures</th>"
        "<th>overrides (--set)</th><th>date (UTC)</th></tr></thead>\n<tbody>\n"
        f"{body}\n</tbody>\n</table>\n</body>\n</html>\n"
    )
    path = parent / INDEX_FILE
    write_text(path, text)
    return path


def _row(name: str, record: Mapping[str, Any], target: str) -> str:
    identity = record.get("identity", {})
    figures = "<br>".join(
        f"{html.escape(str(k))}: {html.escape(str(v))}" for k, v in record.get("figures", {}).items()
    )
    if record.get("status"):
        figures = f"status: {html.escape(str(record['status']))}" + ("<br>" + figures if figures else "")
    overrides = "<br>".join(f"<code>{html.escape(str(o))}</code>" for o in record.get("overrides", [])) or "–"
    cells = [
        f'<a href="{html.escape(target, quote=True)}">{html.escape(name)}</a>',
        html.escape(str(identity.get("kind", ""))),
        html.escape(str(record.get("question", ""))),
        figures or "–",
        overrides,
        html.escape(str(record.get("created_at", "")).replace("T", " ").removesuffix("+00:00")),
    ]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
