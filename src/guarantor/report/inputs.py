"""The inputs behind a report: every figure's source or assumption, and differences between scenarios.

A report must let a reader check any number against its origin, so these tables list
each sourced figure of the base model (with its citation), each number the scenario
sets, and the file and line that set it in the merged scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from guarantor.scenario.loading import LoadedScenario
from guarantor.scenario.paths import numeric_paths

if TYPE_CHECKING:
    import pandas as pd

NOT_INPUTS = ("name", "question", "description", "extends", "$schema", "model.name", "model.description")
"""Keys that name or describe a scenario rather than set a figure (left out of input diffs)."""


def _key(part: str) -> str | int:
    return int(part) if part.isdigit() else part


def _origin(loaded: LoadedScenario, path: str) -> str:
    return str(loaded.origin_of(*(_key(p) for p in path.split("."))))


def _figures(data: Any, prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, mapping) for every `{value, source | assumption}` mapping, in document order."""
    if isinstance(data, dict):
        if "value" in data and ("source" in data or "assumption" in data):
            yield prefix.rstrip("."), data
            return
        for key, value in data.items():
            yield from _figures(value, f"{prefix}{key}.")
    elif isinstance(data, list):
        named = bool(data) and all(isinstance(i, dict) and "id" in i for i in data)
        for i, item in enumerate(data):
            yield from _figures(item, f"{prefix}{item['id'] if named else i}.")


def figure_mappings(model: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, mapping) for every figure of plain model data (used by `report/sources.py`)."""
    return _figures(model)


_BUILT: dict[str, tuple[LoadedScenario, Any]] = {}


def per_scenario[T](name: str, loaded: LoadedScenario, build: Callable[[LoadedScenario], T]) -> T:
    """`build(loaded)`, kept for the latest scenario object of this process: what a report lists
    of its inputs alone, which a report worker builds while the command solves
    (`solvejobs.scenario_job`). Callers that change what they get must copy it first."""
    held = _BUILT.get(name)
    if held is None or held[0] is not loaded:
        _BUILT[name] = held = (loaded, build(loaded))
    value: T = held[1]
    return value


def sourced_figures(loaded: LoadedScenario) -> pd.DataFrame:
    """Every sourced or assumed figure of the merged base model, with its citation (a copy).

    Built once per scenario and process (`per_scenario`): the workbook and the report both list
    them (~0.8 s each at 1,600 contributors, an origin lookup per figure)."""
    return per_scenario("figures", loaded, _sourced_figures).copy()


def _sourced_figures(loaded: LoadedScenario) -> pd.DataFrame:
    import pandas as pd

    model = loaded.resolved.read_only()["model"]
    sources = model.get("sources", {})
    rows = []
    for path, figure in _figures(model):
        key = figure.get("source")
        entry = sources.get(key, {}) if key else {}
        rows.append(
            {
                "figure": path,
                "value": figure["value"],
                "basis": "source" if key else "assumption",
                "source": key or "",
                "citation": entry.get("citation", key or ""),
                "year": figure.get("year") or entry.get("year"),
                "url": entry.get("url", key if key and key.startswith("http") else ""),
                "assumption": figure.get("assumption", ""),
                "note": figure.get("note", ""),
                "set_in": _origin(loaded, f"model.{path}.value"),
            }
        )
    columns = [
        "figure",
        "value",
        "basis",
        "source",
        "citation",
        "year",
        "url",
        "assumption",
        "note",
        "set_in",
    ]
    return pd.DataFrame(rows, columns=columns).astype({"year": "Int64"})


def source_list(loaded: LoadedScenario, figures: pd.DataFrame | None = None) -> pd.DataFrame:
    """The model's bibliography (`sources:`), with how many figures cite each entry.

    `figures`: `sourced_figures(loaded)` when the caller has it (at 1,600 contributors it takes
    about a second to build)."""
    import pandas as pd

    sources = loaded.resolved.read_only()["model"].get("sources", {})
    cited = (sourced_figures(loaded) if figures is None else figures)["source"].value_counts()
    rows = [
        {
            "key": key,
            "citation": entry.get("citation", ""),
            "year": entry.get("year"),
            "url": entry.get("url") or "",
            "figures": int(cited.get(key, 0)),
        }
        for key, entry in sorted(sources.items())
    ]
    return pd.DataFrame(rows, columns=["key", "citation", "year", "url", "figures"])


def scenario_figures(loaded: LoadedScenario) -> pd.DataFrame:
    """Numbers the scenario itself sets (requirements, policy, caps, horizon) and where."""
    import pandas as pd

    data = {k: v for k, v in loaded.resolved.read_only().items() if k not in ("model", "solver")}
    rows = [
        {"input": path, "value": value, "set_in": _origin(loaded, path)}
        for path, value in numeric_paths(data).items()
    ]
    return pd.DataFrame(rows, columns=["input", "value", "set_in"])


def setting_paths(data: Any, prefix: str = "") -> dict[str, Any]:
    """Non-numeric settings (text, switches, lists of ids) with their dotted paths."""
    found: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            found.update(setting_paths(value, f"{prefix}{key}."))
    elif isinstance(data, list) and all(not isinstance(i, dict | list) for i in data):
        found[prefix.rstrip(".")] = ", ".join(str(i) for i in data) or "(none)"
    elif isinstance(data, list):
        named = all(isinstance(i, dict) and "id" in i for i in data)
        for i, item in enumerate(data):
            found.update(setting_paths(item, f"{prefix}{item['id'] if named else i}."))
    elif isinstance(data, str | bool):
        found[prefix.rstrip(".")] = data
    return found


def input_diff(scenarios: Mapping[str, LoadedScenario]) -> pd.DataFrame:
    """Every input (number or setting) whose merged value differs between scenarios.

    Index: key path; one column per scenario; an empty cell means the key is absent.
    """
    import pandas as pd

    leaves = {}
    for name, loaded in scenarios.items():
        data = loaded.resolved.read_only()
        values: dict[str, Any] = {**setting_paths(data), **numeric_paths(data)}
        leaves[name] = {
            k: v
            for k, v in values.items()
            if not k.startswith(NOT_INPUTS) and not k.endswith(("label", ".id"))
        }
    paths = sorted(set().union(*(v.keys() for v in leaves.values())))
    rows = {}
    for path in paths:
        row = [leaves[name].get(path) for name in scenarios]
        if any(v != row[0] for v in row[1:]):
            rows[path] = ["" if v is None else v for v in row]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(scenarios), dtype=object)
    table.index.name = "input"
    return table
