"""The letters' content: which organisation each goes to, the programmes chosen from it, and the
needs from the statement each would serve, as the engine read them.

The catalogue page asks countries to "email the point of contact referenced in the text" of each
initiative. The catalogue keeps no addresses, so a letter's recipient is left for the sender;
the 51 records that name no implementing organisation go to the Coalition's own mailbox for
questions instead, and their letter says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matcher.brief.model import UNNAMED
from matcher.catalogue.model import Corpus
from matcher.errors import InputError, shown
from matcher.search.results import Match, SearchResult

MAX_PROGRAMMES = 20
"""Programmes in one request: letters are written for a shortlist, not the whole catalogue."""
MAX_COUNTRY_CHARS = 100

INTEREST_CAVEAT = (
    "However, it is important to note that an expression of interest is not a guarantee of "
    "participation. Implementing organizations will do their best to accommodate government "
    "partners in initiatives of interest, based on availability of resources."
)
"""Quoted verbatim from the catalogue page's introduction (corpus/global-coalition-initiatives.txt,
line 4); a test checks the page still says it."""
COALITION_MAILBOX = "SyntheticsCoalition@state.gov"
"""The address the page gives for questions ("SyntheticsCoalition [at] state [dot] gov", line 5
of the page); letters for programmes that name no organisation go there."""


@dataclass(frozen=True)
class LetterProgramme:
    """One programme chosen, and the needs of the statement it would serve."""

    id: str
    title: str
    needs: tuple[str, ...]

    def __post_init__(self) -> None:
        # every field one line, however the letter was made: none can start a header or block
        object.__setattr__(self, "title", _one_line(self.title))
        object.__setattr__(self, "needs", tuple(map(_one_line, self.needs)))


@dataclass(frozen=True)
class Letter:
    """One letter: to one implementing organisation (or the Coalition's mailbox)."""

    organisation: str
    """The organisation as the catalogue names it; `UNNAMED` when it names none."""
    programmes: tuple[LetterProgramme, ...]
    statement: str
    country: str = ""
    to_address: str = ""
    """Where to send it: empty (for the sender to fill) unless the catalogue names no
    organisation, then the Coalition's mailbox."""

    @property
    def via_coalition(self) -> bool:
        """Whether the letter goes to the Coalition because the catalogue names no organisation."""
        return self.organisation == UNNAMED


def _one_line(value: str) -> str:
    """A field as one line of printable text: no newline in it can start a header or a block."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


def check_ids(ids: Sequence[str], corpus: Corpus) -> list[str]:
    """The ids as the catalogue spells them, in the order given, repeats dropped; InputError
    naming them for an empty list, too many, or ids the catalogue does not hold."""
    wanted = [i.strip().upper() for i in ids if i.strip()]
    if not wanted:
        raise InputError("choose at least one programme: give its id, e.g. --ids 1204")
    unique = list(dict.fromkeys(wanted))
    if len(unique) > MAX_PROGRAMMES:
        raise InputError(
            f"at most {MAX_PROGRAMMES} programmes in one request (got {len(unique)}: "
            f"{shown(', '.join(unique))}); send the rest separately"
        )
    unknown = [i for i in unique if i not in corpus]
    if unknown:
        raise InputError(
            f"unknown initiative ids: {shown(', '.join(unknown))}; `matcher corpus` lists the ids"
        )
    return [corpus.get(i).id for i in unique]


def _needs_served(match: Match, result: SearchResult) -> tuple[str, ...]:
    """The needs this programme serves in the engine's reading: its card's own needs, else the
    needs whose best programmes include it, else none (it answers the statement as a whole)."""
    if match.needs:
        return match.needs
    return tuple(n.text for n in result.needs if match.id in n.results)


def make_letters(
    result: SearchResult, ids: Sequence[str], corpus: Corpus, *, country: str = ""
) -> list[Letter]:
    """One letter per implementing organisation for the chosen programmes, in the order the
    organisations first appear among the ids.

    Args:
        result: The search run for the statement, holding every chosen programme.
        ids: The chosen initiative ids (checked with `check_ids`).
        corpus: The catalogue (for each programme's organisation and title).
        country: The writer's country, as they give it (cleaned to one line).
    """
    chosen = check_ids(ids, corpus)
    country = _one_line(country)
    if len(country) > MAX_COUNTRY_CHARS:
        raise InputError(
            f"a country is at most {MAX_COUNTRY_CHARS} characters (got {len(country)})"
        )
    matches = {m.id: m for m in result.results}
    grouped: dict[str, list[LetterProgramme]] = {}
    for initiative_id in chosen:
        initiative = corpus.get(initiative_id)
        match = matches.get(initiative_id)
        needs = _needs_served(match, result) if match is not None else ()
        organisation = initiative.organizations[0] if initiative.organizations else UNNAMED
        grouped.setdefault(organisation, []).append(
            LetterProgramme(
                initiative.id, _one_line(initiative.title), tuple(map(_one_line, needs))
            )
        )
    statement = " ".join(result.query.split())
    return [
        Letter(
            organisation=_one_line(org),
            programmes=tuple(programmes),
            statement=statement,
            country=country,
            to_address=COALITION_MAILBOX if org == UNNAMED else "",
        )
        for org, programmes in grouped.items()
    ]
