"""Generate the YAML key reference (docs/yaml-reference.md) from the pydantic schemas.

The reference is derived, never written by hand, so it cannot drift from what the
loader accepts: `tests/test_validation.py` fails when the committed file differs from
this module's output. Regenerate with::

    python -m guarantor.scenario.keyref > docs/yaml-reference.md
"""

from __future__ import annotations

import enum
import sys
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Union

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from guarantor.scenario.schema import Model, NonNegativeSourced, Scenario, Sourced, SourcedStance

REGENERATE = "python -m guarantor.scenario.keyref > docs/yaml-reference.md"

FIGURES: tuple[type[BaseModel], ...] = (Sourced, NonNegativeSourced, SourcedStance)
"""Classes documented once, in their own section, instead of under every key that uses them."""

PLACEHOLDERS = {
    "sources": "<source>",
    "capabilities": "<capability>",
    "provides": "<capability>",
    "requirements": "<capability>",
    "by_contributor": "<contributor>",
    "allowed_by_period": "<period>",
}
"""What the keys of each free-form mapping name (shown as `<capability>` etc. in paths)."""

DICT_VALUES = {
    "requirements": "Amount of this capability needed, in its unit (>= 0).",
    "provides": "Units of this capability provided.",
    "by_contributor": "Limit for this contributor.",
    "allowed_by_period": "Tier ids allowed in this period.",
}
"""Descriptions of the values of free-form mappings."""


FALLBACK = {
    "BudgetCap.of": "What the cap is a fraction of: GDP or the defence budget.",
    "BudgetCap.applies_to": "Cap the scenario's Europe group only (policy.europe_group), or everyone.",
    "Contributor.name": "Name used in reports.",
    "Contributor.bloc": "Geography: europe, united_states or other (one united_states); who counts as "
    "Europe in share rules is set by `groups:` and policy.europe_group.",
    "Contributor.gdp_usd_bn": "Gross domestic product, USD billion.",
    "Contributor.defence_budget_usd_bn": "Annual defence budget, USD billion.",
    "Contributor.active_personnel": "Active-duty military personnel.",
    "Contributor.stance": "Political stance on sending ground troops.",
    "Distribution.dist": "Shape of the distribution.",
    "Distribution.low": "Lower bound (uniform, triangular).",
    "Distribution.high": "Upper bound (uniform, triangular).",
    "Distribution.mode": "Most likely value (triangular).",
    "Distribution.mean": "Mean (normal, lognormal).",
    "Distribution.sd": "Standard deviation (normal, lognormal).",
    "EscalationCeiling.value": "Highest total escalation-risk score allowed.",
    "Horizon.periods": "Periods of the plan, in order.",
    "LexicographicLevel.metric": "Metric optimised at this level of priority.",
    "Model.name": "Name of the base model.",
    "Model.description": "What the model covers and where its figures come from.",
    "Model.sources": "Citations that figures refer to by key (`source: KEY`).",
    "Model.capabilities": "Catalogue of what the force needs (troops, air defence, …).",
    "Model.contributors": "Candidate contributing states.",
    "Model.us_command_and_control": "What US-led command and control provides and costs.",
    "Objective.type": "What to optimise; max_force needs a budget, weighted needs `weights`, "
    "lexicographic needs `priorities`.",
    "Objective.weights": "Terms of a weighted objective.",
    "Objective.priorities": "Levels of a lexicographic objective, most important first.",
    "PerContributorNumber.default": "Limit for every contributor without its own.",
    "PerContributorNumber.by_contributor": "Limit per contributor id.",
    "Policy.no_us_ground_troops": "Forbid US ground troops.",
    "Policy.europe_min_troop_share": "Minimum share of deployed troops that the Europe group provides "
    "(a number, or {value, group}).",
    "Policy.europe_min_cost_share": "Minimum share of the cost that the Europe group pays "
    "(a number, or {value, group}).",
    "Policy.budget_cap": "Cap each contributor's payment at a fraction of its GDP or defence budget.",
    "Policy.fair_share": "Keep each member's payment within a band around its GDP-proportional share.",
    "Policy.escalation_ceiling": "Cap on the total escalation-risk score.",
    "Policy.min_contingent": "Smallest ground contingent a contributor may send if it sends any.",
    "Policy.funding_rule": "own_costs: each pays for what it supplies; common_pool: costs are pooled "
    "and the optimiser chooses who pays.",
    "Scenario.name": "Short name; also the report folder name.",
    "Scenario.question": "The planning question this scenario answers.",
    "Scenario.description": "What the scenario assumes, for reports.",
    "Scenario.horizon": "Multi-period plan; absent means one steady-state year.",
    "Scenario.requirements": "Amount needed per capability id (a number, or per period).",
    "Scenario.command_and_control": "us_led: US command is used; european_led: it is not; "
    "open: the optimiser decides.",
    "Scenario.us_air_support": "Which US air-support tiers may be chosen.",
    "Scenario.policy": "Policy constraints, each with an optional report `label`.",
    "Scenario.contributors": "Scenario rules per contributor, merged by `id`.",
    "Scenario.objective": "What to optimise.",
    "Scenario.solver": "Solver and its limits.",
    "Scenario.uncertainty": "Distributions of uncertain inputs for Monte Carlo analysis.",
    "ShareRule.value": "The share, as a fraction (0.9 = 90%).",
    "SolverOptions.name": "Solver: HiGHS (default) or CBC.",
    "Toggle.value": "Whether the rule applies.",
    "Uncertainty.sampling": "Latin hypercube (lhs) or plain random sampling.",
    "Uncertainty.distributions": "One distribution per uncertain input.",
    "UsCommand.provides": "Capability id -> units US command provides.",
    "UsCommand.annual_cost_usd_m": "Annual cost, USD million.",
    "UsCommand.escalation_risk": "Escalation-risk score (0-10 scale).",
    "UsTier.label": "Name used in reports.",
    "UsTier.annual_cost_usd_m": "Annual cost of this tier, USD million.",
    "WeightedTerm.metric": "Metric in the weighted sum.",
    "WeightedTerm.weight": "Weight of the metric.",
}
"""Descriptions for fields whose schema has none (`label`s are described generically)."""


