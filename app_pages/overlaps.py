"""Overlaps: copies, twins, families and thematic overlaps, with a side-by-side diff."""

from __future__ import annotations

import streamlit as st

from app_pages.shared import escape_md, load, run, tr
from matcher.catalogue.diff import diff_summary
from matcher.overlaps import report as overlap_report
from matcher.overlaps.detect import OverlapClass, shorten

_ = tr()
st.title(_("Overlaps"))
st.caption(
    _(
        "Where the catalogue repeats itself: the same text under two ids, twins that differ "
        "only in region or scope, components of one programme, and different programmes "
        "serving one need."
    )
)

matcher = load()
if matcher is None:
    st.stop()

found = run(lambda: matcher.overlaps())
if found is None:
    st.stop()
all_pairs, clusters = found
classes = [c.value for c in OverlapClass]
class_names = {
    OverlapClass.VERBATIM.value: _("verbatim"),
    OverlapClass.NEAR_DUPLICATE.value: _("near-duplicate"),
    OverlapClass.SCOPE.value: _("same programme, different scope"),
    OverlapClass.FAMILY.value: _("family"),
    OverlapClass.THEMATIC.value: _("thematic-overlap"),
}
c1, c2 = st.columns([3, 1])
chosen = c1.multiselect(
    _("Classes"),
    classes,
    default=classes,
    format_func=class_names.get,
    placeholder=_("Pick the classes to show"),
)
min_score = c2.slider(_("Minimum score"), 0.0, 1.0, 0.0, 0.05)
pairs = [p for p in all_pairs if p.cls.value in chosen and p.score >= min_score]

counts = {c: sum(1 for p in all_pairs if p.cls.value == c) for c in classes}
for col, (name, n) in zip(st.columns(len(classes)), counts.items(), strict=True):
    col.metric(class_names[name], n)

st.subheader(_("Clusters"))
for c in clusters:
    if c.cls.value in chosen:
        titles = "; ".join(f"{i} {shorten(matcher.get(i).title, 60)}" for i in c.ids)
        st.markdown(f"- **{escape_md(c.label)}** ({class_names[c.cls.value]}): {escape_md(titles)}")

st.subheader(_("{n} pairs", n=len(pairs)))
st.caption(
    _(
        "These are the pairs the detectors classed as an overlap. {page} lists every candidate "
        "pair they looked at, classed or not, so it counts more.",
        page=_("Review overlaps"),
    )
)
st.dataframe(
    [
        {
            "A": p.a,
            "B": p.b,
            _("class"): class_names[p.cls.value],
            _("score"): p.score,
            _("why"): p.reason,
            _("what differs"): p.differs,
        }
        for p in pairs
    ],
    hide_index=True,
    width="stretch",
)

if pairs:
    pair = st.selectbox(
        _("Compare a pair"),
        pairs,
        format_func=lambda p: f"{p.a} ~ {p.b} ({class_names[p.cls.value]})",
    )
    a_id, b_id = pair.a, pair.b
    segments = run(lambda: matcher.diff(a_id, b_id)) or []
    words = diff_summary(segments)
    st.caption(
        escape_md(
            _(
                "{both} words shared · {a} only in {a_id} · {b} only in {b_id}",
                both=words["both"],
                a=words["a"],
                a_id=a_id,
                b=words["b"],
                b_id=b_id,
            )
        )
    )
    st.caption(
        _(
            "Highlighted in red: words only in {a}. In green: words only in {b}. The rest is "
            "in both.",
            a=a_id,
            b=b_id,
        )
    )
    left, right = st.columns(2)
    for col, ini_id, side, colour in ((left, a_id, "a", "red"), (right, b_id, "b", "green")):
        with col.container(border=True):
            st.markdown(f"**{escape_md(ini_id)}: {escape_md(matcher.get(ini_id).title)}**")
            text = " ".join(
                escape_md(s.text)
                if s.side == "both"
                else f":{colour}-background[{escape_md(s.text)}]"
                for s in segments
                if s.side in ("both", side)
            )
            st.markdown(text)

st.subheader(_("Export for a meeting"))
e1, e2 = st.columns(2)
e1.download_button(
    _("Report (Markdown)"),
    overlap_report.to_markdown(pairs, clusters, matcher.corpus),
    "overlaps.md",
    "text/markdown",
    width="stretch",
)
e2.download_button(
    _("Pairs (CSV)"),
    overlap_report.to_csv(pairs, matcher.corpus),
    "overlaps.csv",
    "text/csv",
    width="stretch",
)
