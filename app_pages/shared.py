"""What every page shares: the cached Matcher, the interface language, safe text, kept state
and error display."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

import matcher.facade
from matcher.errors import InputError, MatcherError
from matcher.facade import Matcher
from matcher.i18n.messages import LANGUAGES, Translate, detect_language, translator
from matcher.search.encoders import Encoder
from matcher.settings import DEFAULT_CORPUS, DEFAULT_INDEX_DIR, Settings
from matcher.text import escape_markdown as escape_md

T = TypeVar("T")

LANG_CHOICE = "lang_choice"  # widget in app.py: "auto" or a language code
STATEMENT = "statement"  # widget on Find programmes
KEPT = "kept"  # widget values that outlive a visit to another page
CATALOGUE_SEEN = "catalogue_seen"  # the catalogue fingerprint this session last worked with
AUTO = "auto"

log = logging.getLogger("matcher.app")
if not log.handlers:  # streamlit run configures only its own loggers: errors must reach the log
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)


# -------------------------------------------------------------------------- language
def browser_language() -> str | None:
    """The browser's language when the interface speaks it (st.context.locale, e.g. "es-ES")."""
    locale = getattr(st.context, "locale", None)
    code = str(locale or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else None


def statement_text() -> str:
    """The statement the user wrote on Find programmes (kept while other pages are shown)."""
    value = st.session_state.get(STATEMENT)
    if value is None:
        value = st.session_state.get(KEPT, {}).get(STATEMENT, "")
    return str(value or "")


def language() -> str:
    """The interface language: the sidebar's choice; else the statement's; else the browser's."""
    choice = st.session_state.get(LANG_CHOICE, AUTO)
    if choice in LANGUAGES:
        return str(choice)
    statement = statement_text()
    if statement.strip():
        return detect_language(statement)
    return browser_language() or "en"


def tr() -> Translate:
    """The ``_()`` of the interface's current language (gettext domain ``app``)."""
    return translator(language(), "app")


# -------------------------------------------------------------------------- kept widget state
def kept(key: str, default: Any) -> None:
    """Give a widget its value from before the user visited another page.

    Call before creating the widget with ``key=key`` (and no ``value=``); `remember` after.
    """
    store: dict[str, Any] = st.session_state.setdefault(KEPT, {})
    if key not in st.session_state:
        st.session_state[key] = store.get(key, default)


def remember(*keys: str) -> None:
    """Keep widget values for the next visit to the page (Streamlit forgets them on leaving)."""
    store: dict[str, Any] = st.session_state.setdefault(KEPT, {})
    for key in keys:
        if key in st.session_state:
            store[key] = st.session_state[key]


# -------------------------------------------------------------------------- the engine
Fingerprint = tuple[str, str, str, str]


@lru_cache(maxsize=32)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    """SHA-256 of a file, computed once per (mtime, size): a `touch` changes nothing."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _stamp(path: Path) -> str:
    try:
        info = path.stat()
        return _digest(str(path), info.st_mtime_ns, info.st_size)
    except OSError:  # absent or unreadable: Matcher.open says what is wrong
        return "absent"


def _paths() -> tuple[Path, Path]:
    index_dir = Path(os.environ.get("MATCHER_INDEX_DIR") or DEFAULT_INDEX_DIR)
    corpus = Path(os.environ.get("MATCHER_CORPUS") or DEFAULT_CORPUS)
    return index_dir, corpus


def catalogue_fingerprint() -> Fingerprint:
    """What the engine was loaded from: the catalogue file and the index manifest, by content.

    A stat and, when a file's mtime or size moved, one hash: cheap enough for every rerun.
    """
    index_dir, corpus = _paths()
    return (str(corpus), _stamp(corpus), str(index_dir), _stamp(index_dir / "manifest.json"))


@st.cache_resource(show_spinner=False)
def _encoders() -> dict[str, Encoder]:
    """The embedding models, loaded once per server process: a changed catalogue reuses them."""
    return dict(matcher.facade.default_encoders(Settings().dense_models))


@st.cache_resource(max_entries=2, show_spinner=False)
def _open(fingerprint: Fingerprint) -> Matcher:
    """One engine per catalogue state, shared by every browser tab (it is thread-safe).

    Keyed by the fingerprint, so a changed catalogue loads a new engine while sessions still
    holding the old one keep working.
    """
    corpus, _, index_dir, _ = fingerprint
    return Matcher.open(index_dir, corpus=corpus, encoders=_encoders())


class _Loaded:
    """Which fingerprints this server process has opened, and the ones its own rebuilds made."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.opened: set[Fingerprint] = set()
        self.alias: dict[Fingerprint, Fingerprint] = {}


@st.cache_resource(show_spinner=False)
def _loaded() -> _Loaded:
    return _Loaded()


def get_matcher() -> Matcher:
    """The engine for the catalogue as it is on disk now; reloads (and says so) when it changed.

    Raises what Matcher.open raises.
    """
    _ = tr()
    state = _loaded()
    before = catalogue_fingerprint()
    with state.lock:
        key = state.alias.get(before, before)
        first = key not in state.opened
    if first:
        # one message per step, so a first start that builds the index says what it is doing
        with st.spinner(_("Loading the language models (the first start takes longest)…")):
            _encoders()
        if not (Path(key[2]) / "manifest.json").is_file():
            message = _(
                "Building the search index over the catalogue: only the first start does this…"
            )
        elif not state.opened:
            message = _("Loading the catalogue and its index…")
        else:
            message = _("The catalogue changed: loading it and rebuilding its index…")
        with st.spinner(message):
            engine = _open(key)
        after = catalogue_fingerprint()
        with state.lock:
            state.opened.add(key)
            # Opening a changed catalogue rebuilds the index, which rewrites the manifest: that
            # new manifest belongs to this engine and must not load it a second time.
            if after != before and after[:2] == before[:2]:
                state.alias[after] = key
    else:
        engine = _open(key)
    seen = st.session_state.get(CATALOGUE_SEEN)
    if seen is not None and seen != key:
        st.toast(
            _("The catalogue changed: now {n} initiatives.", n=len(engine.corpus)),
            icon="🔄",
        )
    st.session_state[CATALOGUE_SEEN] = key
    return engine


# -------------------------------------------------------------------------- safe text
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


# -------------------------------------------------------------------------- errors
def os_error_message(exc: OSError, _: Translate) -> str:
    """What the operating system refused, its reason, and what to do: one translated line."""
    path = exc.filename or _("a file of the catalogue or its index")
    reason = exc.strerror or type(exc).__name__
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        todo = _(
            "Free some disk space, or set MATCHER_INDEX_DIR to a folder on a disk with room, "
            "then reload the page."
        )
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        todo = _(
            "Make it writable, or set MATCHER_INDEX_DIR to a writable folder, then reload the page."
        )
    else:
        todo = _(
            "Check that the path exists, or set MATCHER_CORPUS and MATCHER_INDEX_DIR to other "
            "files, then reload the page."
        )
    return (
        _("Could not use {path}: {reason}.", path=escape_md(str(path)), reason=reason) + " " + todo
    )


@contextmanager
def guarded() -> Iterator[None]:
    """Show a failure as what failed and what to do, log it with its traceback, never show one."""
    _ = tr()
    try:
        yield
    except InputError as exc:  # the user's own input: nothing for the server log
        st.error(escape_md(str(exc)), icon=":material/error:")
    except MatcherError as exc:
        log.warning("%s", exc, exc_info=exc)
        st.error(escape_md(str(exc)), icon=":material/error:")
    except OSError as exc:
        log.error("the operating system refused a file operation", exc_info=exc)
        st.error(os_error_message(exc, _), icon=":material/error:")
    except Exception as exc:  # a live demo must never show a traceback
        log.error("unexpected error in the app", exc_info=exc)
        st.error(
            _(
                "Something went wrong ({error}). Try again; if it persists, the server log has "
                "the details, and `matcher index status` in a terminal checks the index.",
                error=type(exc).__name__,
            ),
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
