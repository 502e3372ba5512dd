"""The shipped model's GDP and defence budgets are the figures of the data extracts it cites.

`models/data/` holds the World Bank and SIPRI rows the model copies (see models/data/ORIGIN.md);
this test fails when a copied figure drifts from its extract, or cites the wrong source or year.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from guarantor.scenario.loading import load_model
from guarantor.scenario.schema import Contributor

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "models" / "data"
MODEL, _ = load_model(ROOT / "models" / "coalition-2025.yaml")
WB_NAMES = {"turkiye": "Turkiye"}


def _sipri() -> dict[str, dict[str, str]]:
    with (DATA / "sipri_milex_2023_2024.csv").open() as f:
        return {row["contributor_id"]: row for row in csv.DictReader(f)}


def _world_bank() -> dict[tuple[str, str], float]:
    with (DATA / "worldbank_gdp_2022_2023.csv").open() as f:
        return {(row["Country Name"], row["Year"]): float(row["Value"]) for row in csv.DictReader(f)}


SIPRI = _sipri()
WORLD_BANK = _world_bank()


@pytest.mark.parametrize("contributor", MODEL.contributors, ids=lambda c: c.id)
def test_gdp_is_the_world_bank_2023_figure(contributor: Contributor) -> None:
    name = WB_NAMES.get(contributor.id, SIPRI[contributor.id]["sipri_country"])
    name = {"United States of America": "United States"}.get(name, name)
    gdp = contributor.gdp_usd_bn
    assert (gdp.source, gdp.year) == ("WB23", 2023)
    assert gdp.value == round(WORLD_BANK[(name, "2023")] / 1e9, 1)


@pytest.mark.parametrize("contributor", MODEL.contributors, ids=lambda c: c.id)
def test_defence_budget_is_sipri_2024_expenditure(contributor: Contributor) -> None:
    budget = contributor.defence_budget_usd_bn
    milex = float(SIPRI[contributor.id]["milex_current_usd_m_2024"]) / 1000
    assert (budget.source, budget.year) == ("SIPRI25", 2024)
    assert budget.value == pytest.approx(milex, abs=0.005 if milex < 10 else 0.05)


def test_ireland_gdp_is_no_longer_the_mirror_figure() -> None:
    ireland = next(c for c in MODEL.contributors if c.id == "ireland")
    assert ireland.gdp_usd_bn.value == 545.6  # a wiki mirror had 516 for 2023


def test_no_state_media_or_mirror_is_cited() -> None:
    banned = ("tass.", "rt.com", "sputnik", "wiki.", "wikimili", "askwiki", "datana", "memedata", "squidsite")
    for key, entry in MODEL.sources.items():
        assert not any(b in (entry.url or "") for b in banned), key
