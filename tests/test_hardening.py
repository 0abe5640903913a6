"""Failure modes made explicit: any input, damaged files, crashes mid-build, concurrent users."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.brief.render import render
from matcher.catalogue.parse import load_corpus
from matcher.cli import main
from matcher.errors import InputError, MatcherIndexError
from matcher.facade import Filters, Matcher
from matcher.reading.needs import split_needs
from matcher.search.index import load_index
from matcher.settings import MAX_QUERY_CHARS, Settings
from tests.conftest import DATA, HashingEncoder, fake_calibration
from tests.fuzzing import examples

ROOT = Path(__file__).resolve().parents[1]


def fakes() -> dict[str, HashingEncoder]:
    return {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}


def run_together(scripts: list[str]) -> None:
    """Start one Python process per script, each printing "ready" and then waiting for a line on
    stdin; release them all at once and check every one exited 0."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for script in scripts
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outcomes = [proc.communicate(timeout=120) for proc in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), [err[-300:] for _, err in outcomes]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    index = tmp_path_factory.mktemp("hardening") / "index"
    return Matcher.open(index, corpus=load_corpus(DATA / "mini.jsonl"), encoders=fakes())


NASTY = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.sampled_from(
        [
            "",
            "   ",
            "\n\n\t",
            "\x00\x01\x02",
            "🙂🔥💊" * 20,
            "مرحبا بالعالم؛ نحتاج إلى علاج",
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "'; DROP TABLE x; --",
            "42",
            "1) 2) 3) ; ; ,,,",
            "-" * 500,
            "a" * (MAX_QUERY_CHARS * 20),
            "\u202eevil\u202c",
        ]
    ),
)


@pytest.mark.fuzz
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=NASTY)
def test_any_text_into_search_needs_and_brief(engine: Matcher, text: str) -> None:
    try:
        result = engine.search(text, k=5)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert 0 < len(result.results) <= 5
    # every need has words; a statement with none read says so in a notice
    assert all(n.text for n in result.needs)
    assert result.needs or any("no request" in n for n in result.notices)
    assert len(result.query) <= MAX_QUERY_CHARS
    assert split_needs(result.query)
    json.loads(render(engine.brief(text, k=3), "json"))


@pytest.mark.fuzz
@settings(max_examples=examples(100), deadline=None)
@given(value=st.text(max_size=20))
def test_any_id_into_similar_and_diff(engine: Matcher, value: str) -> None:
    try:
        engine.similar(value, k=2)
        engine.diff(value, "1101")
    except InputError as exc:
        assert "no initiative with id" in str(exc)


@pytest.mark.fuzz
@settings(max_examples=examples(50), deadline=None)
@given(cls=st.one_of(st.none(), st.text(max_size=12)), score=st.floats(allow_nan=True))
def test_any_overlap_filters(engine: Matcher, cls, score: float) -> None:
    try:
        pairs, clusters = engine.overlaps(cls=cls, min_score=score)
    except InputError as exc:
        assert "overlap class" in str(exc) or "min-score" in str(exc)
        return
    assert all(p.score >= score and (cls is None or p.cls == cls) for p in pairs)
    assert all(cls is None or c.cls == cls for c in clusters)


