"""Map: every initiative on a 2-D projection of its meaning, with the current query among them."""

from __future__ import annotations

import altair as alt
import streamlit as st

from app_pages.shared import load, run

st.title("Map")
st.caption(
    "Each point is an initiative; nearby points describe similar work (PCA of the MiniLM "
    "vectors). Hover for the title and organisation."
)

matcher = load()
if matcher is None:
    st.stop()

c1, c2 = st.columns([3, 1])
query = c1.text_input("Place a statement on the map", value=st.session_state.get("statement", ""))
colour_by = c2.radio("Colour by", ["Sub-working group", "Overlap cluster"], horizontal=True)

found = run(lambda: matcher.map_points(query.strip() or None))
if found is None:
    st.stop()
points, query_point = found
cluster_of: dict[str, str] = {}
if colour_by == "Overlap cluster":
    pairs_clusters = run(lambda: matcher.overlaps())
    for c in (pairs_clusters or ([], []))[1]:
        for i in c.ids:
            cluster_of[i] = c.label[:40]
rows = [
    {
        "x": float(points[n, 0]),
        "y": float(points[n, 1]),
        "id": ini.id,
        "title": ini.title,
        "organisation": ", ".join(ini.organizations) or "not named",
        "group": (
            f"{ini.sub_working_group} {ini.sub_working_group_title[:30]}"
            if colour_by == "Sub-working group"
            else cluster_of.get(ini.id, "no overlap")
        ),
    }
    for n, ini in enumerate(matcher.corpus)
]
base = (
    alt.Chart(alt.Data(values=rows))
    .mark_circle(size=90, opacity=0.8)
    .encode(
        x=alt.X("x:Q", axis=None),
        y=alt.Y("y:Q", axis=None),
        color=alt.Color("group:N", title=colour_by),
        tooltip=["id:N", "title:N", "organisation:N", "group:N"],
    )
)
layers = [base]
if query_point is not None:
    marker = [{"x": float(query_point[0]), "y": float(query_point[1]), "label": "your statement"}]
    layers.append(
        alt.Chart(alt.Data(values=marker))
        .mark_point(shape="diamond", size=400, filled=True, color="black")
        .encode(x="x:Q", y="y:Q", tooltip=["label:N"])
    )
st.altair_chart(alt.layer(*layers).properties(height=560), width="stretch")
