"""Report folders: contents, CSV and JSON fields, report text, determinism, atomicity, safe names."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from guarantor.api import solve_scenario
from guarantor.model.params import build_params
from guarantor.report import reporting, solvejobs, tables
from guarantor.report.compare import Run, compare_tables
from guarantor.report.documents import answer, fmt
from guarantor.report.inputs import input_diff, scenario_figures, source_list, sourced_figures
from guarantor.report.markup import Document, Paragraph, Table, to_html, to_markdown
from guarantor.scenario.loading import LoadedScenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
MINI = Path("tests/fixtures/mini-baseline.yaml")
CHARTS = ["coverage", "funding", "shares", "tiers", "troops"]
REQUIRED_KEYS = {
    "scenario", "status", "objective_value", "total_cost_usd", "us_air_support", "troops", "funding_usd",
    "shares", "constraints", "manifest",
}  # fmt: skip


@pytest.fixture(autouse=True)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root, as users do, so file names in reports are relative."""
    monkeypatch.chdir(ROOT)


def solve_into(parent: Path, *overrides: str) -> Path:
    loaded = load_scenario(MINI, list(overrides))
    return reporting.write_solve_report(solve_scenario(loaded), loaded, parent)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One solved mini-baseline report shared by the read-only tests."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        return solve_into(tmp_path_factory.mktemp("report"))


def test_solve_report_folder_holds_every_file(tmp_path: Path) -> None:
    folder = solve_into(tmp_path)
    assert folder == tmp_path / "mini-baseline"
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    expected = ["allocations.csv", "funding.csv", "report.html", "report.md", "report.xlsx", "results.json"]
    expected += ["run.json", "brief.html", "brief.pdf"]
    assert files == sorted(expected + [f"charts/{c}.{ext}" for c in CHARTS for ext in ("png", "svg")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "mini-baseline"]  # no staging left


def test_results_json_has_the_documented_keys(report: Path) -> None:
    data = json.loads((report / "results.json").read_text())
    assert data.keys() >= REQUIRED_KEYS
    assert set(data["shares"]) >= {"europe_troops", "europe_cost", "us_cost"}
    assert {"name", "label", "binding", "slack", "shadow_price"} <= data["constraints"][0].keys()
    manifest = data["manifest"]
    assert {
        "inputs_sha256",
        "resolved_scenario",
        "solver",
        "solver_version",
        "guarantor_version",
        "options",
    } <= set(manifest)
    assert data["troops"]["france"] == 10000


def test_allocations_csv_is_contributor_by_capability(report: Path) -> None:
    table = pd.read_csv(report / "allocations.csv")
    assert list(table.columns) == [
        "contributor",
        "name",
        "bloc",
        "ground_troops",
        "air_defence",
        "headquarters",
    ]
    assert table.set_index("contributor").loc["france", "ground_troops"] == 10000
    assert table["ground_troops"].sum() == 15000


def test_funding_csv_shares_and_fair_shares(report: Path) -> None:
    table = pd.read_csv(report / "funding.csv").set_index("contributor")
    expected = ["name", "bloc", "amount_usd", "share", "share_of_gdp", "gdp_fair_share"]
    assert list(table.columns)[: len(expected)] == expected
    assert {"deviation", "relative_deviation"} <= set(table.columns)
    assert table["share"].sum() == pytest.approx(1.0, abs=1e-5)
    assert table.loc["france", "amount_usd"] == pytest.approx(2.23e9)
    # fair share among European members with a GDP: France 3000, UK 3500, Poland 900
    assert table.loc["france", "gdp_fair_share"] == pytest.approx(3000 / 7400, abs=1e-6)
    assert table.loc["france", "share_of_gdp"] == pytest.approx(2230 / 3_000_000, abs=1e-6)
    assert pd.isna(table.loc["canada", "gdp_fair_share"])
    members = table.dropna(subset=["gdp_fair_share"])
    assert members["deviation"].sum() == pytest.approx(0.0, abs=1e-5)


def test_report_markdown_answers_the_question(report: Path) -> None:
    text = (report / "report.md").read_text()
    headings = ["The question", "The answer", "Who deploys what", "Who pays", "What binds, and what it costs"]
    for heading in [*headings, "Appendix: assumptions and sources", "Run manifest"]:
        assert f"## {heading}\n" in text
    assert "Who sends what in the mini model?" in text
    assert "> The cheapest plan that meets every constraint deploys 15,000 troops" in text
    assert "Requirement: ground troops >= 15,000 troops: each extra troop required costs $220,000." in text
    assert "![" in text and "(charts/troops.png)" in text
    assert "| TEST | Test fixture figures |" in text  # each source cited once, in the appendix
    assert "Assumption: two batteries" in text
    assert "tests/fixtures/mini-baseline.yaml:5:3" in text  # requirement traced to its line
    assert "inputs_sha256" in text


def test_answer_is_three_sentences() -> None:
    loaded = load_scenario(MINI)
    result, params = solve_scenario(loaded), build_params(loaded.scenario)
    sentences = answer(result, params, tables.solve_tables(result, params))
    assert len(sentences) == 3
    assert "France (10,000)" in sentences[0]
    assert "US supplies air defence" in sentences[1] and "80% of the troops" in sentences[1]
    assert "(policy minimums: troops 80%, costs 70%)" in sentences[1]
    assert sentences[2].startswith("What binds hardest: Requirement: ground troops")


def test_report_html_is_self_contained_and_printable(report: Path) -> None:
    text = (report / "report.html").read_text()
    assert text.startswith("<!DOCTYPE html>")
    assert text.count('src="data:image/svg+xml;base64,') == len(CHARTS)
    assert not re.search(r"<(script|link|iframe)\b", text)
    assert not re.search(r'src="(?!data:)', text)
    assert "@media print" in text
    assert "<h2>The answer</h2>" in text


def test_infeasible_report_explains_why(tmp_path: Path) -> None:
    folder = solve_into(tmp_path, "requirements.ground_troops=100000")
    names = ["brief.html", "brief.pdf", "report.html", "report.md", "report.xlsx", "results.json", "run.json"]
    assert sorted(p.name for p in folder.iterdir()) == names
    data = json.loads((folder / "results.json").read_text())
    assert data["status"] == "infeasible" and data["diagnosis"]["relaxations"]
    text = (folder / "report.md").read_text()
    assert "> No plan meets every constraint of this scenario." in text
    assert "## Why no plan exists" in text
    assert "Requirement: ground troops >= 100,000 troops" in text


def test_identical_runs_write_identical_files(tmp_path: Path) -> None:
    """Byte-identical apart from the manifest's created_at (and report copies of it)."""
    first, second = solve_into(tmp_path / "a"), solve_into(tmp_path / "b")
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in names:
        a, b = (first / name).read_bytes(), (second / name).read_bytes()
        if name.suffix == ".xlsx":  # zip members carry the creation date: compare the cells
            a, b = (repr(workbook_cells(folder / name)).encode() for folder in (first, second))
        if name.suffix == ".pdf":  # the brief shows the run's date in compressed text: compare the text
            a, b = (pdf_text(folder / name).encode() for folder in (first, second))
        if name.suffix in (".json", ".md", ".html", ".xlsx", ".pdf"):
            a, b = stamp.sub("T", a.decode()).encode(), stamp.sub("T", b.decode()).encode()
        assert a == b, name
    assert json.loads((first / "results.json").read_text())["manifest"]["created_at"]


def pdf_text(path: Path) -> str:
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def workbook_cells(path: Path) -> list[list[object]]:
    import openpyxl

    book = openpyxl.load_workbook(path)
    return [[cell.value for row in sheet.iter_rows() for cell in row] for sheet in book]


def test_no_absolute_paths_in_report_files(report: Path) -> None:
    for path in report.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".csv", ".md", ".html", ".svg"):
            text = path.read_text()
            assert str(ROOT) not in text and str(report.parent) not in text, path


