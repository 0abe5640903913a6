"""The country brief's download buttons: Markdown, CSV, JSON, Word and PDF, in one language."""

from __future__ import annotations

from functools import partial

import streamlit as st

import matcher.brief.render as brief_files
from matcher.brief.model import FORMATS, Brief, BriefFormat
from matcher.i18n.messages import translator


def brief_downloads(brief: Brief, lang: str | None = None) -> None:
    """One button per brief format; `lang` is the brief's language (default: the statement's).

    The text formats are rendered now (they cost little); Word and PDF only when their button
    is clicked, so a page rerun never waits for a typesetter.
    """
    lang = brief.language(lang)
    _ = translator(lang, "brief")
    labels = {
        BriefFormat.MARKDOWN: _("Brief (Markdown)"),
        BriefFormat.CSV: _("Brief (CSV)"),
        BriefFormat.JSON: _("Brief (JSON)"),
        BriefFormat.DOCX: _("Brief (Word)"),
        BriefFormat.PDF: _("Brief (PDF)"),
    }
    for column, (fmt, label) in zip(st.columns(len(labels)), labels.items(), strict=True):
        info = FORMATS[fmt]
        data = (
            partial(brief_files.render_bytes, brief, fmt, lang)
            if info.binary
            else brief_files.render(brief, fmt, lang)
        )
        column.download_button(
            label,
            data,
            f"country-brief.{info.extension}",
            info.media_type,
            key=f"brief_download_{fmt.value}",
            on_click="ignore",
            width="stretch",
        )
