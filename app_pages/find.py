"""Find programmes: a country's needs in, ranked initiatives per need out, with a brief."""

from __future__ import annotations

import streamlit as st

from app_pages.downloads import brief_downloads
from app_pages.shared import MATCH_COLOURS, escape_md, highlight, load, run
from app_pages.what_we_read import chosen_needs, remember_read, show_reading
from matcher.engine import Filters

EXAMPLES = {
    "Postal fentanyl, no lab": "postal fentanyl trafficking, no forensic lab",
    "Sin alerta temprana": "no tenemos sistema de alerta temprana",
    "Prisons and treatment": (
        "Our prisons are overcrowded with people who use drugs. We want treatment instead of "
        "prison, and treatment for those inside."
    ),
    "Urgences et NPS": "Nos médecins urgentistes ne savent pas traiter les intoxications aux NPS",
    "Pacific data gaps": (
        "We are a small Pacific island state: no national drug use data; clinic staff untrained "
        "on methamphetamine"
    ),
}
ANY = "Any"

st.title("Find programmes")
st.caption(
    "Describe your country's needs in your own words, in any language. Coalition Matcher finds "
    "the initiatives that serve each need, says why each matched, and names the needs nothing "
    "in the catalogue serves."
)

matcher = load()
if matcher is None:
    st.stop()


def use_example(text: str) -> None:
    st.session_state["statement"] = text


st.session_state.setdefault("statement", "")
st.session_state.setdefault("shortlist", [])
cols = st.columns(len(EXAMPLES))
for col, (label, text) in zip(cols, EXAMPLES.items(), strict=True):
    col.button(
        label,
        key=f"example_{label}",
        on_click=use_example,
        args=(text,),
        width="stretch",
        help=text,
    )

statement = st.text_area(
    "Your country's needs",
    key="statement",
    height=110,
    placeholder="e.g. synthetic opioids arriving in express parcels; our lab cannot identify NPS",
)

with st.sidebar:
    st.subheader("Filters")
    groups = sorted({(i.sub_working_group, i.sub_working_group_title) for i in matcher.corpus})
    swg = st.selectbox("Sub-working group", [ANY] + [f"{c} {t}" for c, t in groups])
    orgs = sorted({o for i in matcher.corpus for o in i.organizations})
    org = st.selectbox("Organisation", [ANY, *orgs])
    regions = sorted({r for i in matcher.corpus for r in i.regions})
    region = st.selectbox("Region limit", [ANY, "global", *regions])
    k = st.slider("Programmes to show", min_value=3, max_value=30, value=10)

filters = Filters(
    sub_working_group=None if swg == ANY else swg.split(" ")[0],
    organization=None if org == ANY else org,
    region=None if region == ANY else region,
)

if not statement.strip():
    st.info(
        "Type a statement above or pick an example to see matching programmes.",
        icon=":material/lightbulb:",
    )
    st.stop()

needs = chosen_needs(statement)  # None: the needs the engine reads from the statement
with st.spinner("Matching…"):
    result = run(lambda: matcher.search(statement, k=k, filters=filters, needs=needs))
if result is None:
    st.stop()
remember_read(result)

for notice in result.notices:
    st.warning(notice)

show_reading(result, matcher.corpus)

st.subheader(f"{len(result.results)} programmes")
if not result.results:
    st.info("No initiative matches these filters. Loosen a filter in the sidebar.")
for m in result.results:
    with st.container(border=True):
        head, side = st.columns([5, 1])
        head.markdown(f"**{escape_md(m.title)}**")
        side.markdown(f":{MATCH_COLOURS[m.match]}-badge[{m.match} match]")
        meta = [
            f"ID {m.id}",
            f"SWG {m.sub_working_group}",
            ", ".join(m.organizations) or "organisation not named",
            m.region_note or "global",
        ]
        st.caption(" · ".join(escape_md(x) for x in meta))
        if m.needs:
            st.markdown("Serves: " + "; ".join(f"*{escape_md(n)}*" for n in m.needs))
        st.markdown("> " + highlight(" ".join(m.passage.split()), m.highlights))
        picked = m.id in st.session_state["shortlist"]
        if st.checkbox("Shortlist", value=picked, key=f"short_{m.id}"):
            if not picked:
                st.session_state["shortlist"].append(m.id)
        elif picked:
            st.session_state["shortlist"].remove(m.id)

st.subheader("Country brief")
shortlist = [i for i in st.session_state["shortlist"] if i in matcher.corpus]
st.caption(
    f"Shortlisted: {', '.join(shortlist)}"
    if shortlist
    else "Nothing shortlisted: the brief lists the programmes above."
)
brief = run(
    lambda: matcher.brief(
        statement, shortlist=shortlist or None, k=k, result=result, needs=needs
    )
)
if brief is not None:
    brief_downloads(brief, None)  # None: the statement's language
