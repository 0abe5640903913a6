from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from matcher.catalogue.model import Corpus, Initiative
from matcher.errors import InputError, StorageError
from matcher.overlaps.detect import OverlapClass, OverlapPair, ScoredPair
from matcher.overlaps.reviews import (
    DB_NAME,
    Decision,
    ReviewStore,
    export_text,
    review_queue,
    texts_hash,
)
from tests.cli.test_main import env as _env_fixture  # noqa: F401  (a fixture by this name)
from tests.filesystems import fill, read_only, small_fs

SRC = str(Path(__file__).resolve().parents[2] / "src")


def ini(id_: str, text: str = "A programme.") -> Initiative:
    return Initiative(id_, f"Title {id_}", "1.1", "Group", 1, text, (), ())


def scored(a: str, b: str, look: float, cls: OverlapClass | None = None) -> ScoredPair:
    pair = OverlapPair(a, b, cls or OverlapClass.THEMATIC, look, "why", 0.0, look, "")
    return ScoredPair(pair, cls, look, "")


@pytest.fixture
def corpus() -> Corpus:
    return Corpus([ini("1"), ini("2"), ini("3"), ini("4")])


def test_decide_replaces_and_keeps_history(tmp_path: Path, corpus: Corpus) -> None:
    store = ReviewStore(tmp_path / "reviews")
    store.decide(corpus.get("2"), corpus.get("1"), "family", "same suite")
    store.decide(corpus.get("1"), corpus.get("2"), Decision.DUPLICATE)
    got = store.decisions()
    assert list(got) == [("1", "2")]  # one pair whichever way round
    assert got[("1", "2")].decision is Decision.DUPLICATE
    assert got[("1", "2")].note == ""
    assert store.history_count() == 2
    mode = sqlite3.connect(tmp_path / "reviews" / DB_NAME).execute("PRAGMA journal_mode")
    assert mode.fetchone()[0] == "wal"


def test_bad_decisions_are_one_line_errors(tmp_path: Path, corpus: Corpus) -> None:
    store = ReviewStore(tmp_path)
    with pytest.raises(InputError, match="choose one of duplicate, family"):
        store.decide(corpus.get("1"), corpus.get("2"), "dup")
    with pytest.raises(InputError, match="two different"):
        store.decide(corpus.get("1"), corpus.get("1"), "family")
    with pytest.raises(InputError, match="at most"):
        store.decide(corpus.get("1"), corpus.get("2"), "family", "x" * 5000)
    assert store.decisions() == {}


def test_a_damaged_store_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match="move it aside"):
        ReviewStore(tmp_path)


def test_queue_drops_decided_pairs_until_a_text_changes(tmp_path: Path, corpus: Corpus) -> None:
    store = ReviewStore(tmp_path)
    candidates = [scored("1", "2", 0.9), scored("3", "4", 0.8), scored("1", "3", 0.5)]
    store.decide(corpus.get("1"), corpus.get("2"), "duplicate")
    store.decide(corpus.get("3"), corpus.get("4"), "not-related")
    queue = review_queue(candidates, store.decisions(), corpus)
    assert [(q.scored.a, q.scored.b) for q in queue] == [("1", "3")]
    changed = Corpus([ini("1"), ini("2"), ini("3", "Rewritten since."), ini("4")])
    queue = review_queue(candidates, store.decisions(), changed)
    assert [(q.scored.a, q.scored.b, q.changed_since is not None) for q in queue] == [
        ("3", "4", True),
        ("1", "3", False),
    ]
    assert queue[0].to_dict()["earlier_decision"] == "not-related"
    assert texts_hash(corpus.get("3"), corpus.get("4")) != texts_hash(
        changed.get("3"), changed.get("4")
    )


def test_export_csv_neutralises_formulas_and_json_round_trips(
    tmp_path: Path, corpus: Corpus
) -> None:
    store = ReviewStore(tmp_path)
    store.decide(corpus.get("1"), corpus.get("2"), "overlap", '=HYPERLINK("http://x")')
    csv = export_text(store.decisions(), corpus, "csv")
    assert "'=HYPERLINK" in csv
    data = json.loads(export_text(store.decisions(), corpus, "json"))
    assert data["decisions"][0]["note"] == '=HYPERLINK("http://x")'
    assert data["decisions"][0]["changed"] is False
    with pytest.raises(InputError):
        export_text(store.decisions(), corpus, "xml")


