"""The brief as a document a person reads, in one of six languages: every heading and sentence.

`lay_out` turns a Brief into a short list of blocks (headings, paragraphs, lists, label/value
fields, tables, a page break); `brief_markdown`, `brief_docx` and `brief_pdf` only draw them, so
the words and their order live here once. Fixed words come from the gettext domain ``brief``;
the statement and the catalogue's titles and passages are quoted as given, never translated.

The summary comes first (the statement, the needs read and their status, the context, the
gaps); then the programmes under each need, in the statement's order, a need nothing serves
saying so in its place. No forced page break: the programmes start on page one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum

from matcher.brief.model import UNNAMED, Brief, BriefItem, BriefNeed
from matcher.i18n.messages import Translate, is_rtl, translator

DOMAIN = "brief"
UNSERVED = ("gap", "out-of-scope")  # the statuses of a need nothing in the catalogue serves


class Style(StrEnum):
    """How a paragraph reads: running text, the quoted statement, or a small note."""

    BODY = "body"
    QUOTE = "quote"
    NOTE = "note"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int
    """2 for a section, 3 for an organisation, 4 for a programme (1 is the document title)."""


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: Style = Style.BODY


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Fields:
    """Label/value rows, e.g. one programme's details; a value may run to several lines."""

    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Bullets | Fields | Table | PageBreak


@dataclass(frozen=True)
class Document:
    """A laid-out brief: its title, language, direction and blocks, ready to draw."""

    title: str
    lang: str
    blocks: tuple[Block, ...]

    @property
    def rtl(self) -> bool:
        return is_rtl(self.lang)


def reads_right_to_left(text: str) -> bool:
    """Whether a text holds right-to-left letters (Arabic, Hebrew): a quoted English title in
    an Arabic brief does not, and is then set left to right inside the right-to-left page."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def lay_out(brief: Brief, lang: str = "en") -> Document:
    """The brief's document in `lang` (en, es, fr, pt, ru, ar)."""
    _ = translator(lang, DOMAIN)
    blocks: list[Block] = [Paragraph(_source_line(brief, _), Style.NOTE)]
    blocks += [
        Heading(_("What the country asked for"), 2),
        Paragraph(" ".join(brief.statement.split()), Style.QUOTE),
    ]
    blocks += _needs(brief, _)
    blocks += _gaps(brief, _)
    blocks += [
        Heading(_("At a glance"), 2),
        Paragraph(
            _(
                "Programmes listed: {programmes}. Organisations to contact: {organisations}.",
                programmes=len(brief.items),
                organisations=len(brief.by_organization()),
            )
        ),
    ]
    blocks += _programmes(brief, _)
    blocks += [
        Paragraph(
            _(
                "To register interest, contact the point of contact named in each initiative on "
                "the Global Coalition initiatives page; expressing interest does not guarantee "
                "participation."
            )
        ),
        Paragraph(
            _("Titles, passages and conditions are quoted from the catalogue as published."),
            Style.NOTE,
        ),
    ]
    title = _("Country brief: Global Coalition initiatives")
    return Document(title, lang, tuple(_printable(block) for block in blocks))


# isolates and marks that keep a Latin title in its order inside an Arabic sentence (the
# translator adds them around filled-in values): format characters, yet wanted
_BIDI_CONTROLS = frozenset("\u200e\u200f\u2066\u2067\u2068\u2069")


def _text(value: str) -> str:
    """Text every format can hold: XML (DOCX, the PDF's HTML) refuses control characters and
    UTF-8 refuses lone surrogates; the engine cleans what it reads, a hand-made Brief may not."""
    return "".join(ch if ch.isprintable() or ch in _BIDI_CONTROLS else " " for ch in value)


def _printable(block: Block) -> Block:
    if isinstance(block, Heading | Paragraph):
        return replace(block, text=_text(block.text))
    if isinstance(block, Bullets):
        return Bullets(tuple(map(_text, block.items)))
    if isinstance(block, Fields):
        return Fields(tuple((_text(k), tuple(map(_text, v))) for k, v in block.rows))
    if isinstance(block, Table):
        rows = tuple(tuple(map(_text, row)) for row in block.rows)
        return Table(tuple(map(_text, block.header)), rows)
    return block


def _source_line(brief: Brief, _: Translate) -> str:
    if brief.catalogue is None:
        return _("Prepared {date}.", date=brief.created)
    version = brief.catalogue
    line = _(
        "Prepared {date} from catalogue version {version} ({count} initiatives).",
        date=brief.created,
        version=version.corpus_hash,
        count=version.initiatives,
    )
    if version.index_created:
        # The day alone: a time stamp's "T" and "+00:00" scramble inside right-to-left text.
        line += " " + _("Index built {built}.", built=version.index_created[:10])
    return line


def _status(status: str, _: Translate) -> str:
    words = {
        "served": _("Served"),
        "gap": _("Gap: nothing in the catalogue"),
        "other-region-only": _("Offered only to other regions"),
        "out-of-scope": _("Out of scope: nothing in the catalogue"),
    }
    return words.get(status, status)


