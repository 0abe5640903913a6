"""The Find page's state in the page URL: a link reopens the same statement, filters and
shortlist. Nothing is stored on the server; the URL is the whole record.

?q=<statement>&swg=1.2&org=WCO&region=Africa&k=10&ids=1204,3200&lang=es
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from app_pages.shared import AUTO, KEPT, LANG_CHOICE, STATEMENT
from matcher.settings import MAX_QUERY_CHARS

SWG, ORG, REGION, K = "swg", "org", "region", "k"  # widget keys on Find programmes
COUNTRY = "country"  # the writer's country (English name), ANY: read from the statement
ANY = ""  # a filter's value when it filters nothing
SHORTLIST = "shortlist"  # session list of shortlisted ids
READ_ONCE = "url_read"  # the URL of this session's first page was read
K_DEFAULT, K_MIN, K_MAX = 10, 3, 30


def _int(value: str | None, default: int) -> int:
    try:
        return min(K_MAX, max(K_MIN, int(str(value))))
    except ValueError:
        return default


def restore(
    params: Mapping[str, str],
    *,
    groups: Collection[str],
    orgs: Collection[str],
    regions: Collection[str],
    ids: Collection[str],
    countries: Collection[str] = (),
) -> None:
    """Once per session: take the statement, filters and shortlist from the URL it opened.

    Values the catalogue does not have are ignored, so an old link still opens.
    """
    if st.session_state.get(READ_ONCE):
        return
    st.session_state[READ_ONCE] = True
    store: dict[str, Any] = st.session_state.setdefault(KEPT, {})
    if params.get("q"):
        store[STATEMENT] = str(params["q"])[:MAX_QUERY_CHARS]
    for key, allowed in ((SWG, groups), (ORG, orgs), (REGION, regions), (COUNTRY, countries)):
        if params.get(key) in allowed:
            store[key] = params[key]
    if params.get(K):
        store[K] = _int(params.get(K), K_DEFAULT)
    if params.get("ids"):
        wanted = [i for i in str(params["ids"]).split(",") if i in ids]
        st.session_state[SHORTLIST] = list(dict.fromkeys(wanted))


def params_now(statement: str) -> dict[str, str]:
    """The URL parameters that reproduce what the page shows now (defaults left out)."""
    params: dict[str, str] = {}
    if statement.strip():
        params["q"] = statement
    for key in (SWG, ORG, REGION, COUNTRY):
        value = st.session_state.get(key)
        if value:
            params[key] = str(value)
    k = st.session_state.get(K, K_DEFAULT)
    if k != K_DEFAULT:
        params[K] = str(k)
    if st.session_state.get(SHORTLIST):
        params["ids"] = ",".join(st.session_state[SHORTLIST])
    lang = st.session_state.get(LANG_CHOICE, AUTO)
    if lang != AUTO:
        params["lang"] = str(lang)
    return params


def publish(params: dict[str, str]) -> str:
    """Put the parameters in the address bar and return the whole link to share."""
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
    url = str(getattr(st.context, "url", "") or "")
    parts = urlsplit(url)
    query = urlencode(params)
    if not parts.netloc:
        return f"?{query}"
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
