"""A laid-out brief drawn as PDF: HTML and CSS typeset by WeasyPrint.

WeasyPrint lays text out with Pango and HarfBuzz, so Arabic is shaped and ordered right to left
and Cyrillic needs nothing special, given a font with those glyphs: DejaVu Sans (Debian's
fonts-dejavu-core) is asked for first. Every text is HTML-escaped; the document is built from
the brief alone (no URL, file or network is ever fetched).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from matcher.brief import layout
from matcher.errors import MatcherError

CSS = """
@page { size: A4; margin: 18mm 16mm 20mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; } }
html { font-family: "DejaVu Sans", "Noto Sans", "Noto Naskh Arabic", "Liberation Sans",
       sans-serif; font-size: 9.5pt; line-height: 1.35; color: #111; }
h1 { font-size: 16pt; margin: 0 0 4pt; }
h2 { font-size: 12.5pt; margin: 12pt 0 4pt; border-bottom: 0.6pt solid #888; }
h3 { font-size: 11pt; margin: 10pt 0 3pt; break-after: avoid; }
h4 { font-size: 10pt; margin: 8pt 0 2pt; break-after: avoid; }
p { margin: 0 0 5pt; }
p.note { font-size: 8pt; color: #444; }
blockquote { margin: 0 0 6pt; padding: 3pt 8pt; border-inline-start: 2pt solid #888;
             font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: 0 0 6pt; break-inside: auto; }
th, td { border: 0.5pt solid #999; padding: 2pt 4pt; vertical-align: top; text-align: start; }
th { background: #eee; }
table.fields td.label { width: 26%; font-weight: bold; }
table.fields { break-inside: avoid; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td p { margin: 0 0 2pt; }
.break { break-before: page; }
ul { margin: 0 0 6pt; padding-inline-start: 14pt; }
"""


def to_html(document: layout.Document) -> str:
    """The document as one self-contained HTML page (what `to_pdf` typesets)."""
    text = _ltr_inside_rtl if document.rtl else escape
    body: list[str] = [f"<h1>{text(document.title)}</h1>"]
    pending_break = False
    for block in document.blocks:
        if isinstance(block, layout.PageBreak):
            pending_break = True
            continue
        body.append(_block(block, "break" if pending_break else "", text))
        pending_break = False
    return (
        f'<!DOCTYPE html><html lang="{escape(document.lang)}" '
        f'dir="{"rtl" if document.rtl else "ltr"}">'
        f"<head><meta charset='utf-8'><title>{escape(document.title)}</title>"
        f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>"
    )


def _ltr_inside_rtl(value: str) -> str:
    """Escaped text; without right-to-left letters (an English title, an id list) it keeps its
    left-to-right order on the right-to-left page, instead of "2103: Title" reading ":2103"."""
    if layout.reads_right_to_left(value):
        return escape(value)
    return f'<span dir="ltr">{escape(value)}</span>'


def _classes(*names: str) -> str:
    shown = " ".join(name for name in names if name)
    return f' class="{shown}"' if shown else ""


def _block(block: layout.Block, brk: str, text: Callable[[str], str]) -> str:
    if isinstance(block, layout.Heading):
        return f"<h{block.level}{_classes(brk)}>{text(block.text)}</h{block.level}>"
    if isinstance(block, layout.Paragraph):
        if block.style is layout.Style.QUOTE:
            return f"<blockquote{_classes(brk)}>{text(block.text)}</blockquote>"
        note = "note" if block.style is layout.Style.NOTE else ""
        return f"<p{_classes(note, brk)}>{text(block.text)}</p>"
    if isinstance(block, layout.Bullets):
        items = "".join(f"<li>{text(item)}</li>" for item in block.items)
        return f"<ul{_classes(brk)}>{items}</ul>"
    if isinstance(block, layout.Fields):
        rows = "".join(
            f'<tr><td class="label">{text(label)}</td><td>'
            + "".join(f"<p>{text(v)}</p>" for v in values)
            + "</td></tr>"
            for label, values in block.rows
        )
        return f"<table{_classes('fields', brk)}>{rows}</table>"
    assert isinstance(block, layout.Table)
    head = "".join(f"<th>{text(h)}</th>" for h in block.header)
    rows = "".join(
        "<tr>" + "".join(f"<td>{text(c)}</td>" for c in row) + "</tr>" for row in block.rows
    )
    return f"<table{_classes(brk)}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango's shared libraries are missing
        raise MatcherError(
            f"PDF output needs WeasyPrint and the Pango library ({exc.__class__.__name__}): "
            "pip install weasyprint, apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            "fonts-dejavu-core; or choose --format docx"
        ) from None
    return weasyprint


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, Any]:
    raise ValueError(f"the brief fetches nothing ({url[:40]})")


def to_pdf(document: layout.Document) -> bytes:
    """The document as the bytes of a PDF file (A4, page numbers at the foot)."""
    weasyprint = _weasyprint()
    html = weasyprint.HTML(string=to_html(document), url_fetcher=_no_fetch)
    pdf: bytes = html.write_pdf()
    return pdf