def _actor(kind: str, _: Translate) -> str:
    """A kind of writer (data/actors.json's categories) in the brief's language."""
    words = {
        "police": _("police"),
        "customs": _("customs"),
        "health ministry": _("health ministry"),
        "regulator": _("regulator"),
        "forensic lab": _("forensic lab"),
        "judiciary": _("judiciary"),
        "prosecutors": _("prosecutors"),
        "city": _("city"),
        "parliament": _("parliament"),
        "prison service": _("prison service"),
        "ngo": _("NGO"),
        "education": _("education"),
    }
    return words.get(kind, kind)


def _match(label: str, _: Translate) -> str:
    words = {"strong": _("Strong"), "partial": _("Partial"), "weak": _("Weak")}
    return words.get(label, label)


def _needs(brief: Brief, _: Translate) -> list[Block]:
    blocks: list[Block] = [Heading(_("What we read"), 2)]
    if brief.needs:
        blocks.append(
            Table(
                (_("Need"), _("Reading"), _("Programmes")),
                tuple(
                    (need.text, _status(need.status, _), ", ".join(need.programmes) or "—")
                    for need in brief.needs
                ),
            )
        )
    else:
        blocks.append(
            Paragraph(
                _("No separate needs were read: the programmes answer the statement as a whole.")
            )
        )
    context = brief.context
    rows = [
        (label, values)
        for label, values in (
            (_("Places named"), context.places),
            (_("Who is asking"), tuple(_actor(a, _) for a in context.actors)),
            (_("What exists already"), context.existing),
        )
        if values
    ]
    if rows:
        blocks.append(Fields(tuple(rows)))
    return blocks


def _gaps(brief: Brief, _: Translate) -> list[Block]:
    blocks: list[Block] = [Heading(_("Gaps"), 2)]
    if brief.gaps:
        blocks += [
            Paragraph(_("No initiative in the catalogue addresses these needs:")),
            Bullets(brief.gaps),
        ]
    elif brief.needs:
        blocks.append(Paragraph(_("Every need read has at least one programme in the catalogue.")))
    else:
        blocks.append(Paragraph(_("No gap can be named without separate needs.")))
    if brief.other_region_only:
        blocks += [
            Paragraph(_("Served only by programmes limited to other regions:")),
            Bullets(brief.other_region_only),
        ]
    return blocks


def in_statement_order(brief: Brief) -> list[BriefNeed]:
    """The needs in the order the statement states them (a need it does not spell out, such as
    one the user added, after those it does)."""
    folded = " ".join(brief.statement.split()).casefold()

    def place(need: BriefNeed) -> int:
        at = folded.find(" ".join(need.text.split()).casefold())
        return at if at >= 0 else len(folded)

    return sorted(brief.needs, key=place)


def _programmes(brief: Brief, _: Translate) -> list[Block]:
    """Each need with its programmes (a programme in full once, then named), then the rest."""
    blocks: list[Block] = [Heading(_("Programmes, by need"), 2)]
    if not brief.items and not brief.needs:
        return [*blocks, Paragraph(_("No programme selected."))]
    shown: set[str] = set()

    def listed(items: list[BriefItem]) -> list[Block]:
        out: list[Block] = []
        for item in items:
            if item.id in shown:
                named = f"{item.id}: {item.title}"
                out.append(Paragraph(_("Also listed above: {programme}", programme=named)))
                continue
            shown.add(item.id)
            out += [Heading(f"{item.id}: {item.title}", 4), _programme(item, _)]
        return out

    for number, need in enumerate(in_statement_order(brief), start=1):
        blocks.append(Heading(_("Need {n}: {need}", n=number, need=need.text), 3))
        if need.status in UNSERVED:
            blocks.append(Paragraph(_("Nothing in the catalogue serves this need.")))
            continue
        items = [i for i in brief.items if need.text in i.needs or i.id in need.programmes]
        if need.status == "other-region-only":
            blocks.append(Paragraph(_("Offered only by programmes limited to other regions:")))
        if not items:
            blocks.append(Paragraph(_("No programme listed for this need.")))
        blocks += listed(items)
    rest = [i for i in brief.items if i.id not in shown]
    if rest:
        if brief.needs:
            blocks.append(Heading(_("Other programmes for the statement"), 3))
        blocks += listed(rest)
    return blocks


def _programme(item: BriefItem, _: Translate) -> Fields:
    organisation = (
        _("Organisation not named on the page") if item.organization == UNNAMED else item.organization
    )
    rows: list[tuple[str, tuple[str, ...]]] = [
        (_("Organisation to contact"), (organisation,)),
        (_("Match"), (_match(item.match, _),)),
        (_("Sub-working group"), (item.sub_working_group,)),
        (
            _("Region limits"),
            (", ".join(item.regions),) if item.regions else (_("Open to every region"),),
        ),
        (_("Serves"), item.needs or (_("the statement as a whole (no single need)"),)),
        (_("Why it matched"), (item.why,)),
    ]
    if item.requires:
        rows.append((_("What joining requires"), item.requires))
    if item.partners:
        rows.append((_("Possible partners"), item.partners))
    return Fields(tuple(rows))