@dataclass(frozen=True)
class Row:
    """One key of the reference."""

    path: str
    kind: str
    default: str
    allowed: str
    description: str


def _members(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The type inside `Annotated[...]` and its metadata."""
    if typing.get_origin(annotation) is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        metadata: list[Any] = []
        for item in extra:
            metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        return inner, metadata
    return annotation, []


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _type_name(annotation: Any, metadata: list[Any] | None = None) -> str:
    """A YAML-user's name for a type: number, text, list of ids, …"""
    if any(getattr(m, "pattern", None) for m in metadata or []):
        return "id"
    members = [m for m in _members(annotation) if m is not type(None)]
    if _is_per_period(members):
        return "number, or mapping `<period>: number`"
    return " or ".join(dict.fromkeys(_one_type(m) for m in members))


def _is_per_period(members: list[Any]) -> bool:
    """`float | dict[str, float]`: one number for every period, or one per period id."""
    return len(members) == 2 and members[0] is float and typing.get_origin(members[1]) is dict


def _one_type(annotation: Any) -> str:
    annotation, metadata = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    if any(getattr(m, "pattern", None) for m in metadata):
        return "id"
    if annotation in FIGURES:
        return "stance figure" if annotation is SourcedStance else "figure"
    if _is_model(annotation):
        return "mapping"
    if origin is list:
        return f"list of {_plural(_one_type(typing.get_args(annotation)[0]))}"
    if origin is dict:
        value = typing.get_args(annotation)[1]
        return "mapping" if not _is_model(value) or value in FIGURES else "mapping of mappings"
    if origin is Literal or (isinstance(annotation, type) and issubclass(annotation, enum.Enum)):
        return "choice"
    return {float: "number", int: "whole number", bool: "true/false", str: "text"}.get(annotation, "value")


def _plural(name: str) -> str:
    if name.startswith("mapping"):
        return name.replace("mapping", "mappings", 1)
    return {"number": "numbers", "id": "ids", "text": "texts", "figure": "figures"}.get(name, name)


def _choices(annotation: Any) -> list[str]:
    found: list[str] = []
    for member in _members(annotation):
        member, _ = _unwrap(member)
        if typing.get_origin(member) is Literal:
            found.extend(str(a) for a in typing.get_args(member))
        elif isinstance(member, type) and issubclass(member, enum.Enum):
            found.extend(str(e.value) for e in member)
        elif typing.get_origin(member) is list:
            found.extend(_choices(typing.get_args(member)[0]))
    return found


def _allowed(info: FieldInfo) -> str:
    """Ranges, patterns and choices, as a reader would write them."""
    parts: list[str] = []
    if NonNegativeSourced in _members(info.annotation) or _dict_of(info.annotation, NonNegativeSourced):
        parts.append("figure >= 0")
    choices = _choices(info.annotation)
    if choices:
        parts.append(", ".join(f"`{c}`" for c in choices))
    metadata = list(info.metadata)
    for member in _members(info.annotation):
        metadata.extend(_unwrap(member)[1])
    for item in metadata:
        for cls, symbol, attr in (
            (annotated_types.Ge, ">=", "ge"),
            (annotated_types.Gt, ">", "gt"),
            (annotated_types.Le, "<=", "le"),
            (annotated_types.Lt, "<", "lt"),
        ):
            if isinstance(item, cls):
                parts.append(f"{symbol} {_number(getattr(item, attr))}")
        if isinstance(item, annotated_types.MinLen):
            parts.append(f"at least {item.min_length} item" + ("s" if item.min_length != 1 else ""))
        if getattr(item, "pattern", None):
            parts.append("lower-case letters, digits, `_`")
    return "; ".join(dict.fromkeys(parts))


def _dict_of(annotation: Any, cls: type[BaseModel]) -> bool:
    return any(typing.get_origin(m) is dict and typing.get_args(m)[1] is cls for m in _members(annotation))


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "see keys below"
        return "empty" if not value else f"`{value}`"
    if info.default is None or info.default is PydanticUndefined:
        return "–"
    if info.default == "":
        return '`""`'
    if isinstance(info.default, enum.Enum):
        return f"`{info.default.value}`"
    if isinstance(info.default, bool):
        return f"`{str(info.default).lower()}`"
    return f"`{_number(info.default)}`"


def _description(cls: type[BaseModel], name: str, info: FieldInfo, annotation: Any) -> str:
    text = info.description or FALLBACK.get(f"{cls.__name__}.{name}", "")
    if not text and name == "label":
        text = "Name used in reports."
    if not text:
        models = [m for m in _members(annotation) if _is_model(m)]
        if models and models[0].__doc__:
            text = models[0].__doc__.strip().splitlines()[0]
    return text.replace("|", "\\|").replace("\n", " ")


def _nested(key: str, annotation: Any) -> tuple[type[BaseModel] | None, str]:
    """The model documented below a key, and the path step that leads into it."""
    for member in _members(annotation):
        member, _ = _unwrap(member)
        origin = typing.get_origin(member)
        if _is_model(member):
            return (member, ".") if member not in FIGURES else (None, "")
        if origin is list and _is_model(typing.get_args(member)[0]):
            item = typing.get_args(member)[0]
            return (item, "[].") if item not in FIGURES else (None, "")
        if origin is dict and _is_model(typing.get_args(member)[1]):
            value = typing.get_args(member)[1]
            step = f".{PLACEHOLDERS.get(key, '<key>')}."
            return (value, step) if value not in FIGURES else (None, "")
    return None, ""


def rows(cls: type[BaseModel], prefix: str = "", skip: frozenset[str] = frozenset()) -> list[Row]:
    """Every key of `cls` and of the mappings nested in it, depth first, in declaration order."""
    found: list[Row] = []
    for name, info in cls.model_fields.items():
        key = info.alias or name
        if key in skip or key == "$schema":
            continue
        path = f"{prefix}{key}"
        annotation = info.annotation
        found.append(
            Row(
                path,
                _type_name(annotation, info.metadata),
                _default(info),
                _allowed(info),
                _description(cls, name, info, annotation),
            )
        )
        nested, step = _nested(key, annotation)
        if nested is not None:
            found.extend(rows(nested, f"{path}{step}"))
        else:
            found.extend(_dict_values(key, path, annotation))
    return found


def _dict_values(key: str, path: str, annotation: Any) -> list[Row]:
    """A row for the values of a free-form mapping (`requirements.<capability>`)."""
    members = [_unwrap(m)[0] for m in _members(annotation) if m is not type(None)]
    if len(members) != 1 or typing.get_origin(members[0]) is not dict:
        return []
    value = typing.get_args(members[0])[1]
    allowed = "figure >= 0" if value is NonNegativeSourced else ""
    name = PLACEHOLDERS.get(key, "<key>")
    about = DICT_VALUES.get(key, f"Value for one {name[1:-1]}.")
    return [Row(f"{path}.{name}", _type_name(value), "", allowed, about)]


def _table(found: list[Row]) -> list[str]:
    lines = ["| key | type | default | allowed | description |", "| --- | --- | --- | --- | --- |"]
    for row in found:
        lines.append(f"| `{row.path}` | {row.kind} | {row.default} | {row.allowed} | {row.description} |")
    return lines


def reference() -> str:
    """The whole Markdown reference."""
    scenario_rows = [
        Row("model", "text (path)", "**required**", "", "Base model file, relative to this file "
            "(e.g. `../models/coalition-2025.yaml`); may be inherited through `extends`."),
        Row("extends", "text (path)", "–", "", "Scenario file this one builds on; its keys are deep-merged "
            "under this file's (see the merge rules above)."),
        Row("model_overrides", "mapping", "–", "", "Partial base model deep-merged into the model: any key "
            "of the base-model table, e.g. `contributors: [{id: germany, stance: {…}}]`."),
        *rows(Scenario, skip=frozenset({"model", "extends"})),
    ]  # fmt: skip
    out = [
        "# YAML key reference",
        "",
        f"Generated from the pydantic schema (`src/guarantor/scenario/schema.py`) by `{REGENERATE}`.",
        "Do not edit by hand: a test fails when this file is stale.",
        "",
        "Notation: `a.b` is key `b` inside mapping `a`; `a[].b` is key `b` of every item of list `a`",
        "(items with an `id` are addressed by it in `--set`, e.g. `model.contributors.france.stance.value`);",
        "`<capability>`, `<period>`, `<contributor>`, `<source>` stand for keys you choose from",
        "the ids defined in the model or horizon. Unknown keys are errors everywhere.",
        "",
        "Merge rules for scenario layers (`extends:`, `model_overrides:`, `--set`): mappings merge key by",
        "key; lists of mappings with an `id` merge item by item; any other value replaces the inherited",
        "one; `null` removes the inherited key.",
        "",
        "## Figures",
        "",
        "Every number in a base model is a *figure*: a mapping with the number and its provenance,",
        "e.g. `{value: 3340.0, source: WB23}` or `{value: 3, assumption: rule of thirds}`. Exactly one",
        "of `source` and `assumption` is required. Figures marked `>= 0` in the tables cannot be",
        "negative. A *stance figure* has the same keys with `value` one of "
        + ", ".join(f"`{c}`" for c in _choices(SourcedStance.model_fields["value"].annotation))
        + ".",
        "",
        *_table(rows(Sourced)),
        "",
        "## Base model files (`models/*.yaml`)",
        "",
        *_table(rows(Model)),
        "",
        "## Scenario files (`scenarios/*.yaml`)",
        "",
        "After merging, a scenario must have `name`, `question`, `model` and `requirements`; a file",
        "that `extends:` another may state only what it changes.",
        "",
        *_table(scenario_rows),
        "",
    ]
    return "\n".join(out)


def main() -> None:
    """Print the reference (redirect it into docs/yaml-reference.md)."""
    sys.stdout.write(reference())


if __name__ == "__main__":
    main()
