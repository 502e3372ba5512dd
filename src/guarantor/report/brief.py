"""The printable brief: brief.html (print CSS) and brief.pdf, at most two pages on A4 and on US Letter.

For the reader who gets one sheet of paper: the question, the answer in three sentences,
who sends and pays what, two charts, what binds, the cost basis and published estimates
when the model has them, and where the full report is. The content is gathered once
(`Brief`) and rendered twice. The PDF is drawn with fpdf2 in Helvetica, one of the
standard PDF fonts every reader has (nothing embedded, nothing downloaded, no browser);
text is written in Windows-1252, with the few signs outside it spelled out (>=, <=). A
layout that would run past two pages is tightened step by step until it fits.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from guarantor.answer.explain import money

if TYPE_CHECKING:
    import pandas as pd

    from guarantor.answer.results import Result
    from guarantor.model.params import Params
    from guarantor.scenario.loading import LoadedScenario

MAX_PAGES = 2
PAPERS = ("A4", "Letter")
CHARTS = ("troops", "shares")
"""The two charts of the brief: who deploys what, and whether Europe carries the lion's share."""
CHART_TITLES = {"troops": "Who deploys what?", "shares": "Does Europe carry the lion's share?"}
FULL_REPORT = "report.html"


@dataclass
class Brief:
    """Everything the brief says, as plain text and rows (rendered to HTML and PDF)."""

    title: str
    question: str
    answer: list[str]
    overrides: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    binds: list[str] = field(default_factory=list)
    extra: list[tuple[str, list[str]]] = field(default_factory=list)
    """Further sections (cost basis, published estimates) as (heading, lines)."""
    charts: list[str] = field(default_factory=list)
    created_at: str = ""


def gather(
    result: Result,
    loaded: LoadedScenario,
    params: Params,
    t: Mapping[str, pd.DataFrame],
    payload: Mapping[str, Any],
    charts: Sequence[str],
) -> Brief:
    """The brief's content from the same tables and sentences as the full report."""
    from guarantor.report.documents import answer
    from guarantor.report.overrides import text_note, with_note
    from guarantor.report.summary import binding_lines

    brief = Brief(
        title=f"Guarantor brief: {result.scenario}",
        question=with_note(result.question, text_note(loaded, "question")),
        answer=answer(result, params, t),
        overrides=list(loaded.overrides),
        binds=binding_lines(result)[:5],
        charts=[c for c in CHARTS if c in charts],
        created_at=str(payload.get("manifest", {}).get("created_at", "")),
    )
    d = result.decisions
    if d is not None:
        first = result.periods[0]
        brief.columns = ["contributor", "troops", "other capabilities", "pays", "share of bill"]
        funding = t["funding"].set_index("contributor")
        labels = {c.id: c.label for c in params.scenario.model.capabilities}
        other: dict[str, list[tuple[str, float]]] = {}  # grouped once: linear in the contributors
        for (cid, k, p), v in sorted(d.amounts.items()):
            if p == first and k != params.ground and v > 1e-9:
                other.setdefault(cid, []).append((k, v))
        for c in params.contributors:
            troops = max(d.ground(params, c.id, p) for p in result.periods)
            others = ", ".join(f"{v:,.0f} {labels.get(k, k)}" for k, v in other.get(c.id, []))
            paid = float(funding.loc[c.id, "amount_usd"]) if c.id in funding.index else 0.0
            if troops > 0.5 or others or paid > 5e4:
                share = funding.loc[c.id, "share"] if c.id in funding.index else 0.0
                brief.rows.append([c.name, f"{troops:,.0f}", others, money(paid / 1e6), f"{share:.1%}"])
    brief.extra = _model_sections(payload)
    return brief


