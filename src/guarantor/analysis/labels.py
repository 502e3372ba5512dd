"""Human names for what analysis charts show: key paths turned into words, ids into names.

Charts never show raw ids or key paths (`turkiye`, `requirements · ground troops`): an analysis
records the names of contributors, capabilities and US tiers (`names_of`, saved in
analysis.json so `replot` has them), and `human` turns a key path into a label with its unit.
Folders written before names were saved fall back to the ids written as words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Names = Mapping[str, Mapping[str, str]]
"""{"contributors": {id: name}, "capabilities": {id: label}, "units": {id: unit}, "tiers": {id: label}}."""

SECTIONS = {"contributors": "contributors", "capabilities": "capabilities", "us_air_support_tiers": "tiers"}
UNITS = (
    ("_usd_m", "USD m"),
    ("_usd", "USD"),
    ("_troops", "troops"),
    ("_years", "years"),
)
FIELDS = {
    "cost_per_soldier_year": "cost per soldier-year",
    "annual_cost": "annual cost",
    "gdp": "GDP",
    "escalation_risk": "escalation risk",
    "europe_min_cost_share": "Europe's minimum cost share",
    "europe_min_troop_share": "Europe's minimum troop share",
    "total_budget": "total budget",
}


def names_of(model: Any) -> dict[str, dict[str, str]]:
    """The names an analysis chart needs, from a validated model."""
    return {
        "contributors": {c.id: c.name for c in model.contributors},
        "capabilities": {k.id: k.label for k in model.capabilities},
        "units": {k.id: k.unit for k in model.capabilities},
        "tiers": {t.id: t.label for t in model.us_air_support_tiers},
    }


def words(text: str) -> str:
    return text.replace("_", " ").strip()


def name(kind: str, key: str, names: Names | None) -> str:
    """The recorded name of an id, or the id written as words (capitalised)."""
    found = (names or {}).get(kind, {}).get(key)
    return found if found else words(key)[:1].upper() + words(key)[1:]


def tier_name(tier: str, names: Names | None) -> str:
    return name("tiers", tier, names)


def _field(parts: list[str]) -> str:
    last = parts[-1] if parts else ""
    for suffix, unit in UNITS:
        if last.endswith(suffix):
            stem = last.removesuffix(suffix)
            return " ".join([*map(words, parts[:-1]), FIELDS.get(stem, words(stem))]) + f" ({unit})"
    return " ".join([*map(words, parts[:-1]), FIELDS.get(last, words(last))])


def human(path: str, names: Names | None = None) -> str:
    """A key path as words: `model.contributors.turkiye.cost_per_soldier_year_usd.value` ->
    `Türkiye: cost per soldier-year (USD)`; `requirements.ground_troops` -> `Requirement: ground
    troops (troops)`."""
    parts = [p for p in path.split(".") if p not in ("model", "value")]
    if not parts:
        return path
    section, rest = parts[0], parts[1:]
    if section in SECTIONS and len(rest) >= 2:
        return f"{name(SECTIONS[section], rest[0], names)}: {_field(rest[1:])}"
    if section == "requirements" and rest:
        label = name("capabilities", rest[0], names)
        unit = (names or {}).get("units", {}).get(rest[0])
        tail = f": {_field(rest[1:])}" if rest[1:] else ""
        return f"Requirement: {label[:1].lower() + label[1:]}" + (f" ({unit})" if unit else "") + tail
    if section == "policy" and rest:
        return "Policy: " + _field(rest)
    return _field(parts)[:1].upper() + _field(parts)[1:]


def number(value: float) -> str:
    """Tick and annotation numbers: thousands separators, never scientific notation."""
    if value != value:
        return "–"
    if abs(value) >= 1000 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3g}" if abs(value) >= 0.001 else f"{value:.2g}"
