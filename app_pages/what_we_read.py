"""The Find page's "What we read" panel and its need editor. Widgets and layout only.

The panel shows what the engine read from a statement: each need with the engine's verdict,
the context (place, who is asking, what exists already) and every clause read as context or
other, so nothing is dropped silently. The editor lets the user drop a need or add one and
search again; the choice lives in st.session_state and a new statement discards it.
"""

from __future__ import annotations

import streamlit as st

from app_pages.shared import escape_md, tr
from matcher.catalogue.model import Corpus
from matcher.reading.statement import ClauseKind
from matcher.search.calibration import NeedStatus
from matcher.search.results import NeedCoverage, SearchResult

# st.session_state keys
FOR = "needs_statement"  # the statement the edits belong to
READ = "needs_read"  # the needs the engine read from it
ADDED = "needs_added"  # needs the user typed in
CHOSEN = "needs_chosen"  # the needs to search for; None: the needs as read
EMPTY = "needs_empty"  # the last "Search again" had no need to search for
PICK = "need_pick"  # widget: the needs kept
ADD = "need_add"  # widget: a need to add

TITLE_CHARS = 60  # a programme's title in a verdict line; long ones run to 300 characters
CLAUSE_COLOURS: dict[str, str] = {ClauseKind.CONTEXT: "blue", ClauseKind.OTHER: "gray"}


def chosen_needs(statement: str) -> list[str] | None:
    """The needs the user chose for `statement`, or None to search for the needs as read.

    A statement other than the one the edits were made on starts afresh.
    """
    if st.session_state.get(FOR) != statement:
        st.session_state[FOR] = statement
        st.session_state[READ] = []
        st.session_state[ADDED] = []
        st.session_state[CHOSEN] = None
        st.session_state[EMPTY] = False
        # widget values of the previous statement: deleted before the widgets exist this run
        st.session_state.pop(PICK, None)
        st.session_state.pop(ADD, None)
    chosen: list[str] | None = st.session_state[CHOSEN]
    return chosen


def remember_read(result: SearchResult) -> None:
    """Keep the needs read from the statement, so a dropped one can be picked again."""
    if st.session_state.get(CHOSEN) is None:
        st.session_state[READ] = [n.text for n in result.needs]


def _current() -> list[str]:
    chosen: list[str] | None = st.session_state.get(CHOSEN)
    return list(chosen if chosen is not None else st.session_state.get(READ, []))


def _search_again() -> None:
    picked = list(st.session_state.get(PICK, []))
    added = " ".join(str(st.session_state.get(ADD, "")).split())
    if added and added not in picked:
        picked.append(added)
        if added not in st.session_state[READ] and added not in st.session_state[ADDED]:
            st.session_state[ADDED] = [*st.session_state[ADDED], added]
    st.session_state[ADD] = ""
    st.session_state[EMPTY] = not picked
    if not picked:  # nothing to search for: keep the last search and say so
        st.session_state[PICK] = _current()
        return
    st.session_state[PICK] = picked
    st.session_state[CHOSEN] = None if picked == st.session_state[READ] else picked


def _back_to_read() -> None:
    st.session_state[CHOSEN] = None
    st.session_state[ADDED] = []
    st.session_state[EMPTY] = False
    st.session_state[PICK] = list(st.session_state[READ])
    st.session_state[ADD] = ""


def _short(title: str, limit: int = TITLE_CHARS) -> str:
    """A title cut at a word boundary: the cards below give it in full."""
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-") + "…"


def _programmes(ids: tuple[str, ...], corpus: Corpus) -> str:
    named = (
        f"**{escape_md(i)}** {escape_md(_short(corpus.get(i).title))}"
        if i in corpus
        else escape_md(i)
        for i in ids
    )
    return ", ".join(named)


