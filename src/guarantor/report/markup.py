"""A tiny document model rendered to Markdown and to self-contained, printable HTML.

Reports are built once as blocks (headings, paragraphs, tables, figures) and rendered
twice, so report.md and report.html always say the same thing. The HTML inlines every
chart as a base64 SVG data URI and carries its own CSS (including print rules), so it
opens offline in any browser and prints cleanly.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str
    emphasis: bool = False  # the answer: boxed in HTML, quoted in Markdown


@dataclass(frozen=True)
class Bullets:
    items: Sequence[str]


@dataclass(frozen=True)
class Table:
    """Cells already formatted as text; `numeric` columns are right-aligned."""

    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    numeric: frozenset[str] = frozenset()
    caption: str = ""
    compact: bool = False
    """Small print for appendices (sources, manifest), so they take pages, not dozens."""
    html: str = field(default="", compare=False, repr=False)
    """Its HTML, rendered ahead (`rendered`), or empty."""


def rendered(table: Table) -> Table:
    """`table` carrying its HTML: the inputs' appendix (25,000 rows at 1,600 contributors) is
    rendered by a report worker while the command solves, not by the command after."""
    return replace(table, html=_html_block(table, {}))


@dataclass(frozen=True)
class Image:
    """A chart saved as `charts/<name>.png` and `.svg`."""

    name: str
    alt: str
    caption: str = ""


Block = Heading | Paragraph | Bullets | Table | Image


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(doc: Document, image_folder: str = "charts", image_format: str = "png") -> str:
    """GitHub-flavoured Markdown; images point at the chart files (PNG by default) next to the report."""
    out = [f"# {doc.title}", ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * block.level} {block.text}", ""]
        elif isinstance(block, Paragraph):
            out += [f"> {block.text}" if block.emphasis else block.text, ""]
        elif isinstance(block, Bullets):
            out += [f"- {item}" for item in block.items] + [""]
        elif isinstance(block, Table):
            if block.caption:
                out += [f"*{block.caption}*", ""]
            align = ["---:" if c in block.numeric else "---" for c in block.columns]
            out.append("| " + " | ".join(_md_cell(c) for c in block.columns) + " |")
            out.append("| " + " | ".join(align) + " |")
            out += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in block.rows]
            out.append("")
        else:
            out += [f"![{block.alt}]({image_folder}/{block.name}.{image_format})", ""]
            if block.caption:
                out += [f"*{block.caption}*", ""]
    return "\n".join(out).rstrip() + "\n"


_INLINE = (
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"`(.+?)`"), r"<code>\1</code>"),
)


def _inline(text: str) -> str:
    """Escape, then turn **bold** and `code` into tags (the only inline markup we write)."""
    escaped = html.escape(text, quote=False)
    for pattern, replacement in _INLINE:
        escaped = pattern.sub(replacement, escaped)
    return escaped


_BREAK = re.compile(r"(?<=[._])(?=\w)|(?<=[^<]/)(?=\w)")


def _breakable(text: str) -> str:
    """Inline markup plus `<wbr>` after dots, slashes and underscores, so key paths and URLs wrap
    at their joints in narrow columns instead of forcing the table wider than the page."""
    return _BREAK.sub("<wbr>", _inline(text))


CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       max-width: 62rem; margin: 2rem auto; padding: 0 1rem; color: #111; line-height: 1.45; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #0072B2; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; }
p, li { overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .8rem 0 1.2rem; font-size: .88rem; max-width: 100%; }
caption { caption-side: top; text-align: left; font-style: italic; padding-bottom: .3rem; }
th, td { border-bottom: 1px solid #ccc; padding: .25rem .55rem; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
th { border-bottom: 2px solid #444; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
table.compact { font-size: .74rem; line-height: 1.25; width: 100%; }
table.compact th, table.compact td { padding: .1rem .35rem; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: .85rem; color: #333; }
.answer { border-left: 4px solid #0072B2; padding: .6rem 1rem; background: #f2f7fb; }
code { font-size: .9em; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  figure, tr, .answer { break-inside: avoid; }
  figure img { max-height: 12cm; }
  .answer { background: none; }
  table { font-size: 8.5pt; }
  table.compact { font-size: 6.5pt; }
  a { color: inherit; text-decoration: none; }
  @page { margin: 1.4cm; }
}
""".strip()


def _html_block(block: Block, images: Mapping[str, bytes]) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{_inline(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        css = ' class="answer"' if block.emphasis else ""
        return f"<p{css}>{_inline(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>\n" + "\n".join(f"<li>{_inline(i)}</li>" for i in block.items) + "\n</ul>"
    if isinstance(block, Table):
        if block.html:
            return block.html
        cls = [' class="num"' if c in block.numeric else "" for c in block.columns]
        head = "".join(f"<th{k}>{_inline(c)}</th>" for c, k in zip(block.columns, cls, strict=True))
        cell = _breakable if block.compact else _inline
        body = "\n".join(
            "<tr>" + "".join(f"<td{k}>{cell(v)}</td>" for v, k in zip(row, cls, strict=True)) + "</tr>"
            for row in block.rows
        )
        caption = f"<caption>{_inline(block.caption)}</caption>" if block.caption else ""
        table = '<table class="compact">' if block.compact else "<table>"
        return f"{table}{caption}\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
    image = images[block.name]
    mime = "image/png" if image.startswith(b"\x89PNG") else "image/svg+xml"
    data = base64.b64encode(image).decode("ascii")
    caption = f"<figcaption>{_inline(block.caption)}</figcaption>" if block.caption else ""
    alt = html.escape(block.alt)
    return f'<figure><img alt="{alt}" src="data:{mime};base64,{data}">{caption}</figure>'


def to_html(doc: Document, images: Mapping[str, bytes]) -> str:
    """One HTML file with inline CSS and every chart inlined (`images`: name -> SVG or PNG bytes)."""
    body = "\n".join(_html_block(b, images) for b in doc.blocks)
    title = html.escape(doc.title)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n"
        f"<h1>{title}</h1>\n{body}\n</body>\n</html>\n"
    )
