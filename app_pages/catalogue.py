"""Catalogue: browse and filter every initiative; open one with its closest neighbours."""

from __future__ import annotations

import streamlit as st

from app_pages.shared import escape_md, load, run

st.title("Catalogue")
st.caption("All initiatives of the Global Coalition page, by sub-working group.")

matcher = load()
if matcher is None:
    st.stop()

corpus = matcher.corpus
c1, c2, c3 = st.columns(3)
groups = sorted({i.sub_working_group for i in corpus})
swg = c1.multiselect("Sub-working group", groups)
org = c2.multiselect("Organisation", sorted({o for i in corpus for o in i.organizations}))
words = c3.text_input("Title contains")

rows = [
    i
    for i in corpus
    if (not swg or i.sub_working_group in swg)
    and (not org or set(org) & set(i.organizations))
    and (not words.strip() or words.strip().lower() in i.title.lower())
]
st.dataframe(
    [
        {
            "id": i.id,
            "title": i.title,
            "sub-working group": f"{i.sub_working_group} {i.sub_working_group_title}",
            "organisations": ", ".join(i.organizations),
            "regions": ", ".join(i.regions) or "global",
        }
        for i in rows
    ],
    hide_index=True,
    width="stretch",
)
st.caption(f"{len(rows)} of {len(corpus)} initiatives")

if rows:
    chosen = st.selectbox("Open an initiative", [f"{i.id}: {i.title}" for i in rows])
    ini = corpus.get(chosen.split(":")[0])
    with st.container(border=True):
        st.subheader(f"{ini.id}: {ini.title}")
        st.caption(
            escape_md(
                f"Sub-working group {ini.sub_working_group} {ini.sub_working_group_title} · "
                f"{', '.join(ini.organizations) or 'organisation not named'} · "
                f"{', '.join(ini.regions) or 'global'}"
            )
        )
        st.text(ini.text)
    st.markdown("**Most similar initiatives**")
    similar = run(lambda: matcher.similar(ini.id, k=5))
    for other, score in similar or []:
        st.markdown(f"- {other.id}: {escape_md(other.title)} (similarity {score:.2f})")

from app_pages.changes import show_last_changes  # noqa: E402 - the last-import panel, appended

show_last_changes(corpus.source)
