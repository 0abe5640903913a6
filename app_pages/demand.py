"""Demand: what recorded searches asked, as charts: needs most asked, gaps that recur,
programmes most matched, searches by region. Empty, and no file made, when recording is off."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.demand_record import DOMAIN, demand_on, demand_store
from app_pages.shared import language, load, run
from matcher.demand import demand_picture
from matcher.i18n.messages import translator

_ = translator(language(), DOMAIN)
st.title(_("Demand"))
matcher = load()
if matcher is None:
    st.stop()
if demand_on():
    st.caption(_("Searches are recorded to help the secretariat see demand."))
else:
    st.info(_("Recording is off: the deployment turns it on with MATCHER_DEMAND=on."))
searches = run(lambda: demand_store(matcher).searches())
if not searches:
    st.info(_("No search recorded yet."))
    st.stop()
titles = {ini.id: ini.title for ini in matcher.corpus}
picture = demand_picture(searches, titles)
st.metric(_("Searches recorded"), picture.searches)


def bars(rows: list[dict[str, object]], label: str, title: str) -> None:
    st.subheader(title)
    if not rows:
        st.caption(_("None yet."))
        return
    frame = pd.DataFrame(rows)
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title=_("Times asked")),
            y=alt.Y(f"{label}:N", sort="-x", title=None),
            tooltip=[label, "count"],
        )
    )
    st.altair_chart(chart, width="stretch")


bars(
    [{"need": g.label, "count": g.count} for g in picture.most_asked],
    "need",
    _("Needs most asked"),
)
bars(
    [{"gap": g.label, "count": g.count} for g in picture.recurring_gaps],
    "gap",
    _("Gaps that recur (nothing in the catalogue served them)"),
)
bars(
    [{"programme": f"{p.id}: {p.title}"[:80], "count": p.count} for p in picture.most_matched],
    "programme",
    _("Programmes most matched"),
)
bars(
    [{"region": r.region, "count": r.searches} for r in picture.by_region],
    "region",
    _("Searches by region"),
)
