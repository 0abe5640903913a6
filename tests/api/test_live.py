"""LiveMatcher: the loaded Matcher is kept until the disk changes, then swapped whole.

The Matcher itself is stood in for by a record with an index folder: what is checked here is
when `reopen` is called and which object a request is handed.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from matcher.api.live import LiveMatcher, file_fingerprint
from matcher.errors import MatcherIndexError


def folder(tmp_path: Path) -> tuple[Any, Path]:
    index = tmp_path / "index"
    index.mkdir()
    (index / "manifest.json").write_text('{"build": 1}')
    corpus = tmp_path / "catalogue.jsonl"
    corpus.write_text("{}\n")
    return SimpleNamespace(index_dir=index, name="first"), corpus


def rewrite(path: Path, text: str) -> None:
    """Replace a file the way a build does: a new file renamed over the old one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def test_nothing_changed_nothing_reopened(tmp_path: Path) -> None:
    first, corpus = folder(tmp_path)
    calls: list[object] = []
    live = LiveMatcher(first, corpus, reopen=lambda old: calls.append(old) or old)
    assert all(live.current() is first for _ in range(5))
    assert calls == [] and live.reloads == 0


def test_a_rebuilt_index_is_swapped_in_whole(tmp_path: Path) -> None:
    first, corpus = folder(tmp_path)
    second = SimpleNamespace(index_dir=first.index_dir, name="second")
    live = LiveMatcher(first, corpus, reopen=lambda old: second)
    rewrite(first.index_dir / "manifest.json", '{"build": 2}')
    assert live.current() is second
    assert live.current() is second and live.reloads == 1


def test_an_imported_catalogue_also_triggers_a_reopen(tmp_path: Path) -> None:
    first, corpus = folder(tmp_path)
    second = SimpleNamespace(index_dir=first.index_dir, name="second")
    live = LiveMatcher(first, corpus, reopen=lambda old: second)
    rewrite(corpus, "{}\n{}\n")
    assert live.current() is second


def test_a_state_that_cannot_be_opened_keeps_the_old_one_and_is_tried_once(
    tmp_path: Path,
) -> None:
    first, corpus = folder(tmp_path)
    calls = []

    def stale(old: Any) -> Any:
        calls.append(1)
        raise MatcherIndexError("index is stale: run `matcher index build`")

    live = LiveMatcher(first, corpus, reopen=stale)
    rewrite(corpus, "{}\n{}\n")  # imported, not yet indexed
    assert live.current() is first and live.current() is first
    assert len(calls) == 1
    assert live.pending is not None and "stale" in live.pending.reason
    rewrite(first.index_dir / "manifest.json", '{"build": 2}')  # then rebuilt
    live.current()
    assert len(calls) == 2


def test_a_change_during_the_reload_discards_what_was_read(tmp_path: Path) -> None:
    first, corpus = folder(tmp_path)
    manifest = first.index_dir / "manifest.json"
    builds = iter(['{"build": 3}', None])

    def racing(old: Any) -> Any:
        text = next(builds)
        if text:
            rewrite(manifest, text)  # another build landed while this one was being read
        return SimpleNamespace(index_dir=old.index_dir, name="read")

    live = LiveMatcher(first, corpus, reopen=racing)
    rewrite(manifest, '{"build": 2}')
    assert live.current() is first  # the mixed read is not used
    assert live.current().name == "read" and live.reloads == 1  # the next request reloads


def test_requests_during_a_reload_are_answered_by_the_old_matcher(tmp_path: Path) -> None:
    first, corpus = folder(tmp_path)
    second = SimpleNamespace(index_dir=first.index_dir, name="second")
    started, release = threading.Event(), threading.Event()

    def slow(old: Any) -> Any:
        started.set()
        release.wait(10)
        return second

    live = LiveMatcher(first, corpus, reopen=slow)
    rewrite(first.index_dir / "manifest.json", '{"build": 2}')
    got: list[Any] = []
    reloader = threading.Thread(target=lambda: got.append(live.current()))
    reloader.start()
    assert started.wait(10)
    assert live.current() is first  # not blocked, not handed a half-loaded one
    release.set()
    reloader.join(10)
    assert got == [second] and live.current() is second


def test_fingerprint_of_a_missing_file_is_none(tmp_path: Path) -> None:
    assert file_fingerprint(tmp_path / "absent") is None
    (tmp_path / "present").write_text("x")
    assert file_fingerprint(tmp_path / "present") is not None
