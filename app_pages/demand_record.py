"""The app's side of the opt-in demand record: whether the deployment turned it on, the notice
users see when it is, the Demand page's entry, and recording each search once.

Streamlit reruns the page on every click, so a search is recorded once per statement and needs,
not once per rerun.
"""

from __future__ import annotations

import os

import streamlit as st

from matcher.demand import DemandStore, default_demand_dir, recording_on, searched
from matcher.facade import Matcher
from matcher.i18n.messages import translator
from matcher.search.results import SearchResult

DOMAIN = "demand"
_RECORDED = "demand_recorded"


def demand_on() -> bool:
    """Whether searches are recorded (MATCHER_DEMAND=on); a bad value reads as off, and the
    CLI and the API refuse it."""
    try:
        return recording_on(os.environ)
    except ValueError:
        return False


def demand_store(matcher: Matcher) -> DemandStore:
    folder = os.environ.get("MATCHER_REVIEWS_DIR") or default_demand_dir(matcher.index_dir)
    return DemandStore(folder)


def recording_notice(lang: str) -> None:
    """The sidebar's line telling users that searches are recorded (only when they are)."""
    if demand_on():
        _ = translator(lang, DOMAIN)
        st.sidebar.info(
            _("Searches are recorded to help the secretariat see demand."), icon=":material/info:"
        )


def demand_page(lang: str) -> st.Page:
    """The Demand page's entry in the navigation."""
    _ = translator(lang, DOMAIN)
    return st.Page("app_pages/demand.py", title=_("Demand"), icon=":material/bar_chart:")


def record_once(matcher: Matcher, result: SearchResult) -> None:
    """Record this search when recording is on, once per statement and needs."""
    if not demand_on():
        return
    key = (result.query, tuple(n.text for n in result.needs))
    if st.session_state.get(_RECORDED) == key:
        return
    demand_store(matcher).record(searched(result))
    st.session_state[_RECORDED] = key
