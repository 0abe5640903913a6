"""The "Register interest" buttons beside the shortlist: expression-of-interest letters, one per
implementing organisation, as e-mails (a zip when several) or one Word document."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import streamlit as st

from matcher.facade import Matcher
from matcher.i18n.messages import translator
from matcher.interest import LetterFormat, render_letters


def _letters(
    matcher: Matcher, statement: str, ids: Sequence[str], country: str, fmt: LetterFormat, lang: str
) -> bytes:
    letters = matcher.interest_letters(statement, ids, country=country)
    return render_letters(letters, fmt, lang).content


def interest_downloads(
    matcher: Matcher, statement: str, shortlist: Sequence[str], lang: str
) -> None:
    """The country field and two download buttons; letters are written only on a click."""
    _ = translator(lang, "interest")
    if not shortlist:
        st.caption(_("Shortlist programmes to write letters of interest to their organisations."))
        return
    country = st.text_input(
        _("Your country (named in the letters)"), key="interest_country", max_chars=100
    )
    organisations = {(matcher.get(i).organizations or ("",))[0] for i in shortlist}
    several = len(organisations) > 1
    buttons = {
        LetterFormat.EML: (_("Register interest (e-mail)"), "zip" if several else "eml",
                           "application/zip" if several else "message/rfc822"),
        LetterFormat.DOCX: (_("Register interest (Word)"), "docx",
                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    }  # fmt: skip
    for column, (fmt, (label, extension, media)) in zip(
        st.columns(len(buttons)), buttons.items(), strict=True
    ):
        column.download_button(
            label,
            partial(_letters, matcher, statement, tuple(shortlist), country, fmt, lang),
            f"interest.{extension}",
            media,
            key=f"interest_download_{fmt.value}",
            on_click="ignore",
            width="stretch",
            icon=":material/mail:",
        )