WRITER = textwrap.dedent(
    """
    import sys
    from matcher.catalogue.model import Initiative
    from matcher.overlaps.reviews import ReviewStore

    folder, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = ReviewStore(folder)
    for n in range(count):
        a = Initiative(f"{prefix}a{n}", "A", "1.1", "G", 1, "text a", (), ())
        b = Initiative(f"{prefix}b{n}", "B", "1.1", "G", 1, "text b", (), ())
        note = f"{prefix}{n}:" + "x" * 500
        store.decide(a, b, ("duplicate", "family", "overlap", "not-related")[n % 4], note)
        print(n, flush=True)  # acknowledged: committed before this line is written
    """
)


def _writer(folder: Path, prefix: str, count: int) -> subprocess.Popen[str]:
    child_env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(folder), prefix, str(count)],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env,
    )


def _check_whole(folder: Path) -> dict[tuple[str, str], str]:
    conn = sqlite3.connect(folder / DB_NAME)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    decisions = ReviewStore(folder).decisions()
    for (a, b), r in decisions.items():
        n = a.split("a")[-1]
        assert b.endswith(f"b{n}")
        assert r.note.endswith("x" * 500) and r.note.split(":")[0] == a.replace(f"a{n}", n)
    return {k: r.note for k, r in decisions.items()}


def test_a_writer_killed_mid_write_loses_no_acknowledged_decision(tmp_path: Path) -> None:
    rng = random.Random(7)
    acknowledged: set[str] = set()
    for round_ in range(3):
        proc = _writer(tmp_path, f"r{round_}", 100_000)
        assert proc.stdout is not None
        seen = []
        deadline = time.monotonic() + rng.uniform(0.5, 2.0)
        first = proc.stdout.readline()  # the store is open and writing
        seen.append(first)
        while time.monotonic() < deadline:
            seen.append(proc.stdout.readline())
        os.kill(proc.pid, signal.SIGKILL)
        rest, _ = proc.communicate()
        lines = [s for s in [*seen, *rest.splitlines(keepends=True)] if s.endswith("\n")]
        acknowledged |= {f"r{round_}a{int(s)}" for s in lines}
        stored = _check_whole(tmp_path)
        assert acknowledged <= {a for a, _ in stored}
    assert len(acknowledged) > 3


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    procs = [_writer(tmp_path, f"p{n}", 40) for n in range(2)]
    errors: list[BaseException] = []

    def thread_writer(prefix: str) -> None:
        store = ReviewStore(tmp_path)
        try:
            for n in range(40):
                a = Initiative(f"{prefix}a{n}", "A", "1.1", "G", 1, "t", (), ())
                b = Initiative(f"{prefix}b{n}", "B", "1.1", "G", 1, "u", (), ())
                store.decide(a, b, "overlap", f"{prefix}{n}:" + "x" * 500)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=thread_writer, args=(f"t{n}",)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for p in procs:
        p.communicate()
        assert p.returncode == 0
    assert errors == []
    stored = _check_whole(tmp_path)
    assert len(stored) == 5 * 40
    assert ReviewStore(tmp_path).history_count() == 5 * 40


# ------------------------------------------------------------------ the CLI


