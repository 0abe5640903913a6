"""Letters as files: Markdown (one document), Word (one document, a page per letter) through the
brief's renderers, or e-mail: one RFC 5322 message per organisation written with the standard
library's `email` package, several of them in a zip.

    data = render_letters(letters, "eml", "es")   # LetterFile(content, media_type, extension)

In an e-mail every header value is one line (the letter's fields were made one line, and the
header policy refuses a line break), so no field can start a header of its own.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from enum import StrEnum

from matcher.brief.layout import Block, Bullets, Heading, Paragraph, Style
from matcher.interest.layout import lay_out_letters, letter_blocks, subject
from matcher.interest.letters import Letter


class LetterFormat(StrEnum):
    """Formats of the letters."""

    MARKDOWN = "md"
    EML = "eml"
    DOCX = "docx"


@dataclass(frozen=True)
class LetterFile:
    """Letters ready to send or save: the bytes, their media type and file extension."""

    content: bytes
    media_type: str
    extension: str


DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def letter_format(fmt: object) -> LetterFormat:
    """`fmt` as a LetterFormat, or a ValueError naming the formats there are."""
    try:
        return LetterFormat(str(fmt).strip().lower())
    except ValueError:
        raise ValueError(
            f"unknown letter format {str(fmt)[:20]!r}: choose one of "
            f"{', '.join(f.value for f in LetterFormat)}"
        ) from None


def render_letters(letters: Sequence[Letter], fmt: LetterFormat | str, lang: str) -> LetterFile:
    """The letters in `fmt` and `lang`: Markdown and Word hold every letter; e-mail is one
    message, or a zip of one message per organisation when there are several."""
    fmt = letter_format(fmt)
    if fmt is LetterFormat.MARKDOWN:
        from matcher.brief.markdown import to_markdown

        text = to_markdown(lay_out_letters(letters, lang))
        return LetterFile(text.encode("utf-8"), "text/markdown; charset=utf-8", "md")
    if fmt is LetterFormat.DOCX:
        from matcher.brief.docx import to_docx

        return LetterFile(to_docx(lay_out_letters(letters, lang)), DOCX_MEDIA, "docx")
    messages = [to_eml(letter, lang) for letter in letters]
    if len(messages) == 1:
        return LetterFile(messages[0], "message/rfc822", "eml")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, (letter, message) in enumerate(zip(letters, messages, strict=True), start=1):
            archive.writestr(f"{n:02d}-{_slug(letter.organisation)}.eml", message)
    return LetterFile(out.getvalue(), "application/zip", "zip")


def to_eml(letter: Letter, lang: str) -> bytes:
    """One letter as an RFC 5322 message (UTF-8 body), unsent: `To` is the Coalition's mailbox
    for a programme without an organisation, otherwise empty for the sender to fill."""
    message = EmailMessage(policy=SMTP)
    message["Subject"] = _header(subject(letter, lang))
    message["To"] = letter.to_address  # "" leaves the header for the sender's mail client
    message["Date"] = formatdate(localtime=False)
    message["X-Unsent"] = "1"  # mail clients open it as a draft, ready to send
    message.set_content(
        _plain(letter_blocks(letter, lang)), charset="utf-8", cte="quoted-printable"
    )
    message["Content-Language"] = lang  # after set_content, which clears content headers
    return message.as_bytes()


def _header(value: str) -> str:
    return " ".join(value.split())


def _plain(blocks: Sequence[Block]) -> str:
    """The letter as plain text for an e-mail body (no markup to escape: nothing renders)."""
    lines: list[str] = []
    for block in blocks[1:]:  # the heading is the subject
        if isinstance(block, Heading):
            lines += [block.text, ""]
        elif isinstance(block, Paragraph):
            lines += [f"“{block.text}”" if block.style is Style.QUOTE else block.text, ""]
        elif isinstance(block, Bullets):
            lines += [f"- {item}" for item in block.items] + [""]
    return "\n".join(lines)


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:40]
    return slug or "letter"
