"""What every page shares: the one cached Matcher, safe text, and error display."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st

from matcher.engine import Matcher
from matcher.errors import MatcherError

T = TypeVar("T")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~:$])")


@st.cache_resource(show_spinner="Loading the catalogue and its index (first start builds it)…")
def get_matcher() -> Matcher:
    """One engine per server process, shared by every browser tab (it is thread-safe)."""
    return Matcher.open(
        os.environ.get("MATCHER_INDEX_DIR") or None,
        corpus=os.environ.get("MATCHER_CORPUS") or None,
    )


def escape_md(text: str) -> str:
    """Text shown through st.markdown, with every Markdown control character escaped."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def highlight(passage: str, terms: tuple[str, ...]) -> str:
    """The passage as safe Markdown with the matched terms in bold."""
    if not terms:
        return escape_md(passage)
    pattern = re.compile(r"(?u)\b(" + "|".join(re.escape(t) for t in terms) + r")\b")
    out, last = [], 0
    for m in pattern.finditer(passage):
        out.append(escape_md(passage[last : m.start()]))
        out.append(f"**{escape_md(m.group(1))}**")
        last = m.end()
    out.append(escape_md(passage[last:]))
    return "".join(out)


@contextmanager
def guarded() -> Iterator[None]:
    """Show expected errors as st.error with what to do, and anything else without a traceback."""
    try:
        yield
    except MatcherError as exc:
        st.error(str(exc), icon=":material/error:")
    except Exception as exc:  # a live demo must never show a traceback
        st.error(
            f"Something went wrong ({type(exc).__name__}). Try again; if it persists, run "
            "`matcher index status` in a terminal.",
            icon=":material/error:",
        )


def load() -> Matcher | None:
    """The engine, or None after showing why it could not be loaded."""
    with guarded():
        return get_matcher()
    return None


def run(fn: Callable[[], T]) -> T | None:
    """Call the facade; on error show it and return None."""
    with guarded():
        return fn()
    return None


MATCH_COLOURS = {"strong": "green", "partial": "orange", "weak": "gray"}
