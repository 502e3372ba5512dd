"""The web app's controls, generated from the scenario schema and the scenario's own data.

Each control edits one `--set` key path. Which policy rules, objective options and contributor
fields get a control, their labels, help texts, choices and bounds come from the pydantic schema
(`Policy`, `Objective`, `ContributorRule`, `Stance`) and the model (capabilities, tiers,
contributors), so a new rule in the schema gets a control without touching this module. The
app never trusts a control's bounds: every value is validated as YAML is.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from guarantor.scenario.loading import LoadedScenario
from guarantor.scenario.schema import Contributor, ContributorRule, Objective, Policy, Stance


@dataclass
class Control:
    """One input: the key path it sets, how to show it, and its current text."""

    path: str
    label: str
    kind: str  # number, text, select, checkbox, tiers
    group: str
    help: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    minimum: float | None = None
    maximum: float | None = None
    slider: bool = False
    row: str = ""  # contributor controls share a table row

    @property
    def dom_id(self) -> str:
        return "c-" + self.path.replace(".", "-")


def text_of(value: Any) -> str:
    """A value as the text a control shows (and `--set` reads back to the same value)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | str):
        return str(value)
    import yaml

    return str(yaml.safe_dump(value, default_flow_style=True, sort_keys=False).strip())


WORDS = {"us": "US", "usd": "USD", "m": "million", "europe": "Europe"}


def humane(name: str) -> str:
    """`europe_min_troop_share` -> `Europe min troop share`; `total_budget_usd_m` -> `... USD million`."""
    words = [WORDS.get(w, w) for w in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _unwrap(annotation: Any) -> Any:
    """`X | None` -> X (the control offers a blank for None)."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    low = high = None
    for item in info.metadata:
        low = getattr(item, "ge", None) if getattr(item, "ge", None) is not None else low
        low = getattr(item, "gt", None) if getattr(item, "gt", None) is not None else low
        high = getattr(item, "le", None) if getattr(item, "le", None) is not None else high
    return low, high


def _leaf(model: type[BaseModel]) -> tuple[str, FieldInfo] | None:
    """The field a rule is tuned by: its `value`, else its first required number."""
    fields = model.model_fields
    if "value" in fields:
        return "value", fields["value"]
    for name, info in fields.items():
        if info.is_required() and _unwrap(info.annotation) in (float, int):
            return name, info
    return None


def field_control(path: str, name: str, info: FieldInfo, group: str) -> Control | None:
    """A control for one schema field, or None when it is not a single value (lists, mappings)."""
    annotation = _unwrap(info.annotation)
    label = info.title or humane(name)
    help_text = info.description or ""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        leaf = _leaf(annotation)
        if leaf is None:
            return None
        inner = field_control(f"{path}.{leaf[0]}", leaf[0], leaf[1], group)
        if inner is not None:
            inner.label = label if leaf[0] == "value" else f"{label}: {inner.label}"
            inner.help = help_text or annotation.__doc__ or inner.help
        return inner
    if typing.get_origin(annotation) is Literal:
        choices = [(str(v), str(v).replace("_", " ")) for v in typing.get_args(annotation)]
        return Control(path, label, "select", group, help_text, choices)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        choices = [(str(m.value), str(m.value).replace("_", " ")) for m in annotation]
        return Control(path, label, "select", group, help_text, choices)
    if annotation is bool:
        return Control(path, label, "checkbox", group, help_text)
    if annotation in (float, int):
        low, high = _bounds(info)
        return Control(path, label, "number", group, help_text, minimum=low, maximum=high)
    return None


def _schema_group(model: type[BaseModel], prefix: str, group: str, skip: set[str]) -> list[Control]:
    found = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        control = field_control(f"{prefix}.{name}", name, info, group)
        if control is not None:
            found.append(control)
    return found


CONTRIBUTOR_FIELDS = {"stance": "Stance", "troop_cap": "Troop cap", "troop_min": "Offer (at least)"}
"""Scenario rules per contributor that get a column (labels as analysts say them)."""


def controls_for(loaded: LoadedScenario) -> list[Control]:
    """Every control for this scenario, in display order."""
    scenario = loaded.scenario
    model = scenario.model
    labels = {c.id: (c.label, c.unit) for c in model.capabilities}
    found: list[Control] = []
    for capability in scenario.requirements:
        label, unit = labels.get(capability, (capability, ""))
        found.append(
            Control(
                f"requirements.{capability}",
                f"{label} ({unit})" if unit else label,
                "number",
                "Requirements",
                f"Required {unit or 'amount'} in theatre (a number, or a mapping by period id).",
                minimum=0.0,
                slider=True,
            )
        )
    found.append(
        Control(
            "us_air_support.allowed",
            "Allowed US air-support tiers",
            "tiers",
            "US air support",
            "Tiers the optimiser may choose (an empty choice forbids every tier).",
            [(t.id, t.label) for t in model.us_air_support_tiers],
        )
    )
    found += _schema_group(Policy, "policy", "Policy", skip=set())
    found += _schema_group(Objective, "objective", "Objective", skip=set())
    rule_fields = ContributorRule.model_fields
    for c in model.contributors:
        for name, column in CONTRIBUTOR_FIELDS.items():
            info = rule_fields[name]
            annotation = Stance if name == "stance" else float
            probe = FieldInfo(annotation=annotation, description=info.description, metadata=info.metadata)
            control = field_control(f"contributors.{c.id}.{name}", column, probe, "Contributors")
            if control is not None:
                control.row = c.name
                found.append(control)
        found.append(
            Control(
                f"model.contributors.{c.id}.cost_per_soldier_year_usd.value",
                "Cost per soldier-year (USD)",
                "number",
                "Contributors",
                Contributor.model_fields["cost_per_soldier_year_usd"].description or "",
                minimum=0.0,
                row=c.name,
            )
        )
    return found


def lookup(obj: Any, path: str) -> Any:
    """The value at a key path in validated scenario objects (defaults included), or None."""
    for part in path.split("."):
        if isinstance(obj, BaseModel):
            obj = getattr(obj, part, None)
        elif isinstance(obj, dict):
            obj = obj.get(part)
        elif isinstance(obj, list):
            obj = next((item for item in obj if getattr(item, "id", None) == part), None)
        else:
            return None
        if obj is None:
            return None
    return obj.value if isinstance(obj, Enum) else obj


def current_text(loaded: LoadedScenario, control: Control) -> str:
    """What the control shows for the scenario as it now stands (stance and tiers fall back to the model)."""
    scenario = loaded.scenario
    value = lookup(scenario, control.path)
    if value is None and control.path.startswith("contributors.") and control.path.endswith(".stance"):
        value = lookup(scenario.model, control.path.replace(".stance", ".stance.value"))
    if control.kind == "tiers" and value is None:
        value = [t.id for t in scenario.model.us_air_support_tiers]
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_none=True)
    return text_of(value)
