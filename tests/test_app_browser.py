"""`guarantor serve` in a real browser (Playwright driving Debian's Chromium): what an analyst does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.served import Served
from typer.testing import CliRunner

from guarantor.api import solve_file
from guarantor.cli.app import app as cli
from guarantor.report.summary import binding_lines

GROUND = "#c-requirements-ground_troops"


@pytest.fixture
def page(browser: Any, served: Served) -> Iterator[Any]:
    """A fresh tab on the baseline (its own session); fails on any script error in the page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(f"{served.url}/open/baseline.yaml")
    tab.wait_for_selector("#total-cost")
    yield tab
    context.close()
    assert errors == []


QUIET = "() => !document.body.classList.contains('busy') && document.body.dataset.classes !== 'pending'"
"""No request in flight: the answer and its firm/flexible classes (asked for after it) are shown."""


def change(page: Any, selector: str, value: str) -> None:
    """Type a value and leave the field, as a user does (the change event sends it).

    Waits for the page to be quiet first, so a late reply to an earlier request (the classes)
    is not taken for the answer to this change.
    """
    page.wait_for_function(QUIET)
    before = page.inner_text("#results")
    page.fill(selector, value)
    page.dispatch_event(selector, "change")
    page.wait_for_function(
        "([before, sel]) => document.getElementById('results').innerText !== before"
        " || document.getElementById('e-' + sel.slice(1)).textContent !== ''",
        arg=[before, selector],
    )


def expected_robustness_headline(served: Served) -> str:
    from guarantor.api import load_scenario, solve_scenario

    result = solve_scenario(load_scenario(served.scenarios / "baseline.yaml"), robustness=True)
    assert result.robustness is not None
    return result.robustness.headline


def money_text(value: float) -> str:
    from guarantor.answer.explain import money

    return money(value)


def test_load_the_baseline(page: Any, served: Served) -> None:
    expected = solve_file(served.scenarios / "baseline.yaml")
    assert expected.metrics is not None
    assert page.inner_text("#total-cost") == money_text(expected.metrics.total_cost_usd_m)
    assert page.inner_text("#status") == "optimal"
    assert page.inner_text("#us-tier") == "US supplies air-defence batteries"
    binding = page.inner_text("#binding")
    assert binding_lines(expected)[0] in binding  # what binds, with the explanation the CLI prints
    assert page.locator("#allocation tbody tr").count() > 5
    page.wait_for_function("document.querySelector('#allocation .pending') === null")  # classes arrive
    classes = page.locator("#allocation td.class").all_inner_texts()
    assert any("firm" in c for c in classes), classes
    # the robustness headline `solve` prints (its first sentence: under load a time budget may cut the rest)
    assert (
        page.inner_text("#robustness").split(". ")[0] == expected_robustness_headline(served).split(". ")[0]
    )
    assert page.evaluate("typeof Chart") == "function"  # the vendored chart library loaded offline
    troops = page.evaluate("Chart.getChart('chart-troops').data.datasets[0].data")
    assert sum(troops) == 25000  # the chart holds the plan's numbers, shown on hover
    box = page.locator("#chart-troops").bounding_box()
    biggest = troops.index(max(troops))
    bar = page.evaluate(
        f"(e => ({{x: e.x, y: e.y}}))(Chart.getChart('chart-troops').getDatasetMeta(0).data[{biggest}])"
    )
    assert box is not None
    page.mouse.move(box["x"] + bar["x"], box["y"] + bar["y"] + 10)  # hover the tallest bar
    page.wait_for_function("Chart.getChart('chart-troops').tooltip.getActiveElements().length > 0")
    tooltip = page.evaluate("Chart.getChart('chart-troops').tooltip.body.map(b => b.lines.join(' '))")
    assert tooltip == [f"troops: {max(troops):,} troops"]


def test_move_the_ground_troop_requirement(page: Any, served: Served) -> None:
    before = page.inner_text("#allocation")
    change(page, GROUND, "40000")
    expected = solve_file(served.scenarios / "baseline.yaml", ["requirements.ground_troops=40000"])
    assert expected.metrics is not None
    assert page.inner_text("#total-cost") == money_text(expected.metrics.total_cost_usd_m)
    after = page.inner_text("#allocation")
    assert after != before
    assert page.locator("#moved tbody tr").count() >= 1  # the difference from the scenario as saved
    assert page.inner_text("#cost-delta").startswith("+")


