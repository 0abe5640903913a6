"""Find programmes: a country's needs in, ranked initiatives per need out, with a brief."""

from __future__ import annotations

import streamlit as st

from app_pages import link
from app_pages.demand_record import record_once
from app_pages.downloads import brief_downloads
from app_pages.interest import interest_downloads
from app_pages.shared import (
    MATCH_COLOURS,
    STATEMENT,
    escape_md,
    highlight,
    kept,
    language,
    load,
    remember,
    run,
    tr,
)
from app_pages.what_we_read import chosen_needs, remember_read, show_reading
from matcher.reading.countries import country_names
from matcher.search.calibration import NeedStatus
from matcher.search.request import Filters

_ = tr()
# the statuses of a need no programme open to the writer serves ("out-of-scope": outside what
# the catalogue is about, which nothing in it serves either)
UNSERVED = (NeedStatus.GAP.value, "out-of-scope")
# (key, button label, statement): the key stays English so widget state survives a language
# change. Two statements are in another language on purpose, in every interface language: they
# show that a statement may be written in any language, so they are not translated.
EXAMPLES = (
    (
        "Postal fentanyl, no lab",
        _("Postal fentanyl, no lab"),
        _("postal fentanyl trafficking, no forensic lab"),
    ),
    (
        "Sin alerta temprana",
        _("Spanish example"),
        "no tenemos sistema de alerta temprana",
    ),
    (
        "Prisons and treatment",
        _("Prisons and treatment"),
        _(
            "Our prisons are overcrowded with people who use drugs. We want treatment instead of "
            "prison, and treatment for those inside."
        ),
    ),
    (
        "Urgences et NPS",
        _("French example"),
        "Nos médecins urgentistes ne savent pas traiter les intoxications aux NPS",
    ),
    (
        "Pacific data gaps",
        _("Pacific data gaps"),
        _(
            "We are a small Pacific island state: no national drug use data; clinic staff "
            "untrained on methamphetamine"
        ),
    ),
)

st.title(_("Find programmes"))
st.caption(
    _(
        "Describe your country's needs in your own words, in any language. Coalition Matcher "
        "finds the initiatives that serve each need, says why each matched, and names the needs "
        "nothing in the catalogue serves."
    )
)

matcher = load()
if matcher is None:
    st.stop()

group_titles = {i.sub_working_group: i.sub_working_group_title for i in matcher.corpus}
orgs = sorted({o for i in matcher.corpus for o in i.organizations})
regions = ["global", *sorted({r for i in matcher.corpus for r in i.regions})]
countries = country_names()
link.restore(
    st.query_params.to_dict(),
    groups=group_titles,
    orgs=orgs,
    regions=regions,
    ids=set(matcher.corpus.ids),
    countries=countries,
)


def use_example(text: str) -> None:
    st.session_state[STATEMENT] = text


kept(STATEMENT, "")
st.session_state.setdefault(link.SHORTLIST, [])
# rows of three: five columns cut French and Russian labels short
PER_ROW = 3
cols = [c for at in range(0, len(EXAMPLES), PER_ROW) for c in st.columns(PER_ROW)]
for col, (key, label, text) in zip(cols, EXAMPLES, strict=False):
    col.button(
        label,
        key=f"example_{key}",
        on_click=use_example,
        args=(text,),
        width="stretch",
        help=escape_md(text),
    )

statement = st.text_area(
    _("Your country's needs"),
    key=STATEMENT,
    height=110,
    placeholder=_(
        "e.g. synthetic opioids arriving in express parcels; our lab cannot identify NPS"
    ),
)
# the statement is read when the box loses focus (or on Ctrl+Enter): this button does both
st.button(_("Search"), key="search", type="primary", icon=":material/search:")

with st.sidebar:
    kept(link.COUNTRY, link.ANY)
    st.selectbox(
        _("Your country"),
        [link.ANY, *countries],
        key=link.COUNTRY,
        format_func=lambda c: c or _("As the statement says"),
        help=_(
            "Programmes limited to other regions are shown as offered elsewhere. Without a "
            "choice, the first place the statement names is taken as yours."
        ),
    )
    st.subheader(_("Filters"))
    # link.ANY ("") stands for no filter: a None value would show Streamlit's own placeholder
    kept(link.SWG, link.ANY)
    st.selectbox(
        _("Sub-working group"),
        [link.ANY, *sorted(group_titles)],
        key=link.SWG,
        format_func=lambda c: f"{c} {group_titles[c]}" if c else _("Any"),
    )
    kept(link.ORG, link.ANY)
    st.selectbox(
        _("Organisation"),
        [link.ANY, *orgs],
        key=link.ORG,
        format_func=lambda o: o or _("Any"),
    )
    kept(link.REGION, link.ANY)
    st.selectbox(
        _("Region limit"),
        [link.ANY, *regions],
        key=link.REGION,
        format_func=lambda r: (_("global") if r == "global" else r) if r else _("Any"),
    )
    kept(link.K, link.K_DEFAULT)
    k = st.slider(_("Programmes to show"), min_value=link.K_MIN, max_value=link.K_MAX, key=link.K)