@pytest.mark.fuzz
@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=NASTY, k=st.integers(min_value=-5, max_value=500))
def test_cli_never_shows_a_traceback(
    engine: Matcher,
    text: str,
    k: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MATCHER_INDEX_DIR", str(engine.index_dir))
    monkeypatch.setenv("MATCHER_CORPUS", str(DATA / "mini.jsonl"))
    import matcher.facade

    monkeypatch.setattr(matcher.facade, "default_encoders", lambda *_: fakes())
    code = main(["search", text, "--k", str(k), "--json"])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    if code == 0:
        json.loads(out.out)
    else:
        assert code == 2 and len(out.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "filters",
    [Filters(sub_working_group="0.0"), Filters(organization="Nobody"), Filters(region="Atlantis")],
)
def test_unknown_filter_values(engine: Matcher, filters: Filters) -> None:
    with pytest.raises(InputError, match="choose from"):
        engine.search("fentanyl", filters=filters)


def test_nan_min_score_in_overlaps_is_refused(engine: Matcher) -> None:
    with pytest.raises(InputError):
        engine.overlaps(min_score=float("nan"))


# ------------------------------------------------------------------ damaged index


def copy_index(engine: Matcher, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "index"
    shutil.copytree(engine.index_dir, target)
    return target


def answers(m: Matcher) -> list[list[str]]:
    return [
        [r.id for r in m.search(q, k=4).results]
        for q in ("fentanyl mail", "treatment courses", "early warning Americas")
    ]


@pytest.mark.parametrize(
    "damage",
    ["truncate_faiss", "delete_vectors", "edit_manifest", "wrong_dimension", "other_model"],
)
def test_damaged_index_is_rebuilt_with_a_message_or_refused(
    engine: Matcher, tmp_path: Path, damage: str
) -> None:
    index = copy_index(engine, tmp_path)
    encoders = fakes()
    if damage == "truncate_faiss":
        path = index / "faiss_minilm.index"
        path.write_bytes(path.read_bytes()[:40])
    elif damage == "delete_vectors":
        (index / "vectors_use.npy").unlink()
    elif damage == "edit_manifest":
        manifest = json.loads((index / "manifest.json").read_text())
        manifest["corpus_hash"] = "0" * 16
        (index / "manifest.json").write_text(json.dumps(manifest))
    elif damage == "wrong_dimension":
        np.save(index / "vectors_minilm.npy", np.zeros((6, 10), dtype=np.float32))
    else:
        encoders["minilm"] = HashingEncoder("another-model", 64)
    with pytest.raises(MatcherIndexError, match="run `matcher index build`"):
        load_index(index, engine.corpus, encoders, Settings())
    told: list[str] = []
    rebuilt = Matcher.open(
        index,
        corpus=engine.corpus,
        encoders=encoders,
        on_build=told.append,
        calibration=fake_calibration(encoders),
    )
    assert told and "matcher index build" in told[0]
    if damage != "other_model":
        assert answers(rebuilt) == answers(engine)


def test_pickled_vectors_are_never_loaded(engine: Matcher, tmp_path: Path) -> None:
    import hashlib

    index = copy_index(engine, tmp_path)
    path = index / "vectors_use.npy"
    np.save(path, np.array([{"evil": 1}] * 6, dtype=object), allow_pickle=True)
    manifest = json.loads((index / "manifest.json").read_text())
    manifest["files"]["vectors_use.npy"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest["sizes"]["vectors_use.npy"] = path.stat().st_size
    (index / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(MatcherIndexError, match="unreadable"):
        load_index(index, engine.corpus, fakes(), Settings())


# ------------------------------------------------------------------ crash safety

SLOW_BUILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from tests.conftest import HashingEncoder
    from matcher.catalogue.parse import load_corpus
    from matcher.search.index_build import build_index
    from matcher.settings import Settings

    class Slow(HashingEncoder):
        def encode(self, texts, kind="passage"):
            print("embedding", flush=True)
            time.sleep(30)
            return super().encode(texts, kind)

    corpus = load_corpus({corpus!r})
    build_index(__import__("pathlib").Path({index!r}), corpus,
                {{"minilm": Slow("fake-a", 64), "use": Slow("fake-b", 32)}}, Settings(),
                progress=False, batch=1)
    """
)


def test_sigkill_mid_build_leaves_the_previous_index_usable(
    engine: Matcher, tmp_path: Path
) -> None:
    index = copy_index(engine, tmp_path)
    before = answers(Matcher.open(index, corpus=engine.corpus, encoders=fakes(), build=False))
    rows = [i.to_dict() for i in engine.corpus]
    rows[0]["text"] = "A changed description forces re-embedding."
    changed = tmp_path / "changed.jsonl"
    changed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    script = SLOW_BUILD.format(root=str(ROOT), corpus=str(changed), index=str(index))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "embedding"
    assert list(tmp_path.glob(".matcher-build-*"))  # it was mid-write
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    after = Matcher.open(index, corpus=engine.corpus, encoders=fakes(), build=False)
    assert answers(after) == before
    # the dead build's folder was cleaned up; its finished chunks stay for the next build
    assert not list(tmp_path.glob(".matcher-build-*")) and not list(tmp_path.glob(".matcher-old-*"))


# ------------------------------------------------------------------ concurrency

QUERIES = [
    "fentanyl in mail and express parcels",
    "detector dogs at airports",
    "treatment courses",
    "early warning in the Americas",
    "precursor chemicals industry; addiction training",
    "no tenemos sistema de alerta temprana",
    "Kenya: dogs and parcels",
    "x y z",
]


def test_eight_threads_give_the_sequential_results(engine: Matcher) -> None:
    work = [QUERIES[i % len(QUERIES)] for i in range(200)]

    def run(q: str) -> tuple:
        r = engine.search(q, k=5)
        return tuple((m.id, m.score, m.match, m.needs) for m in r.results), r.gaps

    sequential = [run(q) for q in work]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(run, work))
    assert threaded == sequential
    assert time.perf_counter() - start < 120  # not a benchmark: a hang guard


# ------------------------------------------------------------------ two builds at once

BUILD_LOOP = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from tests.conftest import HashingEncoder
    from matcher.catalogue.parse import load_corpus
    from matcher.search.index_build import build_index
    from matcher.settings import Settings

    corpus = load_corpus({corpus!r})
    encoders = {{"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}}
    print("ready", flush=True)
    sys.stdin.readline()  # both processes start building together
    for _ in range({rounds}):
        build_index(Path({index!r}), corpus, encoders, Settings(), progress=False)
    """
)


def test_processes_building_one_index_at_once_take_turns(engine: Matcher, tmp_path: Path) -> None:
    index = tmp_path / "index"
    script = BUILD_LOOP.format(
        root=str(ROOT), corpus=str(DATA / "mini.jsonl"), index=str(index), rounds=40
    )
    run_together([script] * 4)
    after = Matcher.open(index, corpus=engine.corpus, encoders=fakes(), build=False)
    assert answers(after) == answers(engine)
    assert not list(tmp_path.glob(".matcher-*"))


def test_a_build_that_waits_too_long_names_the_running_one(engine: Matcher, tmp_path: Path) -> None:
    from matcher.catalogue.locking import exclusive_lock
    from matcher.errors import BusyError
    from matcher.search.index_build import build_index

    index = tmp_path / "index"
    busy = rf"a build is running \(pid {os.getpid()}\); try again when it ends"
    with exclusive_lock(index, what="build", timeout=1), pytest.raises(BusyError, match=busy):
        build_index(index, engine.corpus, fakes(), Settings(), lock_timeout=0.2)
    assert not index.exists()
    build_index(index, engine.corpus, fakes(), Settings())  # free again once the holder is done
    assert answers(Matcher.open(index, corpus=engine.corpus, encoders=fakes(), build=False))


IMPORT_ONE = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from matcher.cli import main

    print("ready", flush=True)
    sys.stdin.readline()
    sys.exit(main(["--corpus", {catalogue!r}, "corpus", "import", {file!r}]))
    """
)


def test_imports_at_once_all_land_in_the_catalogue(tmp_path: Path) -> None:
    import shutil

    catalogue = tmp_path / "initiatives.jsonl"
    shutil.copy(DATA / "mini.jsonl", catalogue)
    base = json.loads((DATA / "mini.jsonl").read_text().splitlines()[0])
    scripts = []
    for n in range(4):
        record = {**base, "id": f"390{n}", "title": f"Imported programme {n}"}
        extra = tmp_path / f"extra{n}.jsonl"
        extra.write_text(json.dumps(record) + "\n")
        scripts.append(IMPORT_ONE.format(root=str(ROOT), catalogue=str(catalogue), file=str(extra)))
    run_together(scripts)
    ids = load_corpus(catalogue).ids
    assert {"3900", "3901", "3902", "3903"} <= set(ids) and len(ids) == 10
