from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from matcher.catalogue.model import Corpus
from matcher.catalogue.parse import load_corpus
from matcher.errors import MatcherIndexError
from matcher.search.index import index_status, load_index
from matcher.search.index_build import build_index
from matcher.search.word_cover import vocabulary
from matcher.settings import Settings
from tests.conftest import HashingEncoder


@pytest.fixture
def built(tmp_path: Path, mini_corpus: Corpus, fake_encoders) -> Path:
    index_dir = tmp_path / "index"
    build_index(index_dir, mini_corpus, fake_encoders, Settings(), progress=False)
    return index_dir


def test_manifest_records_what_the_index_was_built_from(built: Path, mini_corpus) -> None:
    manifest = json.loads((built / "manifest.json").read_text())
    assert manifest["schema_version"] == 1
    assert manifest["corpus_hash"] == mini_corpus.content_hash
    assert manifest["models"]["minilm"] == {"name": "fake-a", "fingerprint": "fake-a-64", "dim": 64}
    words = vocabulary(i.full_text for i in mini_corpus)
    assert manifest["counts"] == {"initiatives": 6, "passages": 6, "words": len(words)}
    assert json.loads((built / "vocabulary.json").read_text()) == words
    assert {"vocabulary.json", "vocabulary_use.npy"} <= set(manifest["files"])
    assert sorted(manifest["files"]) == [
        "faiss_minilm.index",
        "faiss_use.index",
        "passages.jsonl",
        "vectors_minilm.npy",
        "vectors_use.npy",
        "vocabulary.json",
        "vocabulary_use.npy",
    ]
    assert not list(built.parent.glob(".matcher-*"))  # no temporary folder left behind


def test_faiss_equals_numpy_brute_force(built: Path, mini_corpus, fake_encoders) -> None:
    index = load_index(built, mini_corpus, fake_encoders, Settings())
    query = fake_encoders["minilm"].encode(["fentanyl in mail parcels"])[0]
    brute = index.vectors["minilm"] @ query
    assert index.search("minilm", query) == pytest.approx(brute, abs=1e-6)


def test_save_then_load_gives_identical_vectors(built: Path, mini_corpus, fake_encoders) -> None:
    index = load_index(built, mini_corpus, fake_encoders, Settings())
    again = load_index(built, mini_corpus, fake_encoders, Settings())
    for signal in ("minilm", "use"):
        assert np.array_equal(index.vectors[signal], again.vectors[signal])
    assert [p.text for p in index.passages] == [p.text for p in again.passages]


def edited_corpus(tmp_path: Path, mini_corpus: Corpus) -> Corpus:
    rows = [ini.to_dict() for ini in mini_corpus]
    rows[1]["text"] = "Customs and postal services stop fentanyl in letters."
    path = tmp_path / "edited.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return load_corpus(path)


def test_changed_corpus_is_stale_and_only_changed_text_is_re_embedded(
    built: Path, tmp_path: Path, mini_corpus
) -> None:
    edited = edited_corpus(tmp_path, mini_corpus)
    encoders = {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}
    with pytest.raises(MatcherIndexError, match=r"stale: .*corpus.*run `matcher index build`"):
        load_index(built, edited, encoders, Settings())
    report = build_index(built, edited, encoders, Settings(), progress=False)
    assert report.embedded == {"minilm": 1, "use": 1}
    assert report.reused == {"minilm": 5, "use": 5}
    assert encoders["minilm"].calls == 1
    load_index(built, edited, encoders, Settings())


def test_other_model_or_settings_is_stale(built: Path, mini_corpus, fake_encoders) -> None:
    other = {**fake_encoders, "minilm": HashingEncoder("other-model", 64)}
    with pytest.raises(MatcherIndexError, match="minilm model differs"):
        load_index(built, mini_corpus, other, Settings())
    with pytest.raises(MatcherIndexError, match="other passage or model settings"):
        load_index(built, mini_corpus, fake_encoders, Settings(passage_words=40))


def test_missing_index_says_how_to_build(tmp_path: Path, mini_corpus, fake_encoders) -> None:
    with pytest.raises(MatcherIndexError, match=r"no index in .*; run `matcher index build`"):
        load_index(tmp_path / "nothing", mini_corpus, fake_encoders, Settings())
    status = index_status(tmp_path / "nothing", mini_corpus, fake_encoders, Settings())
    assert status["state"] == "missing"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda d: (d / "faiss_minilm.index").write_bytes(
                (d / "faiss_minilm.index").read_bytes()[:50]
            ),
            "damaged",
        ),
        (lambda d: (d / "vectors_use.npy").unlink(), "missing"),
        (lambda d: (d / "manifest.json").write_text("{not json"), "damaged"),
        (lambda d: (d / "passages.jsonl").write_text("garbage\n"), "damaged"),
    ],
)
def test_damaged_files_are_detected(
    built: Path, mini_corpus, fake_encoders, damage, message
) -> None:
    damage(built)
    with pytest.raises(MatcherIndexError, match=message):
        load_index(built, mini_corpus, fake_encoders, Settings())


