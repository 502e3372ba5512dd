"""JSON Schemas for editors: model files and scenario files (partial layers allowed).

The shipped YAML files start with ``# yaml-language-server: $schema=../schema/…``, so
editors with a YAML language server autocomplete keys, show the field descriptions and
flag unknown keys as you type. `guarantor schema --out schema/` regenerates the files;
a test fails when the copies in `schema/` drift from the code.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from guarantor.atomic import write_text
from guarantor.scenario.schema import Model, Scenario

MODEL_FILE = "model.schema.json"
SCENARIO_FILE = "scenario.schema.json"


def model_schema() -> dict[str, Any]:
    """Schema of a base-model file: complete, every required key required."""
    schema = Model.model_json_schema(by_alias=True)
    schema["title"] = "Guarantor base model"
    return schema


def _relax_required(node: Any) -> None:
    """A scenario file is a *layer*: it may inherit any key through `extends:` and set only a
    `label`, so nothing is required except the `id` that names a list item to merge into."""
    if isinstance(node, dict):
        required = node.pop("required", None)
        if isinstance(required, list) and "id" in required:
            node["required"] = ["id"]
        for value in node.values():
            _relax_required(value)
    elif isinstance(node, list):
        for value in node:
            _relax_required(value)


def scenario_file_schema() -> dict[str, Any]:
    """Schema of a scenario *file*: `model` is a path, `model_overrides` a partial model."""
    schema = copy.deepcopy(Scenario.model_json_schema(by_alias=True))
    schema["title"] = "Guarantor scenario"
    props = schema["properties"]
    props["model"] = {
        "type": "string",
        "description": "Path of the base model file, relative to this file "
        "(e.g. ../models/coalition-2025.yaml).",
    }
    props["extends"] = {
        "type": "string",
        "description": "Path of a scenario this one builds on; its keys are deep-merged under this file's.",
    }
    props["model_overrides"] = {
        "$ref": "#/$defs/Model",
        "description": "Partial model data deep-merged into the base model "
        "(lists of items with an `id` merge by id; `null` removes a key).",
    }
    _relax_required(schema)
    return schema


def schema_texts() -> dict[str, str]:
    """File name -> JSON text, exactly as `write_schemas` writes it (the up-to-date test compares)."""
    return {
        MODEL_FILE: json.dumps(model_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        SCENARIO_FILE: json.dumps(scenario_file_schema(), indent=2, sort_keys=True, ensure_ascii=False)
        + "\n",
    }


def write_schemas(folder: Path) -> list[Path]:
    """Write model.schema.json and scenario.schema.json into `folder` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in schema_texts().items():
        write_text(folder / name, text)
        paths.append(folder / name)
    return paths
