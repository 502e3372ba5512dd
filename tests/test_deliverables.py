"""Deliverables: report.xlsx read back with openpyxl, clean numbers everywhere, prices in scenario units."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from guarantor.cli.app import app
from guarantor.report.numbers import clean, clean_tree, csv_text

ROOT = Path(__file__).resolve().parent.parent
MINI = "tests/fixtures/mini-baseline.yaml"
NOISE = re.compile(
    r"\d\.(?:\d*[1-9]0{4,}[1-9]|\d*9{4,}\d)|[1-9]\d*\.0{4,}[1-9]|\de[-+]\d|(?<![\w.])-0(?:\.0+)?(?![\d.])"
)
"""Binary or solver noise (219.23999999999998, 4999.999921), exponents (2.63e-05), negative zero."""


def run(*args: str | Path) -> object:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One solve, comparison, sweep and alternatives run of the mini model, written as users run them."""
    folder = tmp_path_factory.mktemp("deliverables")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(Path(__file__).resolve().parent.parent)
        assert run("solve", MINI, "--out", folder, "--quiet").exit_code == 0
        cmp = run(
            "compare", MINI, MINI, "--set", "requirements.ground_troops=12000", "--out", folder, "--quiet"
        )
        assert cmp.exit_code == 0
        sweep = run(
            "sweep", MINI, "--vary", "requirements.ground_troops=10000:16000:3", "--out", folder, "--quiet"
        )
        assert sweep.exit_code == 0, sweep.output
        alternatives = run("alternatives", MINI, "--plans", "2", "--out", folder, "--quiet")
        assert alternatives.exit_code == 0, alternatives.output
    return folder


def test_numbers_are_rounded_by_kind() -> None:
    assert clean(219.23999999999998, "usd_m") == 219.2
    assert clean(4999.999921, "count") == 5000 and isinstance(clean(4999.999921, "count"), int)
    assert clean(-0.0) == 0 and str(clean(-1e-12, "fraction")) == "0"
    assert clean(2337975000.0, "usd") == 2338000000  # $0.1 m
    assert clean(0.20250000001 * 1e6, "price_usd") == 202500
    assert clean_tree({"total_cost_usd_m": 6765.1550000001, "shares": {"europe": 0.8820719999}}) == {
        "total_cost_usd_m": 6765.2,
        "shares": {"europe": 0.882072},
    }


def test_csv_has_no_noise_no_negative_zero_no_exponent() -> None:
    table = pd.DataFrame(
        {
            "funding_usd_m": [219.23999999999998, -0.0],
            "share_of_gdp": [2.63e-05, 0.0],
            "troops": [4999.999921, 0],
        }
    )
    text = csv_text(table, kinds={"troops": "count"})
    assert text == "funding_usd_m,share_of_gdp,troops\n219.2,0.000026,5000\n0,0,0\n"


def test_every_written_number_is_clean(out: Path) -> None:
    files = [p for p in out.rglob("*") if p.suffix in (".csv", ".json") and p.name != "manifest.json"]
    assert any(p.name == "results.json" for p in files) and any(p.name == "comparison.json" for p in files)
    for path in files:
        text = path.read_text()
        if path.suffix == ".json":  # the merged inputs are the user's own numbers
            data = json.loads(text)
            data.pop("manifest", None)
            text = json.dumps(data)
        assert not NOISE.search(text), (path.name, NOISE.search(text))


def test_shadow_prices_are_in_the_scenario_units_everywhere(out: Path) -> None:
    data = json.loads((out / "mini-baseline" / "results.json").read_text())
    requirement = next(c for c in data["constraints"] if c["name"] == "requirement_ground_troops")
    assert requirement["price_unit"] == "USD per troop"
    assert requirement["price"] == round(requirement["shadow_price"] * 1e6)
    money = f"${requirement['price']:,.0f}"
    assert money in requirement["explanation"]
    html = (out / "mini-baseline" / "report.html").read_text()
    row = next(line for line in html.splitlines() if "Requirement: ground troops" in line and "<td" in line)
    assert f"{requirement['price']:,.0f}" in row and "USD per troop" in row
    assert f">{requirement['shadow_price']}<" not in row
    book = openpyxl.load_workbook(out / "mini-baseline" / "report.xlsx")
    sheet = book["Binding constraints"]
    headers = [c.value for c in sheet[1]]
    column = headers.index("shadow price (scenario units)")
    prices = {r[0].value: r[column].value for r in sheet.iter_rows(min_row=2)}
    assert prices[requirement["label"]] == requirement["price"]