def _model_sections(payload: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """Cost basis and published estimates, when the results carry them (any shape: text, rows, mapping)."""
    found = []
    for key, heading in (
        ("cost_basis", "Cost basis"),
        ("published_estimates", "Against published estimates"),
    ):
        value = payload.get(key)
        if value:
            found.append((heading, _lines(value)))
    return found


def _lines(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        if "summary" in value and isinstance(value["summary"], str):
            rest = {k: v for k, v in value.items() if k != "summary"}
            return [value["summary"], *_lines(rest)] if rest else [value["summary"]]
        return [
            f"{k.replace('_', ' ')}: {_scalar(v)}" for k, v in value.items() if not isinstance(v, list | dict)
        ]
    if isinstance(value, list):
        lines = []
        for item in value[:8]:
            if isinstance(item, Mapping):
                text = item.get("text") or item.get("explanation") or item.get("summary")
                lines.append(str(text) if text else "; ".join(f"{k}: {_scalar(v)}" for k, v in item.items()))
            else:
                lines.append(str(item))
        return lines
    return [str(value)]


def _scalar(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.3g}"
    return str(value)


PRINT_CSS = """
body { font-family: "DejaVu Sans", system-ui, sans-serif; color: #111; max-width: 50rem; margin: 1.5rem auto;
       padding: 0 1rem; line-height: 1.35; font-size: 15px; }
h1 { font-size: 1.35rem; border-bottom: 2px solid #0072B2; padding-bottom: .2rem; margin: 0 0 .6rem; }
h2 { font-size: 1.02rem; margin: .9rem 0 .3rem; }
p { margin: .3rem 0; }
.answer { border-left: 4px solid #0072B2; padding: .4rem .8rem; background: #f2f7fb; }
.meta { color: #444; font-size: .85em; }
table { border-collapse: collapse; width: 100%; font-size: .85em; }
th, td { border-bottom: 1px solid #ccc; padding: .15rem .4rem; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { border-bottom: 2px solid #444; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.charts { display: flex; gap: 1rem; }
.charts figure { flex: 1 1 0; margin: .4rem 0; min-width: 0; }
.charts img { width: 100%; height: auto; }
figcaption { font-size: .8em; color: #333; }
ul { margin: .2rem 0; padding-left: 1.2rem; }
li { margin: .1rem 0; }
@page { margin: 1.4cm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9pt; }
  .answer { background: none; }
  .charts img { max-height: 6.2cm; object-fit: contain; }
  h2, figure, tr, .answer { break-inside: avoid; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
""".strip()


def to_html(brief: Brief, svgs: Mapping[str, bytes]) -> str:
    """brief.html: one self-contained page (charts inlined) that prints on at most two sheets."""
    e = html.escape
    parts = [f"<h1>{e(brief.title)}</h1>"]
    if brief.overrides:
        parts.append(
            '<p class="meta">Overrides (--set): '
            + ", ".join(f"<code>{e(o)}</code>" for o in brief.overrides)
            + "</p>"
        )
    parts += ["<h2>The question</h2>", f"<p>{e(brief.question)}</p>"]
    parts += ["<h2>The answer</h2>", f'<p class="answer">{e(" ".join(brief.answer))}</p>']
    if brief.rows:
        numeric = {1, 3, 4}
        head = "".join(
            f"<th{' class=num' if i in numeric else ''}>{e(c)}</th>" for i, c in enumerate(brief.columns)
        )
        body = "\n".join(
            "<tr>"
            + "".join(f"<td{' class=num' if i in numeric else ''}>{e(v)}</td>" for i, v in enumerate(row))
            + "</tr>"
            for row in brief.rows
        )
        parts += [
            "<h2>Who sends what, who pays</h2>",
            f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>",
        ]
    figures = [
        f'<figure><img alt="{e(CHART_TITLES.get(name, name))}" src="data:image/svg+xml;base64,'
        f'{base64.b64encode(svgs[name]).decode("ascii")}">'
        f"<figcaption>{e(CHART_TITLES.get(name, name))}</figcaption></figure>"
        for name in brief.charts
        if name in svgs
    ]
    if figures:
        parts.append('<div class="charts">' + "".join(figures) + "</div>")
    if brief.binds:
        parts += ["<h2>What binds</h2>", "<ul>" + "".join(f"<li>{e(b)}</li>" for b in brief.binds) + "</ul>"]
    for heading, lines in brief.extra:
        parts += [f"<h2>{e(heading)}</h2>", "<ul>" + "".join(f"<li>{e(x)}</li>" for x in lines) + "</ul>"]
    parts.append(
        f'<p class="meta">Full report: <a href="{FULL_REPORT}">{FULL_REPORT}</a> (every table, explanation, '
        f"source and the run manifest; also report.xlsx and results.json). Run {e(brief.created_at)}.</p>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(brief.title)}</title>\n<style>\n{PRINT_CSS}\n</style>\n</head>\n<body>\n"
        + "\n".join(parts)
        + "\n</body>\n</html>\n"
    )


@dataclass(frozen=True)
class Density:
    """One step of tightening: font size, chart height and how many binding constraints to list."""

    font: float
    chart_mm: float
    binds: int


DENSITIES = (Density(9.5, 62, 5), Density(8.5, 52, 4), Density(7.5, 44, 3), Density(7, 36, 2))


PDF_SIGNS = {"≥": ">=", "≤": "<=", "−": "-", "→": "->", "≈": "~", "\u200b": ""}
FONT = "Helvetica"


def pdf_text(text: str) -> str:
    """Text the standard PDF fonts can show: Windows-1252, other signs spelled out or replaced."""
    for sign, plain in PDF_SIGNS.items():
        text = text.replace(sign, plain)
    return text.encode("cp1252", errors="replace").decode("cp1252")


def to_pdf(brief: Brief, pngs: Mapping[str, bytes], paper: str = "A4") -> bytes:
    """brief.pdf on `paper` (A4 or Letter), tightened until it fits on MAX_PAGES pages."""
    pdf = None
    for density in DENSITIES:
        pdf = _layout(brief, pngs, paper, density)
        if pdf.pages_count <= MAX_PAGES:
            break
    assert pdf is not None
    return bytes(pdf.output())


def _layout(brief: Brief, pngs: Mapping[str, bytes], paper: str, density: Density) -> Any:
    import io

    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="portrait", unit="mm", format=paper.lower() if paper == "A4" else "letter")
    pdf.set_creation_date(_date(brief.created_at))
    pdf.set_title(pdf_text(brief.title))
    pdf.set_creator("Guarantor")
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(True, margin=14)
    pdf.core_fonts_encoding = "windows-1252"
    pdf.add_page()
    size = density.font
    width = pdf.epw

    def heading(text: str, scale: float = 1.15) -> None:
        pdf.ln(1.5)
        pdf.set_font(FONT, "B", size * scale)
        pdf.multi_cell(width, size * scale * 0.45, pdf_text(text), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", size)

    def paragraph(text: str) -> None:
        pdf.set_font(FONT, "", size)
        pdf.multi_cell(width, size * 0.45, pdf_text(text), align="L", new_x="LMARGIN", new_y="NEXT")

    heading(brief.title, 1.5)
    if brief.overrides:
        paragraph("Overrides (--set): " + ", ".join(brief.overrides))
    heading("The question")
    paragraph(brief.question)
    heading("The answer")
    paragraph(" ".join(brief.answer))
    if brief.rows:
        heading("Who sends what, who pays")
        pdf.set_font(FONT, "", size * 0.9)
        widths = (30, 14, 52, 16, 14)
        align = ("LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT")
        with pdf.table(
            col_widths=widths,
            text_align=align,
            line_height=size * 0.42,
            headings_style=FontFace(emphasis="BOLD"),
            borders_layout="HORIZONTAL_LINES",
            first_row_as_headings=True,
        ) as table:
            for row in [brief.columns, *brief.rows]:
                cells = table.row()
                for value in row:
                    cells.cell(pdf_text(value))
        pdf.set_font(FONT, "", size)
    shown = [name for name in brief.charts if name in pngs]
    if shown:
        pdf.ln(2)
        gap = 4.0
        each = (width - gap * (len(shown) - 1)) / len(shown)
        height = min(density.chart_mm, each * 0.75)
        if pdf.get_y() + height + 6 > pdf.h - pdf.b_margin:
            pdf.add_page()
        top = pdf.get_y()
        for i, name in enumerate(shown):
            pdf.image(
                io.BytesIO(pngs[name]),
                x=pdf.l_margin + i * (each + gap),
                y=top,
                w=each,
                h=height,
                keep_aspect_ratio=True,
            )
        pdf.set_y(top + height + 1)
        pdf.set_font(FONT, "", size * 0.85)
        pdf.multi_cell(
            width,
            size * 0.4,
            "Charts: " + "; ".join(CHART_TITLES.get(n, n) for n in shown),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if brief.binds:
        heading("What binds")
        for line in brief.binds[: density.binds]:
            paragraph("\u2022 " + line)
    for title, lines in brief.extra:
        heading(title)
        for line in lines[: density.binds + 2]:
            paragraph("\u2022 " + line)
    pdf.ln(2)
    pdf.set_font(FONT, "", size * 0.85)
    pdf.write(size * 0.42, "Full report: ")
    pdf.write(size * 0.42, FULL_REPORT, link=FULL_REPORT)
    pdf.write(
        size * 0.42,
        f" in the same folder (every table, source and the run manifest). Run {brief.created_at}.",
    )
    return pdf


def _date(created_at: str) -> Any:
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(created_at)
    except ValueError:
        return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
