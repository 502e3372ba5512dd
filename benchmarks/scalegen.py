"""Scaled copies of the shipped model and a horizon scenario: N contributors × K capabilities × T periods.

Contributors are copies of the shipped ones (ids `<id>_<k>`, names `<Name> <k+1>`), cycled in
model order, the United States kept once; capabilities beyond the shipped seven are copies of
the non-ground ones (`<id>_x<j>`) offered by the same contributors at the same cost, and required as
much as the original. The baseline's requirements are kept (scenario rules of the shipped model
restrict some contributors by id, so scaling the requirements with N made large sizes infeasible). With
T > 1 the scenario has T one-year periods with the baseline requirements in every period.

Used by `benchmarks/scale.py` (and its smoke test); writes plain YAML files to a folder.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "coalition-2025.yaml"
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SHIPPED_CONTRIBUTORS = 25


def scaled_model(contributors: int, capabilities: int) -> dict[str, Any]:
    """The shipped model with `contributors` contributors and `capabilities` capabilities."""
    model = yaml.safe_load(MODEL.read_text(encoding="utf-8"))
    shipped = model["contributors"]
    us = [c for c in shipped if c["bloc"] == "united_states"]
    others = [c for c in shipped if c["bloc"] != "united_states"]
    made = copy.deepcopy(us)
    for i in range(contributors - len(us)):
        c = copy.deepcopy(others[i % len(others)])
        round_ = i // len(others)
        if round_:
            c["id"], c["name"] = f"{c['id']}_{round_}", f"{c['name']} {round_ + 1}"
        made.append(c)
    model["contributors"] = made
    ground = model["ground_capability"]
    base = [k for k in model["capabilities"] if k["id"] != ground]
    for j in range(capabilities - len(model["capabilities"])):
        source = base[j % len(base)]
        clone = {
            **copy.deepcopy(source),
            "id": f"{source['id']}_x{j}",
            "label": f"{source['label']} ({j + 2})",
        }
        model["capabilities"].append(clone)
        for c in model["contributors"]:
            if source["id"] in c["capabilities"]:
                c["capabilities"][clone["id"]] = copy.deepcopy(c["capabilities"][source["id"]])
    model["name"] = f"scaled-{contributors}x{capabilities}"
    return model


def scaled_scenario(contributors: int, capabilities: int, periods: int, model_file: str) -> dict[str, Any]:
    """The baseline's question and policies, requirements scaled to the contributors, T periods."""
    scenario = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    factor = 1.0  # the baseline's requirements: copies add columns and capacity, so every size solves
    shipped = dict(scenario["requirements"])
    model = scaled_model(SHIPPED_CONTRIBUTORS, capabilities)
    requirements: dict[str, Any] = {}
    for k in model["capabilities"]:
        root = k["id"].split("_x")[0]
        need = shipped.get(root, 0) * factor
        need = round(need) if k.get("whole_units", False) or k["id"] == model["ground_capability"] else need
        requirements[k["id"]] = need if periods == 1 else {f"y{t + 1}": need for t in range(periods)}
    scenario.update(
        name=f"scaled-{contributors}x{capabilities}x{periods}",
        model=model_file,
        requirements=requirements,
        description=f"Baseline scaled to {contributors} contributors, {capabilities} capabilities, "
        f"{periods} period(s) (benchmarks/scalegen.py).",
    )
    scenario["solver"] = {"name": "highs", "time_limit": 600}
    if periods > 1:
        scenario["horizon"] = {"periods": [{"id": f"y{t + 1}", "years": 1} for t in range(periods)]}
    return scenario


def write_scaled(folder: Path, contributors: int, capabilities: int, periods: int) -> Path:
    """Write model and scenario YAML into `folder`; return the scenario's path."""
    folder.mkdir(parents=True, exist_ok=True)
    model_path = folder / f"model-{contributors}x{capabilities}.yaml"
    if not model_path.exists():
        text = yaml.safe_dump(scaled_model(contributors, capabilities), sort_keys=False, allow_unicode=True)
        model_path.write_text(text, encoding="utf-8")
    scenario = scaled_scenario(contributors, capabilities, periods, model_path.name)
    path = folder / f"scenario-{contributors}x{capabilities}x{periods}.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