def test_failed_report_leaves_the_previous_one_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = solve_into(tmp_path)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    def broken(*args: object) -> None:
        raise RuntimeError("disk full half-way through the charts")

    monkeypatch.setattr(solvejobs, "solve_chart_jobs", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        solve_into(tmp_path, "requirements.ground_troops=12000")
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "mini-baseline"]


def test_scenario_names_cannot_escape_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    folder = solve_into(out, "name=../../evil")
    assert folder.parent == out and folder.name.startswith("evil-") and (folder / "results.json").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_sourced_figures_cover_every_sourced_value() -> None:
    loaded = load_scenario(MINI)
    figures = sourced_figures(loaded)
    text = (ROOT / "tests/fixtures/mini-model.yaml").read_text()
    assert len(figures) == text.count("source: TEST") + text.count("assumption:")
    row = figures.set_index("figure").loc["contributors.france.gdp_usd_bn"]
    assert (row["value"], row["citation"], row["year"]) == (3000, "Test fixture figures", 2025)
    assert row["set_in"].startswith("tests/fixtures/mini-model.yaml:")
    assert source_list(loaded).set_index("key").loc["TEST", "figures"] == text.count("source: TEST")
    scenario = scenario_figures(loaded).set_index("input")
    assert scenario.loc["requirements.ground_troops", "set_in"] == "tests/fixtures/mini-baseline.yaml:5:3"


def test_input_diff_lists_only_differences() -> None:
    a = load_scenario(MINI)
    b = load_scenario(MINI, ["requirements.ground_troops=12000", "command_and_control=us_led"])
    diff = input_diff({"a": a, "b": b})
    assert list(diff.index) == ["command_and_control", "requirements.ground_troops"]
    assert diff.loc["requirements.ground_troops"].tolist() == [15000, 12000]


