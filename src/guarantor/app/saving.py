"""Save a session as a scenario file that `extends:` the original, and export its plan and report.

The saved file holds only the changed keys, nested as a scenario layer (items of named lists by
`id`, model values under `model_overrides`), so the merge rules of `extends:` rebuild exactly the
scenario the app solved; it is checked by loading it back before the app says it is saved.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from guarantor.app.paths import new_scenario_file, refuse
from guarantor.app.session import Session, parse_value
from guarantor.atomic import safe_name, write_text
from guarantor.errors import InputError
from guarantor.scenario.loading import LoadedScenario, load_scenario
from guarantor.scenario.quoted import updated_texts
from guarantor.scenario.yamlio import relative_name


def layer(session: Session) -> dict[str, Any]:
    """The changes as a scenario layer: nested mappings, named items by id, model under `model_overrides`."""
    data = session.loaded.resolved.data
    out: dict[str, Any] = {}
    values = {path: parse_value(text) for path, text in session.changes.items()}
    values.update(updated_texts(session.loaded.resolved.root))  # "(at least 80%)" once changed
    for path, value in values.items():
        parts = path.split(".")
        if parts[0] == "model":
            _put(out.setdefault("model_overrides", {}), data["model"], parts[1:], value)
        else:
            _put(out, data, parts, value)
    return out


def _put(target: Any, data: Any, parts: list[str], value: Any) -> None:
    """Set `value` at `parts` in `target`, shaped like `data` (a list there becomes items with ids)."""
    head, rest = parts[0], parts[1:]
    if isinstance(target, list):
        item = next((i for i in target if i.get("id") == head), None)
        if item is None:
            item = {"id": head}
            target.append(item)
        items = data if isinstance(data, list) else []
        found = next((i for i in items if isinstance(i, dict) and i.get("id") == head), {})
        if rest:  # a whole item is never replaced: controls set one of its keys
            _put(item, found, rest, value)
        return
    if not rest:
        target[head] = value
        return
    below = data.get(head) if isinstance(data, dict) else None
    if head not in target:
        target[head] = [] if isinstance(below, list) else {}
    _put(target[head], below, rest, value)


def scenario_text(session: Session, target: Path, name: str) -> str:
    """The YAML of scenario `name` at `target`: `extends:` the original (relative path) plus the changes."""
    original = session.path.resolve()
    document = {
        "name": name,
        "extends": os.path.relpath(original, target.parent),
        "description": f"Saved from guarantor serve: {session.saved_scenario.scenario.name} with "
        + ", ".join(session.overrides()),
        **layer(session),
    }
    header = f"# Saved by guarantor serve from {original.name}; only the changed keys are here.\n"
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def write_checked(session: Session, target: Path, name: str) -> LoadedScenario:
    """Write the scenario file and load it back: it must rebuild exactly the scenario the app solved."""
    write_text(target, scenario_text(session, target, name))
    try:
        saved = load_scenario(target)
    except InputError:
        target.unlink(missing_ok=True)
        raise
    fields = {"name", "description", "extends"}
    if saved.scenario.model_dump(exclude=fields) != session.loaded.scenario.model_dump(exclude=fields):
        target.unlink(missing_ok=True)
        raise RuntimeError(f"the saved file would not rebuild the app's scenario: {target.name}")
    return saved


def save_as(session: Session, folder: Path, name: str) -> Path:
    """Write `folder/<name>.yaml` extending the session's scenario with its changes; check it loads back."""
    if not session.changes:
        raise refuse("name", "nothing has changed: the scenario as saved already exists")
    target = new_scenario_file(folder, name)
    write_checked(session, target, name)
    return target


def export_name(session: Session) -> str:
    """The report folder of an export: the scenario's name and a short hash of the changes."""
    digest = hashlib.sha256("\n".join(session.overrides()).encode()).hexdigest()[:8]
    name = session.loaded.scenario.name
    return safe_name(f"{name}-live-{digest}" if session.changes else name)


def export(session: Session, reports: Path) -> Path:
    """Write the report folder of the current answer, with `plan.yaml` for `guarantor evaluate`.

    With changes, the folder also holds `scenario.yaml` (extending the original, as "save as"
    writes it), and the plan names it, so `guarantor evaluate` checks the plan against the
    scenario that produced it.
    """
    from guarantor.plans.plan import write_plan
    from guarantor.report.reporting import write_solve_report

    name = export_name(session)
    result = replace(session.result, scenario=name)
    folder = write_solve_report(result, session.loaded, reports)
    loaded = session.loaded
    if session.changes:
        loaded = replace(
            write_checked(session, folder / "scenario.yaml", name),
            path=relative_name(folder / "scenario.yaml"),
        )
    if result.decisions is not None:
        write_plan(folder / "plan.yaml", result, loaded)
    return folder