def test_solve_workbook_has_typed_sheets_with_units(out: Path) -> None:
    book = openpyxl.load_workbook(out / "mini-baseline" / "report.xlsx")
    for name in ("Summary", "Allocations", "Funding", "Shares", "US tiers", "Binding constraints"):
        assert name in book.sheetnames
    assert {"Scenario inputs", "Model figures", "Sources", "Manifest"} <= set(book.sheetnames)
    for sheet in book:
        assert sheet.freeze_panes in ("A2", "B2"), sheet.title  # header row frozen
        assert all(isinstance(c.value, str) and c.font.b for c in sheet[1]), sheet.title
    allocations = book["Allocations"]
    headers = [c.value for c in allocations[1]]
    assert "Ground troops (troops)" in headers
    troops = [r[headers.index("Ground troops (troops)")].value for r in allocations.iter_rows(min_row=2)]
    assert all(type(v) is int for v in troops) and sum(troops) >= 15000
    funding = book["Funding"]
    headers = [c.value for c in funding[1]]
    assert "pays (USD, whole horizon)" in headers and "share of the bill (%)" in headers
    share = [r[headers.index("share of the bill (%)")] for r in funding.iter_rows(min_row=2)]
    assert all(isinstance(c.value, int | float) and c.number_format == "0.0%" for c in share)
    assert sum(c.value for c in share) == pytest.approx(1.0, abs=1e-5)
    tiers = book["US tiers"]
    allowed = [r[3].value for r in tiers.iter_rows(min_row=2)]
    assert set(allowed) <= {True, False} and True in allowed
    manifest = {r[0].value: r[1].value for r in book["Manifest"].iter_rows(min_row=2)}
    assert manifest["scenario_file"] == MINI and len(manifest["inputs_sha256"]) == 64
    summary = {r[0].value: (r[1].value, r[2].value) for r in book["Summary"].iter_rows(min_row=2)}
    assert isinstance(summary["total cost"][0], float | int) and summary["total cost"][1].startswith("USD m")


def test_compare_and_analysis_workbooks(out: Path) -> None:
    compare = openpyxl.load_workbook(out / "compare-mini-baseline-mini-baseline-2" / "report.xlsx")
    assert {"Summary", "Troops", "Funding", "Binding constraints", "Input differences", "Manifest"} <= set(
        compare.sheetnames
    )
    troops = compare["Troops"]
    assert [c.value for c in troops[1]][1:] == ["mini-baseline (troops)", "mini-baseline#2 (troops)"]
    assert all(
        type(c.value) is int for row in troops.iter_rows(min_row=2) for c in row[1:] if c.value is not None
    )
    (sweep,) = [p for p in out.iterdir() if p.name.startswith("mini-baseline-sweep")]
    book = openpyxl.load_workbook(sweep / "report.xlsx")
    assert {"Settings", "points", "tipping points", "Manifest"} <= set(book.sheetnames)
    headers = [c.value for c in book["points"][1]]
    assert "total cost (USD m)" in headers and "europe cost share (%)" in headers
    cost = [r[headers.index("total cost (USD m)")] for r in book["points"].iter_rows(min_row=2)]
    assert len(cost) == 3 and all(
        isinstance(c.value, float | int) and c.number_format == "#,##0.0" for c in cost
    )