def compare_runs(*variants: tuple[str, list[str]]) -> list[Run]:
    runs = []
    for name, overrides in variants:
        loaded: LoadedScenario = load_scenario(MINI, overrides)
        runs.append(Run(name, loaded, build_params(loaded.scenario), solve_scenario(loaded)))
    return runs


def test_compare_report_folder(tmp_path: Path) -> None:
    runs = compare_runs(("base", []), ("more", ["requirements.ground_troops=18000"]))
    folder, payload = reporting.write_compare_report(runs, tmp_path)
    assert folder == tmp_path / "compare-base-more"
    names = sorted(p.name for p in folder.iterdir())
    files = ["charts", "comparison.json", "report.md", "report.html", "report.xlsx", "run.json"]
    assert names == sorted([*files, *reporting.COMPARE_CSV.values()])
    assert len(list((folder / "charts").glob("*.svg"))) == 4
    assert payload["summary"]["base"]["total_cost_usd_m"] == 3370
    assert "requirements.ground_troops" in payload["input_diff"]
    text = (folder / "report.md").read_text()
    assert "## Inputs that differ" in text and "| requirements.ground_troops | 15,000 | 18,000 |" in text


def test_compare_tables_keep_unsolved_scenarios_blank() -> None:
    runs = compare_runs(("base", []), ("impossible", ["requirements.ground_troops=100000"]))
    t = compare_tables(runs)
    assert t["summary"].loc["impossible", "status"] == "infeasible"
    assert t["troops"]["impossible"].isna().all() and t["troops"].loc["France", "base"] == 10000
    assert t["binding"].index[0] == "Requirement: ground troops >= 15,000 troops"


def test_markup_escapes_and_aligns() -> None:
    doc = Document(
        "T <1>", [Paragraph("a **b** <script>"), Table(["k", "v"], [["x|y", "1"]], frozenset({"v"}))]
    )
    md = to_markdown(doc)
    assert "| x\\|y | 1 |" in md and "| --- | ---: |" in md
    html = to_html(doc, {})
    assert "&lt;script&gt;" in html and "<strong>b</strong>" in html and '<td class="num">1</td>' in html


def test_a_table_rendered_ahead_renders_as_it_would_have(mini_baseline: Path) -> None:
    """The inputs' appendix is rendered by a report worker during the solve (`markup.rendered`):
    the HTML is the same, and Markdown still comes from its rows."""
    from guarantor.report.documents import _sources_appendix, sources_appendix

    loaded = load_scenario(mini_baseline)
    ahead = Document("t", list(sources_appendix(loaded)))
    plain = Document("t", list(_sources_appendix(loaded)))
    plain = Document("t", [replace(b, html="") if isinstance(b, Table) else b for b in plain.blocks])
    assert any(isinstance(b, Table) and b.html for b in ahead.blocks)
    assert not any(isinstance(b, Table) and b.html for b in plain.blocks)
    assert to_html(ahead, {}) == to_html(plain, {}) and to_markdown(ahead) == to_markdown(plain)
    assert ahead == plain  # the rendering is not part of what the table is


def test_fmt_cells() -> None:
    assert [fmt(None), fmt(float("nan")), fmt(1300000.0), fmt(0.25, "pct"), fmt(-0.012, "pp")] == [
        "–", "–", "1,300,000", "25.0%", "-1.2 pp"
    ]  # fmt: skip
    assert fmt(2.23e9, "usd") == "$2.23 bn" and fmt(True) == "yes"


def test_summary_lists_priced_binding_constraints_first() -> None:
    from guarantor.report.summary import binding_lines

    loaded = load_scenario(MINI)
    result = solve_scenario(loaded)
    lines = binding_lines(result)
    priced = [not line.endswith("would not change the objective.") for line in lines]
    assert priced[0] and priced == sorted(priced, reverse=True)
    assert lines[0].startswith("Requirement: ground troops >= 15,000 troops: each extra troop required costs")


@pytest.mark.parametrize("path", [MINI, ROOT / "scenarios" / "phased_handover.yaml"], ids=["one", "horizon"])
def test_chart_names_known_before_the_tables_match_the_jobs(path: Path) -> None:
    """The command submits one job per chart name before any table exists: the names must be the jobs'."""
    from guarantor.api import solve_scenario
    from guarantor.model.params import build_params
    from guarantor.report.timeline import timeline_jobs, timeline_tables

    loaded = load_scenario(path)
    result, params = solve_scenario(loaded), build_params(loaded.scenario)
    t = tables.solve_tables(result, params)
    jobs = solvejobs.solve_chart_jobs(t, params)
    if params.multi_period:
        jobs += timeline_jobs(timeline_tables(result, params), params)
    assert solvejobs.chart_names(result, params) == tuple(job.name for job in jobs)
