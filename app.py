"""Coalition Matcher: the Streamlit app. Navigation only; pages live in app_pages/.

streamlit run app.py
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(
    page_title="Coalition Matcher",
    page_icon=":material/hub:",
    layout="wide",
    initial_sidebar_state="expanded",
)

pages = [
    st.Page("app_pages/find.py", title="Find programmes", icon=":material/search:", default=True),
    st.Page("app_pages/catalogue.py", title="Catalogue", icon=":material/menu_book:"),
    st.Page("app_pages/overlaps.py", title="Overlaps", icon=":material/join_inner:"),
    st.Page("app_pages/review.py", title="Review overlaps", icon=":material/rule:"),
    st.Page("app_pages/map.py", title="Map", icon=":material/scatter_plot:"),
]
st.navigation(pages).run()