def test_forbid_a_us_tier_and_see_the_plan_change(page: Any, served: Served) -> None:
    """Allow every tier, then forbid the one the plan uses: the plan must change to the next best."""
    from guarantor.api import load_scenario

    tiers = load_scenario(served.scenarios / "baseline.yaml").scenario.model.us_air_support_tiers
    labels = {t.id: t.label for t in tiers}
    group = "[data-path='us_air_support.allowed']"
    for tier in tiers:
        if not page.is_checked(f"{group} input[value='{tier.id}']"):
            page.wait_for_function(QUIET)
            shown = page.inner_text("#results")
            page.check(f"{group} input[value='{tier.id}']")
            page.wait_for_function("t => document.getElementById('results').innerText !== t", arg=shown)
    everything = solve_file(
        served.scenarios / "baseline.yaml", [f"us_air_support.allowed=[{', '.join(labels)}]"]
    )
    assert everything.decisions is not None
    chosen = everything.decisions.tier[everything.periods[0]]
    assert page.inner_text("#us-tier") == labels[chosen]
    page.wait_for_function(QUIET)
    page.uncheck(f"{group} input[value='{chosen}']")  # forbid the tier the plan uses
    page.wait_for_function("t => document.getElementById('us-tier').innerText !== t", arg=labels[chosen])
    rest = [t for t in labels if t != chosen]
    expected = solve_file(served.scenarios / "baseline.yaml", [f"us_air_support.allowed=[{', '.join(rest)}]"])
    assert expected.metrics is not None and expected.decisions is not None
    now = expected.decisions.tier[expected.periods[0]]
    assert page.inner_text("#us-tier") == labels[now]
    assert page.inner_text("#total-cost") == money_text(expected.metrics.total_cost_usd_m)
    assert now != chosen


def test_an_infeasible_requirement_shows_the_diagnosis(page: Any) -> None:
    change(page, GROUND, "200000")
    assert page.inner_text("#status") == "infeasible"
    diagnosis = page.inner_text("#diagnosis")
    assert "Requirement: ground troops >= 200,000 troops" in diagnosis
    assert "cannot be met: short" in diagnosis and "troops" in diagnosis  # the smallest relaxation, in troops
    assert "--set requirements.ground_troops=200000" in diagnosis  # traced to the change that set it


def test_an_invalid_value_is_refused_at_the_control(page: Any) -> None:
    total = page.inner_text("#total-cost")
    change(page, GROUND, "-5")
    error = page.inner_text("#e-c-requirements-ground_troops")
    assert error == "requirement 'ground_troops' must be a finite number >= 0, got -5"
    assert page.get_attribute(GROUND, "aria-invalid") == "true"
    assert page.inner_text("#total-cost") == total  # the answer stays that of the last valid value
    change(page, "#c-policy-europe_min_troop_share-value", "1.5")
    assert "expected a number <= 1, got 1.5" in page.inner_text("#e-c-policy-europe_min_troop_share-value")


def test_save_as_scenario_then_solve_it_from_the_cli(page: Any, served: Served, tmp_path: Path) -> None:
    change(page, GROUND, "33000")
    change(page, "#c-contributors-germany-troop_cap", "1500")
    shown = page.inner_text("#total-cost")
    page.fill("#save-name", "browser_what_if")
    page.click("#save")
    page.wait_for_function("document.getElementById('message').textContent.startsWith('saved')")
    saved = served.scenarios / "browser_what_if.yaml"
    assert "extends: baseline.yaml" in saved.read_text()
    run = CliRunner().invoke(cli, ["solve", str(saved), "--json", "--out", str(tmp_path)])
    assert run.exit_code == 0, run.output
    import json

    cost = json.loads(run.stdout)["total_cost_usd"] / 1e6
    assert money_text(cost) == shown


def test_pin_runs_and_compare_them(page: Any) -> None:
    page.fill("#pin-label", "as saved")
    page.click("#pin")
    page.wait_for_selector("#compare table")
    change(page, GROUND, "30000")
    table = page.inner_text("#compare table")
    assert "as saved" in table and "now" in table and "requirements.ground_troops=30000" in table


def test_a_path_traversal_attempt_is_refused(browser: Any, served: Served) -> None:
    tab = browser.new_page()
    response = tab.goto(f"{served.url}/open/..%2Fmodels%2Fcoalition-2025.yaml")
    assert response is not None and response.status == 403
    assert "only files inside scenarios/" in tab.inner_text("#refused")
    tab.close()
