"""A brief in each of its formats: CSV and JSON (English keys, stable for scripts) here, the
documents a person reads (Markdown, DOCX, PDF) through `layout` in the reader's language.

    data = render_bytes(brief, "pdf", "es")
    FORMATS[BriefFormat.PDF].media_type   # "application/pdf"
"""

from __future__ import annotations

import json

from matcher.brief.model import FORMATS, Brief, BriefFormat, brief_format
from matcher.text import csv_text

CSV_FIELDS = (
    "organization",
    "id",
    "title",
    "sub_working_group",
    "match",
    "needs",
    "regions",
    "why",
    "requires",
    "partners",
    "gap",
)
"""CSV column names: English in every language, so a script reading the file never changes."""


def to_csv(brief: Brief) -> str:
    """One row per programme, grouped by organisation, then one row per gap."""
    rows: list[dict[str, object]] = [
        {
            "organization": org,
            "id": i.id,
            "title": i.title,
            "sub_working_group": i.sub_working_group,
            "match": i.match,
            "needs": "; ".join(i.needs),
            "regions": "; ".join(i.regions),
            "why": i.why,
            "requires": "; ".join(i.requires),
            "partners": "; ".join(i.partners),
            "gap": "",
        }
        for org, items in brief.by_organization().items()
        for i in items
    ]
    rows += [{"gap": gap} for gap in brief.gaps]
    return csv_text(CSV_FIELDS, rows)


def to_json(brief: Brief) -> str:
    """The brief as JSON: English keys, the statement and catalogue texts as given."""
    return json.dumps(brief.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render(brief: Brief, fmt: BriefFormat | str, lang: str | None = None) -> str:
    """The brief in a text format (md, csv, json); Markdown in `lang` (default: the statement's).

    CSV and JSON are for machines and the same in every language.
    """
    fmt = brief_format(fmt)
    if fmt is BriefFormat.MARKDOWN:
        from matcher.brief.layout import lay_out
        from matcher.brief.markdown import to_markdown

        return to_markdown(lay_out(brief, brief.language(lang)))
    if fmt is BriefFormat.CSV:
        return to_csv(brief)
    if fmt is BriefFormat.JSON:
        return to_json(brief)
    raise ValueError(f"{fmt.value} is a binary format: use render_bytes(brief, {fmt.value!r})")


def render_bytes(brief: Brief, fmt: BriefFormat | str, lang: str | None = None) -> bytes:
    """The brief as file contents in any format (text formats as UTF-8), in `lang`.

    Args:
        brief: The brief.
        fmt: One of `BriefFormat` (md, csv, json, docx, pdf).
        lang: en, es, fr, pt, ru or ar (default: the language the statement is written in).

    Raises:
        ValueError: An unknown format or language (LanguageError is a ValueError).
        MatcherError: PDF output without WeasyPrint's system libraries.
    """
    fmt = brief_format(fmt)
    if not FORMATS[fmt].binary:
        # "replace": a lone surrogate in a hand-made Brief becomes "?" instead of an error.
        return render(brief, fmt, lang).encode("utf-8", errors="replace")
    from matcher.brief.layout import lay_out

    document = lay_out(brief, brief.language(lang))
    if fmt is BriefFormat.DOCX:
        from matcher.brief.docx import to_docx

        return to_docx(document)
    from matcher.brief.pdf import to_pdf

    return to_pdf(document)
