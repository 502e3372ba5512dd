"""JSON Schemas for editors: model files and scenario files (partial layers allowed)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from guarantor.atomic import write_text
from guarantor.schema import Model, Scenario


def model_schema() -> dict[str, Any]:
    schema = Model.model_json_schema(by_alias=True)
    schema["title"] = "Guarantor base model"
    return schema


def _drop_required(node: Any) -> None:
    """A scenario file may inherit anything through `extends:`, so nothing is required at the top."""
    if isinstance(node, dict):
        node.pop("required", None)
        for value in node.values():
            _drop_required(value)
    elif isinstance(node, list):
        for value in node:
            _drop_required(value)


def scenario_file_schema() -> dict[str, Any]:
    """Schema of a scenario *file*: `model` is a path, `model_overrides` a partial model."""
    schema = copy.deepcopy(Scenario.model_json_schema(by_alias=True))
    schema["title"] = "Guarantor scenario"
    props = schema["properties"]
    props["model"] = {"type": "string", "description": "Path of the base model file, relative to this file."}
    props["extends"] = {"type": "string", "description": "Path of a scenario this one builds on."}
    props["model_overrides"] = {
        "type": "object",
        "description": "Partial model data deep-merged into the model.",
    }
    schema.pop("required", None)
    defs = schema.get("$defs", {})
    for name in ("Policy", "Objective", "UsAirSupport", "SolverOptions", "Horizon"):
        if name in defs:
            _drop_required(defs[name])
    return schema


def write_schemas(folder: Path) -> list[Path]:
    paths = [folder / "model.schema.json", folder / "scenario.schema.json"]
    for path, schema in zip(paths, (model_schema(), scenario_file_schema()), strict=True):
        write_text(path, json.dumps(schema, indent=2, sort_keys=True) + "\n")
    return paths
