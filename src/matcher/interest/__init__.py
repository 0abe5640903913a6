"""Expression-of-interest letters: one per implementing organisation, for the programmes a
country chose, in Markdown, e-mail (RFC 5322) or Word."""

from matcher.interest.letters import (
    COALITION_MAILBOX,
    INTEREST_CAVEAT,
    MAX_PROGRAMMES,
    Letter,
    LetterProgramme,
    check_ids,
    make_letters,
)
from matcher.interest.render import LetterFile, LetterFormat, letter_format, render_letters

__all__ = [
    "COALITION_MAILBOX",
    "INTEREST_CAVEAT",
    "MAX_PROGRAMMES",
    "Letter",
    "LetterFile",
    "LetterFormat",
    "LetterProgramme",
    "check_ids",
    "letter_format",
    "make_letters",
    "render_letters",
]