def test_hand_edited_manifest_is_detected(built: Path, mini_corpus, fake_encoders) -> None:
    manifest = json.loads((built / "manifest.json").read_text())
    manifest["models"]["minilm"]["dim"] = 32
    (built / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(MatcherIndexError, match="differs"):
        load_index(built, mini_corpus, fake_encoders, Settings())


def test_wrong_dimension_vectors_are_detected(built: Path, mini_corpus, fake_encoders) -> None:
    np.save(built / "vectors_use.npy", np.zeros((6, 16), dtype=np.float32))
    manifest = json.loads((built / "manifest.json").read_text())
    import hashlib

    manifest["files"]["vectors_use.npy"] = hashlib.sha256(
        (built / "vectors_use.npy").read_bytes()
    ).hexdigest()
    manifest["sizes"]["vectors_use.npy"] = (built / "vectors_use.npy").stat().st_size
    (built / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(MatcherIndexError, match=r"shape \(6, 16\), expected \(6, 32\)"):
        load_index(built, mini_corpus, fake_encoders, Settings())


def test_files_in_the_folder_that_are_not_ours_survive_a_rebuild(
    built: Path, mini_corpus, fake_encoders
) -> None:
    (built / "README.md").write_text("keep me")
    build_index(built, mini_corpus, fake_encoders, Settings(), progress=False)
    assert (built / "README.md").read_text() == "keep me"


def test_milvus_lite_store_holds_the_vectors_and_is_checked_on_load(
    tmp_path: Path, mini_corpus, fake_encoders
) -> None:
    pytest.importorskip("milvus_lite")
    from matcher.facade import Matcher

    uri = f"milvus-lite://{tmp_path / 'vectors.db'}"
    milvus = Settings(vector_store=uri)
    build_index(tmp_path / "m", mini_corpus, fake_encoders, milvus, progress=False)
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert {d["uri"] for d in manifest["stores"].values()} == {uri}
    assert "faiss_minilm.index" not in manifest["files"]
    index = load_index(tmp_path / "m", mini_corpus, fake_encoders, milvus)
    query = fake_encoders["minilm"].encode(["fentanyl in mail parcels"])
    _, scores = index.top("minilm", query, 3)
    assert scores[0] == pytest.approx(np.sort(index.vectors["minilm"] @ query[0])[::-1][:3], 1e-5)
    # the same search through the engine as with FAISS
    flat = Matcher.open(tmp_path / "f", corpus=mini_corpus, encoders=fake_encoders)
    on_milvus = Matcher.open(
        tmp_path / "m", corpus=mini_corpus, encoders=fake_encoders, settings=milvus, build=False
    )
    for text in ("detector dogs fentanyl airports", "training; early warning"):
        assert [m.id for m in on_milvus.search(text).results] == [
            m.id for m in flat.search(text).results
        ]
    # an index whose vectors are in another store is stale
    with pytest.raises(MatcherIndexError, match="its vectors are in milvus-lite://"):
        load_index(tmp_path / "m", mini_corpus, fake_encoders, Settings(vector_store="faiss:"))
    # a rebuild drops the collections it no longer uses
    build_index(tmp_path / "m", edited_corpus(tmp_path, mini_corpus), fake_encoders, milvus)
    from matcher.search.milvus_store import client_for

    assert len(client_for(uri).list_collections()) == 2


def test_status_puts_back_an_index_left_aside_by_an_interrupted_swap(
    built: Path, mini_corpus: Corpus, fake_encoders
) -> None:
    """A build killed between its two renames leaves the previous index in .matcher-old-*;
    `index status` said "missing"."""
    aside = built.parent / f".matcher-old-999999-{built.name}"  # a pid that no longer runs
    built.rename(aside)
    status = index_status(built, mini_corpus, fake_encoders, Settings())
    assert status["state"] == "current" and built.is_dir() and not aside.exists()


def test_status_says_where_the_previous_index_is_when_it_cannot_put_it_back(
    tmp_path: Path, mini_corpus: Corpus, fake_encoders
) -> None:
    from tests.filesystems import read_only, small_fs

    with small_fs(tmp_path / "fs", 1024) as fs:
        index = fs / "index"
        build_index(index, mini_corpus, fake_encoders, Settings())
        aside = fs / ".matcher-old-999999-index"
        index.rename(aside)
        read_only(fs)
        status = index_status(index, mini_corpus, fake_encoders, Settings())
        assert status["state"] == "missing"
        assert f"intact in {aside}" in status["problem"] and "mv " in status["problem"]