@pytest.fixture
def cli_env(_env_fixture: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: F811
    """test_cli's environment (mini catalogue, fake encoders), with no review folder set."""
    monkeypatch.delenv("MATCHER_REVIEWS_DIR", raising=False)
    return _env_fixture


def test_cli_review_list_decide_export(cli_env: Path, capsys) -> None:
    from matcher.cli import main

    assert main(["review", "list", "--json"]) == 0
    queue = json.loads(capsys.readouterr().out)["queue"]
    first = queue[0]
    assert {"a", "b", "class", "score", "reason", "look", "diff"} <= set(first)
    assert main(["review", "decide", first["a"], first["b"], "duplicate", "--note", "n"]) == 0
    capsys.readouterr()
    # stored beside the index folder, not inside it: rebuilding the index leaves it alone
    assert (cli_env / "reviews" / DB_NAME).exists()
    assert main(["review", "list", "--json"]) == 0
    after = json.loads(capsys.readouterr().out)["queue"]
    assert len(after) == len(queue) - 1
    assert (first["a"], first["b"]) not in {(q["a"], q["b"]) for q in after}
    assert main(["review", "export", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["decisions"][0]["decision"] == "duplicate"
    assert main(["overlaps", "--json", "--all"]) == 0
    listed = json.loads(capsys.readouterr().out)["pairs"]
    assert len(listed) == len(queue)  # the whole queue, decided pairs included
    assert main(["review", "decide", first["a"], first["b"], "dupe"]) == 2
    assert main(["review", "decide", first["a"], "nope", "family"]) == 2  # unknown id
    assert main(["review", "decide", first["a"]]) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 3 and "Traceback" not in err


def test_cli_reviews_folder_from_env_and_option(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from matcher.cli import main

    monkeypatch.setenv("MATCHER_REVIEWS_DIR", str(cli_env / "from-env"))
    assert main(["review", "decide", "1204", "1209", "overlap"]) == 0
    assert (cli_env / "from-env" / DB_NAME).exists()
    assert (
        main(["review", "decide", "1204", "1209", "overlap", "--reviews", str(cli_env / "o")]) == 0
    )
    assert (cli_env / "o" / DB_NAME).exists()


def test_cli_report_carries_the_review(cli_env: Path, capsys) -> None:
    from matcher.cli import main

    assert main(["overlaps", "--format", "md"]) == 0
    assert "## Review" not in capsys.readouterr().out  # no store yet: none created
    assert not (cli_env / "reviews").exists()
    assert main(["review", "decide", "3200", "3218", "duplicate", "--note", "<i>x</i>"]) == 0
    assert main(["overlaps", "--format", "md"]) == 0
    assert "## Review: decisions and open items by cluster" in capsys.readouterr().out
    out = cli_env / "report.html"
    assert main(["overlaps", "--format", "html", "-o", str(out)]) == 0
    html = out.read_text()
    assert "&lt;i&gt;x&lt;/i&gt;" in html and "<i>x</i>" not in html


# ------------------------------------------------------------------ first writers, reading only
def _first_writer(folder: str, pair: tuple[str, str], barrier: Any, out: Any) -> None:
    a = Initiative(pair[0], "A", "1.1", "G", 1, "t", (), ())
    b = Initiative(pair[1], "B", "1.1", "G", 1, "u", (), ())
    barrier.wait()
    try:
        ReviewStore(folder).decide(a, b, "overlap")
    except Exception as exc:  # reported to the test through the queue
        out.put(f"{pair}: {exc}")


def test_two_first_writers_of_a_new_store_both_keep_their_decision(tmp_path: Path) -> None:
    """100 rounds: each round two processes make the first two decisions of a store that does
    not exist yet, released at the same moment (28 of 100 rounds lost one before the fix)."""
    ctx = multiprocessing.get_context("fork")
    failures = ctx.Queue()
    for round_ in range(100):
        folder = str(tmp_path / f"r{round_}")
        barrier = ctx.Barrier(2)
        procs = [
            ctx.Process(target=_first_writer, args=(folder, pair, barrier, failures))
            for pair in (("0001", "0002"), ("0003", "0004"))
        ]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        assert [p.exitcode for p in procs] == [0, 0]
        assert failures.empty(), failures.get()
        assert set(ReviewStore(folder).decisions()) == {("0001", "0002"), ("0003", "0004")}


@pytest.mark.parametrize("disk", ["read-only", "full"])
def test_decisions_are_read_without_writing(tmp_path: Path, corpus: Corpus, disk: str) -> None:
    assert ReviewStore(tmp_path / "none").decisions() == {}
    assert not (tmp_path / "none").exists()  # reading made nothing
    with small_fs(tmp_path / "fs", 512) as fs:
        folder = fs / "reviews"
        ReviewStore(folder).decide(corpus.get("1"), corpus.get("2"), "duplicate")
        read_only(fs) if disk == "read-only" else fill(fs)
        store = ReviewStore(folder)
        assert list(store.decisions()) == [("1", "2")] and store.history_count() == 1
        if disk == "full":
            with pytest.raises(StorageError, match=r"(No space left|disk is full).*free some disk space"):
                store.decide(corpus.get("3"), corpus.get("4"), "overlap")
