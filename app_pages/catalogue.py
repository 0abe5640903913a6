"""Catalogue: browse and filter every initiative; open one with its closest neighbours."""

from __future__ import annotations

import streamlit as st

from app_pages.shared import escape_md, language, load, run, tr

_ = tr()
st.title(_("Catalogue"))
st.caption(_("All initiatives of the Global Coalition page, by sub-working group."))

matcher = load()
if matcher is None:
    st.stop()

corpus = matcher.corpus
c1, c2, c3 = st.columns(3)
groups = sorted({i.sub_working_group for i in corpus})
everything = _("All")  # the placeholder of an empty filter (Streamlit's own is English)
swg = c1.multiselect(_("Sub-working group"), groups, placeholder=everything)
org = c2.multiselect(
    _("Organisation"),
    sorted({o for i in corpus for o in i.organizations}),
    placeholder=everything,
)
words = c3.text_input(_("Title contains"))

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
            _("id"): i.id,
            _("title"): i.title,
            _("sub-working group"): f"{i.sub_working_group} {i.sub_working_group_title}",
            _("organisations"): ", ".join(i.organizations),
            _("regions"): ", ".join(i.regions) or _("global"),
        }
        for i in rows
    ],
    hide_index=True,
    width="stretch",
)
st.caption(_("{shown} of {total} initiatives", shown=len(rows), total=len(corpus)))

if rows:
    chosen = st.selectbox(
        _("Open an initiative"),
        [i.id for i in rows],
        format_func=lambda i: f"{i}: {corpus.get(i).title}",
    )
    ini = corpus.get(chosen)
    with st.container(border=True):
        st.subheader(f"{escape_md(ini.id)}: {escape_md(ini.title)}", anchor=False)
        st.caption(
            escape_md(
                " · ".join(
                    (
                        _(
                            "Sub-working group {code} {title}",
                            code=ini.sub_working_group,
                            title=ini.sub_working_group_title,
                        ),
                        ", ".join(ini.organizations) or _("organisation not named"),
                        ", ".join(ini.regions) or _("global"),
                    )
                )
            )
        )
        st.text(ini.text)
    st.markdown("**{}**".format(_("Most similar initiatives")))
    similar = run(lambda: matcher.similar(ini.id, k=5))
    for other, score in similar or []:
        st.markdown(
            "- "
            + _(
                "{id}: {title} (similarity {score})",
                id=escape_md(other.id),
                title=escape_md(other.title),
                score=format(score, ".2f"),
            )
        )

from app_pages.changes import show_last_changes  # noqa: E402 - the last-import panel, appended

show_last_changes(corpus.source, lang=language())
