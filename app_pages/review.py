"""Review overlaps: the queue of candidate pairs, one decision per pair, decisions exported.

Catalogue text (titles, descriptions, reasons that quote them) and notes are shown with st.text
or in a table, never rendered as Markdown.
"""

from __future__ import annotations

import os

import streamlit as st

from app_pages.shared import escape_md, language, load, run
from matcher.i18n.messages import translator
from matcher.overlaps.report import render_diff
from matcher.overlaps.reviews import (
    Decision,
    ReviewStore,
    default_reviews_dir,
    export_text,
    review_queue,
)

_ = translator(language(), "review")
LABELS = {
    Decision.DUPLICATE: _("Duplicate"),
    Decision.FAMILY: _("Family"),
    Decision.OVERLAP: _("Overlap"),
    Decision.NOT_RELATED: _("Not related"),
}

st.title(_("Review overlaps"))
st.caption(
    _(
        "Every pair the overlap detectors found, most worth a look first. The decision is "
        "kept, and the pair leaves the queue until either description changes."
    )
)

matcher = load()
if matcher is None:
    st.stop()
folder = os.environ.get("MATCHER_REVIEWS_DIR") or default_reviews_dir(matcher.index_dir)
store = run(lambda: ReviewStore(folder))
candidates = run(matcher.review_candidates)
decisions = run(store.decisions) if store is not None else None
if store is None or candidates is None or decisions is None:
    st.stop()
queue = review_queue(candidates, decisions, matcher.corpus)

c1, c2, c3 = st.columns(3)
c1.metric(_("Pairs to review"), len(queue))
c2.metric(_("Decided"), len(decisions))
shown = int(
    c3.number_input(_("Show the first"), 5, max(5, len(queue)), min(20, max(5, len(queue))))
)
st.caption(
    _(
        "Every candidate pair the detectors looked at, classed or not: the Overlaps page shows "
        "only the pairs classed as an overlap, so it counts fewer."
    )
)

if not queue:
    st.info(_("Nothing left to review."))
else:
    top = queue[:shown]
    st.dataframe(
        [
            {
                "A": q.scored.a,
                "B": q.scored.b,
                _("class"): q.scored.cls.value if q.scored.cls else "candidate",
                _("look"): q.scored.look,
                _("why"): q.scored.pair.reason,
            }
            for q in top
        ],
        hide_index=True,
        width="stretch",
    )
    labels = [f"{q.scored.a} ~ {q.scored.b}" for q in top]
    picked = st.selectbox(_("Pair"), range(len(top)), format_func=lambda n: labels[n])
    item = top[picked or 0]
    s = item.scored
    a, b = matcher.get(s.a), matcher.get(s.b)
    if item.changed_since is not None:
        earlier = LABELS[item.changed_since.decision]
        st.warning(_("Changed since decided (earlier: {decision})", decision=earlier))
    cls = s.cls.value if s.cls else "candidate"
    st.text(f"A = {a.id}: {a.title}\nB = {b.id}: {b.title}")
    st.text(
        _("Class: {cls} · score {score} · look {look}", cls=cls, score=s.pair.score, look=s.look)
    )
    st.text(_("Why: {reason}", reason=s.pair.reason))
    st.text(_("What differs: {differs}", differs=s.pair.differs))
    with st.expander(_("Word diff ([-only in A-] {+only in B+})")):
        segments = run(lambda: matcher.diff(a.id, b.id)) or []
        st.text(render_diff(segments))
    note = st.text_area(_("Note (optional)"), key=f"note-{a.id}-{b.id}", max_chars=2000)
    for col, (decision, label) in zip(st.columns(4), LABELS.items(), strict=True):
        if col.button(label, key=f"decide-{decision.value}", width="stretch"):
            done = run(lambda d=decision: store.decide(a, b, d, note or ""))
            if done is not None:
                done_text = _("Recorded: {a} ~ {b} is {decision}", a=a.id, b=b.id, decision=label)
                st.toast(escape_md(done_text))  # a toast renders Markdown: ids stay text
                st.rerun()

st.subheader(_("Export decisions"))
exports = (
    (_("Decisions (CSV)"), "csv", "text/csv"),
    (_("Decisions (JSON)"), "json", "application/json"),
)
for col, (label, fmt, mime) in zip(st.columns(2), exports, strict=True):
    col.download_button(
        label,
        export_text(decisions, matcher.corpus, fmt),
        f"review-decisions.{fmt}",
        mime,
        width="stretch",
    )