def verdict(need: NeedCoverage, corpus: Corpus) -> str:
    """The engine's verdict on one need as a badge and the programmes it names."""
    _ = tr()
    if need.status == NeedStatus.SERVED:
        return ":green-badge[:material/check_circle: {served}] {by}".format(
            served=_("Served"),
            by=_("by {programmes}", programmes=_programmes(need.results, corpus)),
        )
    if need.status == NeedStatus.OTHER_REGION_ONLY:
        return ":orange-badge[:material/public: {label}] ({programmes})".format(
            label=_("Offered only to other regions"),
            programmes=_programmes(need.results, corpus),
        )
    label = _("Probably not served: {p}", p=format(need.p_gap, ".2f"))
    return f":red-badge[:material/block: {label}]"


def actor_names() -> dict[str, str]:
    """The kinds of office a writer speaks for (data/actors.json's categories), translated."""
    _ = tr()
    return {
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


def _context(result: SearchResult) -> None:
    _ = tr()
    st.markdown("**{}**".format(_("Context")))
    names = actor_names()
    actors = tuple(names.get(a, a) for a in result.context.actors)
    rows = (
        (":material/location_on:", _("Place"), result.context.places),
        (":material/badge:", _("Who is asking"), actors),
        (":material/inventory_2:", _("Already in place"), result.context.existing),
    )
    not_stated = "*{}*".format(_("not stated"))
    for icon, label, values in rows:
        value = "; ".join(escape_md(v) for v in values) if values else not_stated
        st.markdown(f"{icon} {label}: {value}")
    if result.query_regions:
        st.caption(
            _(
                "Region read from your statement: {regions}. Programmes limited to other "
                "regions are ranked lower.",
                regions=escape_md(", ".join(result.query_regions)),
            )
        )


def _rest_of_statement(result: SearchResult) -> None:
    rest = [c for c in result.clauses if c.kind != ClauseKind.NEED]
    if not rest:
        return
    _ = tr()
    kinds = {ClauseKind.CONTEXT: _("context"), ClauseKind.OTHER: _("other")}
    st.markdown(
        "**{}**, {}".format(
            _("The rest of your statement"), _("read as context or other, not as a need")
        )
    )
    for clause in rest:
        colour = CLAUSE_COLOURS.get(clause.kind, "gray")
        kind = kinds.get(clause.kind, str(clause.kind))
        st.markdown(f":{colour}-badge[{kind} {clause.probability:.2f}] {escape_md(clause.text)}")


def _edit_needs() -> None:
    _ = tr()
    options = list(dict.fromkeys([*st.session_state[READ], *st.session_state[ADDED]]))
    if PICK not in st.session_state:
        st.session_state[PICK] = [n for n in _current() if n in options]
    with st.form("edit_needs", border=False):
        keep, add, go = st.columns([3, 3, 2], vertical_alignment="bottom")
        keep.multiselect(
            _("Needs to search for"),
            options,
            key=PICK,
            placeholder=_("Pick the needs to search for"),
            help=_("Drop a need you do not want matched; pick it again to bring it back."),
        )
        add.text_input(
            _("Add a need"),
            key=ADD,
            placeholder=_("e.g. forensic lab staff trained to identify NPS"),
        )
        go.form_submit_button(
            _("Search again"), on_click=_search_again, type="primary", width="stretch"
        )
    if st.session_state.get(EMPTY):
        st.warning(_("Keep or add at least one need to search for."), icon=":material/info:")
    if st.session_state.get(CHOSEN) is not None:
        note, back = st.columns([3, 1], vertical_alignment="center")
        note.caption(
            _("Searching for the needs you chose; your statement still gives the context.")
        )
        back.button(
            _("Needs as read"),
            key="needs_as_read",
            on_click=_back_to_read,
            icon=":material/undo:",
            width="stretch",
        )


def show_reading(result: SearchResult, corpus: Corpus) -> None:
    """The "What we read" panel: needs and verdicts, context, the other clauses, the editor."""
    _ = tr()
    with st.container(border=True):
        st.subheader(_("What we read"), anchor=False)
        needs_col, context_col = st.columns([3, 2], gap="large")
        with needs_col:
            st.markdown("**{}**".format(_("Needs")))
            for need in result.needs:
                st.markdown(f"{escape_md(need.text)}  \n{verdict(need, corpus)}")
        with context_col:
            _context(result)
        _rest_of_statement(result)
        _edit_needs()
