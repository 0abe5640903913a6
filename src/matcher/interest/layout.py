"""A letter as the brief's blocks (`brief.layout`), in one of six languages, so the brief's own
renderers draw it: Markdown escaped, Word right to left in Arabic.

Fixed words come from the gettext domain ``interest``; the statement, the titles, the needs and
the page's caveat are quoted as given, never translated.
"""

from __future__ import annotations

from collections.abc import Sequence

from matcher.brief.layout import Block, Bullets, Document, Heading, PageBreak, Paragraph, Style
from matcher.i18n.messages import Translate, translator
from matcher.interest.letters import COALITION_MAILBOX, INTEREST_CAVEAT, Letter

DOMAIN = "interest"
BLANK = "____________________"


def subject(letter: Letter, lang: str) -> str:
    """The letter's subject line: the programmes' ids, one line."""
    _ = translator(lang, DOMAIN)
    ids = ", ".join(p.id for p in letter.programmes)
    return _("Expression of interest in Global Coalition programmes {ids}", ids=ids)


def organisation_name(letter: Letter, _: Translate) -> str:
    return _("Global Coalition secretariat") if letter.via_coalition else letter.organisation


def letter_blocks(letter: Letter, lang: str) -> list[Block]:
    """One letter's blocks: greeting, programmes with the needs each serves, caveat, signature."""
    _ = translator(lang, DOMAIN)
    blocks: list[Block] = [Heading(subject(letter, lang), 2)]
    if letter.via_coalition:
        blocks.append(
            Paragraph(
                _(
                    "The catalogue names no implementing organisation for these programmes, so "
                    "this letter goes to the Coalition's mailbox for questions, {address}, to "
                    "pass on to the point of contact.",
                    address=COALITION_MAILBOX,
                ),
                Style.NOTE,
            )
        )
    else:
        blocks.append(
            Paragraph(
                _(
                    "To: the point of contact for these programmes at {organisation}, as named "
                    "in each programme's description on the Global Coalition initiatives page.",
                    organisation=letter.organisation,
                ),
                Style.NOTE,
            )
        )
    blocks.append(
        Paragraph(
            _("Dear colleagues at {organisation},", organisation=organisation_name(letter, _))
        )
    )
    if letter.country:
        opening = _(
            "On behalf of {country}, we would like to register our interest in the following "
            "programmes of the Global Coalition to Address Synthetic Drug Threats.",
            country=letter.country,
        )
    else:
        opening = _(
            "We would like to register our interest in the following programmes of the Global "
            "Coalition to Address Synthetic Drug Threats."
        )
    blocks.append(Paragraph(opening))
    for programme in letter.programmes:
        blocks.append(Heading(f"{programme.id}: {programme.title}", 3))
        if programme.needs:
            blocks += [Paragraph(_("The needs it would serve:")), Bullets(programme.needs)]
        else:
            blocks.append(Paragraph(_("It would serve our statement of needs as a whole.")))
    blocks += [
        Paragraph(_("Our statement of needs:")),
        Paragraph(letter.statement, Style.QUOTE),
        Paragraph(
            _(
                "We understand, as the Coalition's page says, that an expression of interest is "
                "not a guarantee of participation:"
            )
        ),
        Paragraph(INTEREST_CAVEAT, Style.QUOTE),
        Paragraph(_("Kind regards,")),
        Paragraph(
            _("To be completed by the sender: name, position, institution, e-mail and telephone:")
            + " "
            + BLANK
        ),
    ]
    return blocks


def lay_out_letters(letters: Sequence[Letter], lang: str) -> Document:
    """Every letter in one document, a page each."""
    _ = translator(lang, DOMAIN)
    blocks: list[Block] = []
    for n, letter in enumerate(letters):
        if n:
            blocks.append(PageBreak())
        blocks += letter_blocks(letter, lang)
    return Document(_("Expressions of interest: Global Coalition programmes"), lang, tuple(blocks))
