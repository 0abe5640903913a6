"""Coalition Matcher: the Streamlit app. Navigation and language only; pages live in app_pages/.

streamlit run app.py
"""

from __future__ import annotations

import json

import streamlit as st

from app_pages.demand_record import demand_page, recording_notice
from app_pages.shared import AUTO, LANG_CHOICE, language, tr
from matcher.i18n.messages import LANGUAGE_NAMES, LANGUAGES, is_rtl

# An emoji favicon: a :material/...: one makes the browser fetch it from fonts.gstatic.com on
# every load. (Page icons below are drawn with Streamlit's bundled icon font: nothing fetched.)
st.set_page_config(
    page_title="Coalition Matcher",
    page_icon="🤝",
    layout="wide",
    initial_sidebar_state="expanded",
)

if LANG_CHOICE not in st.session_state and st.query_params.get("lang") in LANGUAGES:
    st.session_state[LANG_CHOICE] = st.query_params["lang"]  # a shared link's language
_ = tr()
with st.sidebar:
    st.selectbox(
        _("Language"),
        [AUTO, *LANGUAGES],
        key=LANG_CHOICE,
        format_func=lambda code: _("Automatic") if code == AUTO else LANGUAGE_NAMES[code],
        help=_("Automatic follows the language of your statement, else your browser's."),
    )
lang = language()
# The page's own language, for screen readers and hyphenation (WCAG 3.1.1); `lang` is one of
# six fixed codes, never user text.
st.html(
    f"<script>document.documentElement.lang = {json.dumps(lang)};</script>",
    unsafe_allow_javascript=True,
)
if is_rtl(lang):
    st.html(
        "<style>"
        '[data-testid="stMain"], [data-testid="stSidebarUserContent"] '
        "{direction: rtl; text-align: right;}"
        # an English title or passage in an Arabic page keeps its own direction (its full stop
        # on the right), each paragraph taking the direction of its first strong letter
        '[data-testid="stMain"] :is(p, li, blockquote, h1, h2, h3, td, th, label), '
        '[data-testid="stSidebarUserContent"] :is(p, li, label) '
        "{unicode-bidi: plaintext;}"
        "</style>"
    )

pages = [
    st.Page(
        "app_pages/find.py", title=_("Find programmes"), icon=":material/search:", default=True
    ),
    st.Page("app_pages/catalogue.py", title=_("Catalogue"), icon=":material/menu_book:"),
    st.Page("app_pages/overlaps.py", title=_("Overlaps"), icon=":material/join_inner:"),
    st.Page("app_pages/review.py", title=_("Review overlaps"), icon=":material/rule:"),
    st.Page("app_pages/map.py", title=_("Map"), icon=":material/scatter_plot:"),
    demand_page(lang),
]
recording_notice(lang)  # says so when the deployment records searches (MATCHER_DEMAND=on)
st.navigation(pages).run()
