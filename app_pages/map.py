"""Map: every initiative on a 2-D projection of its meaning, with the current query among them."""

from __future__ import annotations

import altair as alt
import streamlit as st

from app_pages.shared import load, run, statement_text, tr

_ = tr()
st.title(_("Map"))
st.caption(
    _(
        "Each point is an initiative; nearby points describe similar work (PCA of the MiniLM "
        "vectors). Hover for the title and organisation."
    )
)

matcher = load()
if matcher is None:
    st.stop()

BY_GROUP, BY_CLUSTER = "group", "cluster"
c1, c2 = st.columns([3, 1])
# pre-filled with the statement typed on Find programmes
query = c1.text_input(_("Place a statement on the map"), value=statement_text())
colour_by = c2.radio(
    _("Colour by"),
    [BY_GROUP, BY_CLUSTER],
    format_func=lambda c: _("Sub-working group") if c == BY_GROUP else _("Overlap cluster"),
    horizontal=True,
)

found = run(lambda: matcher.map_points(query.strip() or None))
if found is None:
    st.stop()
points, query_point = found
cluster_of: dict[str, str] = {}
if colour_by == BY_CLUSTER:
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
        "organisation": ", ".join(ini.organizations) or _("not named"),
        "group": (
            f"{ini.sub_working_group} {ini.sub_working_group_title[:30]}"
            if colour_by == BY_GROUP
            else cluster_of.get(ini.id, _("no overlap"))
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
        color=alt.Color(
            "group:N",
            title=_("Sub-working group") if colour_by == BY_GROUP else _("Overlap cluster"),
        ),
        tooltip=[
            alt.Tooltip("id:N", title=_("id")),
            alt.Tooltip("title:N", title=_("title")),
            alt.Tooltip("organisation:N", title=_("organisation")),
            alt.Tooltip("group:N", title=_("group")),
        ],
    )
)
layers = [base]
if query_point is not None:
    marker = [
        {"x": float(query_point[0]), "y": float(query_point[1]), "label": _("your statement")}
    ]
    layers.append(
        alt.Chart(alt.Data(values=marker))
        .mark_point(shape="diamond", size=400, filled=True, color="black")
        .encode(x="x:Q", y="y:Q", tooltip=[alt.Tooltip("label:N", title=_("label"))])
    )
st.altair_chart(alt.layer(*layers).properties(height=560), width="stretch")