def test_evaluate_writes_a_workbook(tmp_path: Path) -> None:
    assert run("solve", MINI, "--out", tmp_path, "--save-plan", "--quiet").exit_code == 0
    plan = tmp_path / "plans" / "mini-baseline.yaml"
    result = run("evaluate", MINI, "--plan", plan, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    (folder,) = [p for p in tmp_path.iterdir() if "-plan-" in p.name]
    book = openpyxl.load_workbook(folder / "report.xlsx")
    assert {"Summary", "Violations", "Decisions", "Manifest"} <= set(book.sheetnames)
    summary = {r[0].value: r[1].value for r in book["Summary"].iter_rows(min_row=2)}
    assert summary["feasible"] == "yes" and isinstance(summary["total cost"], int)
    assert summary["optimum total cost"] == summary["total cost"]  # the saved optimum is the optimum


def test_brief_fits_two_pages_on_a4_and_letter(out: Path) -> None:
    import io

    import pypdf

    from guarantor.report.brief import Brief, to_pdf

    folder = out / "mini-baseline"
    reader = pypdf.PdfReader(folder / "brief.pdf")
    assert 1 <= len(reader.pages) <= 2
    assert round(float(reader.pages[0].mediabox.width) * 25.4 / 72) == 210  # A4 by default
    text = "".join(page.extract_text() for page in reader.pages)
    for part in ("The question", "The answer", "Who sends what, who pays", "What binds", "report.html"):
        assert part in text
    html = (folder / "brief.html").read_text()
    assert html.count("<img") == 2 and '<a href="report.html">' in html and "@media print" in html
    # the worst case: every contributor in the table and long binding lines still fits on both papers
    long = Brief(
        title="Guarantor brief: stress",
        question="Q? " * 60,
        answer=["A sentence that goes on. " * 12] * 3,
        columns=["contributor", "troops", "other capabilities", "pays", "share of bill"],
        rows=[
            [f"Country {i}", "10,000", "2 Fighter aircraft, 1 ISR, 3 Theatre logistics", "$1.2 bn", "4%"]
            for i in range(30)
        ],
        binds=["A binding constraint explained at length. " * 4] * 5,
        extra=[("Cost basis", ["A line of cost basis. " * 5] * 6)],
        charts=["troops", "shares"],
    )
    pngs = {name: (folder / "charts" / f"{name}.png").read_bytes() for name in ("troops", "shares")}
    for paper, width in (("A4", 210), ("Letter", 216)):
        reader = pypdf.PdfReader(io.BytesIO(to_pdf(long, pngs, paper)))
        assert len(reader.pages) <= 2, paper
        assert round(float(reader.pages[0].mediabox.width) * 25.4 / 72) == width


def test_report_html_has_no_horizontal_scroll_and_prints_to_the_page_width(
    out: Path, browser: object, tmp_path: Path
) -> None:
    """Rendered in Chromium at 1280 px: nothing wider than the window; in print media, nothing wider
    than the printable width of A4 (19 cm at 96 dpi); and the printed report is pages, not dozens."""
    import io

    import pypdf

    for report in (ROOT / "scenarios" / "baseline.yaml",):
        folder = tmp_path / "wide"
        assert run("solve", report, "--out", folder, "--quiet").exit_code == 0
        page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        page.goto((folder / "baseline" / "report.html").as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        page.screenshot(path=str(tmp_path / "report-1280.png"))
        assert (tmp_path / "report-1280.png").stat().st_size > 10_000
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 718, "height": 1000})
        assert page.evaluate("document.documentElement.scrollWidth") <= 718
        pages = len(pypdf.PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
        assert pages <= 28, pages  # 27 today: 338 model figures in the appendix, estimates and evidence
        page.close()


def test_alternatives_workbook_and_the_index_lists_every_kind_of_run(out: Path) -> None:
    (folder,) = [p for p in out.iterdir() if p.name.startswith("mini-baseline-alternatives")]
    book = openpyxl.load_workbook(folder / "report.xlsx")
    assert "alternatives" in book.sheetnames and "Manifest" in book.sheetnames
    index = (out / "index.html").read_text()
    for kind in ("solve", "compare", "sweep", "alternatives"):
        assert f"<td>{kind}</td>" in index, kind


def test_csv_fast_paths_write_what_the_cell_rule_writes() -> None:
    """Columns are formatted in one pass each; the text is `positional(clean(v, kind))`, cell by
    cell (NaN, infinities, -0, integers beyond 2**53, nullable integers, halves: 0.35 is stored
    just below 0.35, so it rounds to 0.3 in every file, CSV included)."""
    import numpy as np

    from guarantor.report.numbers import column_kind, positional

    rng = np.random.default_rng(7)
    n = 400
    table = pd.DataFrame(
        {
            "cost_usd_m": rng.normal(size=n) * 1e3,
            "europe_share": rng.random(n),
            "troops": rng.integers(0, 30_000, n),
            "input:x.value": np.where(rng.random(n) < 0.2, np.nan, rng.normal(size=n) * 1e-4),
            "odd": [-0.0, 1e15, 2.5, np.inf, -np.inf, 1e17, 0.1 + 0.2, -1e-13] * (n // 8),
            "whole_floats": [5000.0, -0.0, np.nan, 12_345_678.0, np.inf, -3.0, 0.0, 99_999_999.0] * (n // 8),
            "whole_and_large": [1e8, 2.0, -123_456_789.0, 7.0] * (n // 4),
            "half_usd_m": [0.35, 2.25, -0.05, 1e16 + 0.5] * (n // 4),
            "total_usd": [150_000.0, 250_000.0, np.nan, 1e20] * (n // 4),
            "label": ["a", "b"] * (n // 2),
            "maybe": pd.array([1, None] * (n // 2), "Int64"),
        }
    )

    def cell(value: object, kind: str) -> str:
        if isinstance(value, float):
            return "" if value != value else positional(clean(value, kind))
        return "" if pd.isna(value) else positional(value)

    expected = pd.DataFrame(
        {c: [cell(v, column_kind(c)) for v in table[c].tolist()] for c in table.columns}
    ).to_csv(index=False, lineterminator="\n")
    assert csv_text(table) == expected
    assert csv_text(table[["half_usd_m"]].head(1)) == "half_usd_m\n0.3\n"


def test_large_analysis_tables_are_listed_not_copied_into_the_workbook(tmp_path: Path) -> None:
    """A table above `MAX_SHEET_CELLS` stays in data/ (CSV, Parquet); report.xlsx names it."""
    from guarantor.report import sheets

    wide = pd.DataFrame({f"c{i}": [float(i)] * 2_000 for i in range(60)})  # 120,000 cells
    small = pd.DataFrame({"x": [1.0, 2.0]})
    listed = sheets.analysis_sheets({"kind": "test"}, {"samples": wide, "summary": small}, {})
    names = [s.name for s in listed]
    assert "samples" not in names and "summary" in names and "Large tables" in names
    from guarantor.report.xlsx import write_workbook

    write_workbook(tmp_path / "r.xlsx", listed)
    book = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)
    rows = list(book["Large tables"].iter_rows(values_only=True))
    assert rows[1][:3] == ("samples", 2_000, 60) and "data/samples.csv" in str(rows[1][3])


def test_csv_numbers_are_the_shortest_that_read_back() -> None:
    """No fixed number of decimals: large money and tiny numbers keep exactly their cleaned value."""
    from guarantor.report.numbers import positional

    assert positional(clean(123456.7, "usd_m")) == "123456.7"  # not 123456.699999999997
    assert positional(clean(1234567.89, "number")) == "1234567.89"
    assert positional(1.23456789e-8) == "0.0000000123456789" and positional(-0.0) == "0"
    table = pd.DataFrame({"total_usd_m": [123456.7, 0.1 + 0.2]})
    assert csv_text(table) == "total_usd_m\n123456.7\n0.3\n"


def test_xlsx_column_writer_writes_what_the_cell_rule_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Numeric columns are written with their rounding rule chosen once and their width read off
    the extremes; the cells, formats and widths are those of `_value` cell by cell."""
    import numpy as np

    from guarantor.report import xlsx

    rng = np.random.default_rng(11)
    n = 300
    table = pd.DataFrame(
        {
            "cost_usd_m": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n) * 1e4),
            "europe_share": rng.random(n),
            "troops": rng.integers(-5, 30_000, n),
            "bound": ([1.5, np.inf, -np.inf, -0.0, 1e16, 2.5e-7] * n)[:n],
            "price_usd": rng.normal(size=n) * 1e6,
            "maybe": pd.array(([1, None, 7] * n)[:n], "Int64"),
            "flag": rng.random(n) < 0.5,
            "label": (["a", None, "long label " * 3, "x"] * n)[:n],
        }
    )
    sheet = xlsx.Sheet("t", table, [xlsx.describe(str(c)) for c in table.columns])

    def written(name: str) -> tuple[list[list[tuple[object, str]]], dict[str, float]]:
        xlsx.write_workbook(tmp_path / name, [sheet])
        ws = openpyxl.load_workbook(tmp_path / name)["t"]
        cells = [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()]
        return cells, {k: v.width for k, v in ws.column_dimensions.items()}

    fast = written("fast.xlsx")
    monkeypatch.setattr(xlsx, "_numeric", lambda series: False)  # every column cell by cell
    assert written("slow.xlsx") == fast


FIELDS = st.sampled_from(["total_cost_usd_m", "troops", "share", "slack", "name", "price", "europe_cost"])
VALUES = (
    st.none()
    | st.booleans()
    | st.integers(-(10**9), 10**9)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=5)
    | st.lists(st.floats(-1e6, 1e6), max_size=3)
)
RECORDS = st.lists(st.dictionaries(FIELDS, VALUES, max_size=5) | VALUES, min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(RECORDS, st.sampled_from(["number", "usd_m", "fraction", "count"]))
def test_a_list_of_records_is_rounded_as_each_record_alone(rows: list[Any], kind: str) -> None:
    """results.json's long record lists take `clean_tree`'s fast path (a key's rule found once per
    list); it must round exactly as cleaning each record on its own does."""
    kinds = {"troops": "count"}
    together = clean_tree(rows, kinds, kind)
    alone = [clean_tree(row, kinds, kind) for row in rows]  # a dict alone: the general path
    assert json.dumps(together) == json.dumps(alone)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(VALUES, VALUES, st.text(max_size=3)), max_size=8),
    st.sampled_from(["number", "usd_m", "fraction", "count"]),
)
def test_records_cleaned_a_column_at_a_time_are_the_records_cleaned_whole(
    rows: list[tuple[Any, Any, str]], kind: str
) -> None:
    """results.json's constraint records are cleaned as columns (`clean_columns`): the same
    values, the same types, in the same key order as cleaning the list of records."""
    from guarantor.report.numbers import clean_columns

    keys = ("troops", "slack", "label")
    kinds = {"troops": "count"}
    columns = {key: [row[i] for row in rows] for i, key in enumerate(keys)}
    records = [dict(zip(keys, row, strict=True)) for row in rows]
    assert json.dumps(clean_columns(columns, kinds, kind)) == json.dumps(clean_tree(records, kinds, kind))