remember(STATEMENT, link.COUNTRY, link.SWG, link.ORG, link.REGION, link.K)

filters = Filters(
    sub_working_group=st.session_state[link.SWG] or None,
    organization=st.session_state[link.ORG] or None,
    region=st.session_state[link.REGION] or None,
)
link.publish(link.params_now(statement))

if not statement.strip():
    st.info(
        _("Type a statement above or pick an example to see matching programmes."),
        icon=":material/lightbulb:",
    )
    st.stop()

needs = chosen_needs(statement)  # None: the needs the engine reads from the statement
with st.spinner(_("Matching…")):
    result = run(
        lambda: matcher.search(
            statement,
            k=k,
            filters=filters,
            needs=needs,
            country=st.session_state[link.COUNTRY] or None,
        )
    )
if result is None:
    st.stop()
remember_read(result)
record_once(matcher, result)  # only when MATCHER_DEMAND=on (issue 23)

for notice in result.notices:
    st.warning(escape_md(notice))

show_reading(result, matcher.corpus)

# A need nothing serves is said on its own, before any card can look like its answer.
unserved = [n.text for n in result.needs if n.status in UNSERVED]
if unserved:
    st.warning(
        _(
            "Nothing in the catalogue serves: {needs}",
            needs="; ".join(f"*{escape_md(n)}*" for n in unserved),
        ),
        icon=":material/block:",
    )

st.subheader(_("{n} programmes", n=len(result.results)))
numbered = {n.text: i for i, n in enumerate(result.needs, start=1)}
if not result.results:
    st.info(_("No initiative matches these filters. Loosen a filter in the sidebar."))
match_words = {"strong": _("strong match"), "partial": _("partial match"), "weak": _("weak match")}
for m in result.results:
    with st.container(border=True):
        head, side = st.columns([5, 1])
        head.markdown(f"**{escape_md(m.title)}**")
        side.markdown(f":{MATCH_COLOURS[m.match]}-badge[{match_words[m.match]}]")
        meta = [
            _("ID {id}", id=m.id),
            _("SWG {code}", code=m.sub_working_group),
            ", ".join(m.organizations) or _("organisation not named"),
            m.region_note or _("global"),
        ]
        st.caption(" · ".join(escape_md(x) for x in meta))
        if len(numbered) > 1 and m.shown_for in numbered:
            # results take turns among the needs: this says why a card stands where it does
            place = dict(n=numbered[m.shown_for], need=f"*{escape_md(m.shown_for)}*")
            st.markdown(
                _("First match for your need {n}: {need}", **place)
                if m.rank_for_need == 1
                else _("Next match for your need {n}: {need}", **place)
            )
        if m.needs:
            served = "; ".join(f"*{escape_md(n)}*" for n in m.needs)
            st.markdown(_("Serves: {needs}", needs=served))
        st.markdown("> " + highlight(" ".join(m.passage.split()), m.highlights))
        picked = m.id in st.session_state[link.SHORTLIST]
        if st.checkbox(_("Shortlist"), value=picked, key=f"short_{m.id}"):
            if not picked:
                st.session_state[link.SHORTLIST].append(m.id)
        elif picked:
            st.session_state[link.SHORTLIST].remove(m.id)
share_url = link.publish(link.params_now(statement))  # with this run's shortlist ticks

with st.expander(_("Share these results"), icon=":material/link:"):
    st.caption(
        _(
            "This link reopens the same statement, filters and shortlist. It is the whole "
            "record: nothing is stored on the server."
        )
    )
    st.code(share_url, language=None, wrap_lines=True)

st.subheader(_("Country brief"))
shortlist = [i for i in st.session_state["shortlist"] if i in matcher.corpus]
st.caption(
    _("Shortlisted: {ids}", ids=", ".join(shortlist))
    if shortlist
    else _("Nothing shortlisted: the brief lists the programmes above.")
)
brief = run(
    lambda: matcher.brief(
        statement, shortlist=shortlist or None, k=k, result=result, needs=needs
    )
)
if brief is not None:
    brief_downloads(brief, language())  # the brief speaks the interface's language
interest_downloads(matcher, statement, shortlist, language())  # issue 23: letters of interest
