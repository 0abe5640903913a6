"""A build killed at any point resumes from its finished chunks and ends equal to an
uninterrupted build (injected failures at chunk boundaries, and a SIGKILLed subprocess)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from matcher.catalogue.model import Corpus
from matcher.catalogue.parse import load_corpus
from matcher.search.embed_stream import chunk_folder, embed_in_chunks
from matcher.search.index_build import build_index
from matcher.settings import Settings
from tests.conftest import HashingEncoder

ROOT = Path(__file__).resolve().parents[2]


class Dies(HashingEncoder):
    """Fails on its `after`-th call, as a killed process stops."""

    def __init__(self, name: str, dim: int, after: int) -> None:
        super().__init__(name, dim)
        self.after = after

    def encode(self, texts, kind="passage"):  # type: ignore[no-untyped-def]
        if self.calls >= self.after:
            raise KeyboardInterrupt("killed")
        return super().encode(texts, kind)


def bigger_corpus(tmp_path: Path, mini_corpus: Corpus, copies: int = 8) -> Corpus:
    rows = []
    for c in range(copies):
        for j, ini in enumerate(mini_corpus):
            row = ini.to_dict()
            row["id"] = str(5000 + 10 * c + j)
            row["text"] = f"{row['text']} Edition {c} word{c}x{row['id']}."
            rows.append(row)
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return load_corpus(path)


def files_of(index_dir: Path) -> dict[str, bytes]:
    names = [n for n in sorted(os.listdir(index_dir)) if n != "manifest.json"]  # it has a date
    return {n: (index_dir / n).read_bytes() for n in names}


def test_chunks_are_reused_and_only_the_rest_embedded(tmp_path: Path) -> None:
    texts = [f"text number {i}" for i in range(10)]
    keys = [f"k{i}" for i in range(10)]
    out = np.zeros((10, 16), dtype=np.float32)
    dying = Dies("m", 16, after=2)  # one text per chunk: two chunks finish, then it dies
    with pytest.raises(KeyboardInterrupt):
        embed_in_chunks(out, range(10), texts, keys, dying, tmp_path, batch=1, chunk=1)
    fresh = HashingEncoder("m", 16)
    report = embed_in_chunks(out, list(range(10)), texts, keys, fresh, tmp_path, batch=1, chunk=1)
    assert (report.embedded, report.resumed) == (8, 2)
    assert fresh.calls == 8
    assert np.array_equal(out, HashingEncoder("m", 16).encode(texts))


def test_a_build_killed_five_times_resumes_and_equals_an_uninterrupted_one(
    tmp_path: Path, mini_corpus: Corpus
) -> None:
    corpus = bigger_corpus(tmp_path, mini_corpus)
    whole = tmp_path / "whole"
    build_index(whole, corpus, {"minilm": HashingEncoder("fake-a", 64)}, Settings(), chunk=4)
    index = tmp_path / "index"
    rng = random.Random(7)
    total_calls = 0
    for _ in range(5):
        dying = Dies("fake-a", 64, after=rng.randint(0, 6))
        with pytest.raises(KeyboardInterrupt):
            build_index(index, corpus, {"minilm": dying}, Settings(), batch=2, chunk=4)
        total_calls += dying.calls
        assert not index.exists()  # nothing half-written is taken for an index
    last = HashingEncoder("fake-a", 64)
    report = build_index(index, corpus, {"minilm": last}, Settings(), batch=2, chunk=4)
    assert report.resumed["minilm"] > 0 and report.embedded["minilm"] == 48
    # at most the unfinished chunk of each kill is embedded twice
    assert total_calls + last.calls <= 48 + 5 * 4
    assert files_of(index) == files_of(whole)
    assert not chunk_folder(index).exists()  # a finished build removes its chunks


SLOW_BUILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from tests.conftest import HashingEncoder
    from matcher.catalogue.parse import load_corpus
    from matcher.search.index_build import build_index
    from matcher.settings import Settings

    class Slow(HashingEncoder):
        def encode(self, texts, kind="passage"):
            print("embedding", flush=True)
            time.sleep(0.05)
            return super().encode(texts, kind)

    build_index(Path({index!r}), load_corpus({corpus!r}), {{"minilm": Slow("fake-a", 64)}},
                Settings(), progress=False, batch=1, chunk=3)
    """
)


def test_sigkill_at_random_points_then_resume(tmp_path: Path, mini_corpus: Corpus) -> None:
    corpus = bigger_corpus(tmp_path, mini_corpus)
    whole = tmp_path / "whole"
    build_index(whole, corpus, {"minilm": HashingEncoder("fake-a", 64)}, Settings(), chunk=3)
    index = tmp_path / "index"
    script = SLOW_BUILD.format(root=str(ROOT), corpus=corpus.source, index=str(index))
    rng = random.Random(11)
    for _ in range(2):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "embedding"
        time.sleep(rng.uniform(0.0, 0.5))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    last = HashingEncoder("fake-a", 64)
    report = build_index(index, corpus, {"minilm": last}, Settings(), chunk=3)
    assert report.resumed["minilm"] > 0 and last.calls < 48
    assert files_of(index) == files_of(whole)


class Recording(HashingEncoder):
    """Remembers the batches it was given."""

    def __init__(self) -> None:
        super().__init__("recording", 16)
        self.batches: list[list[str]] = []

    def encode(self, texts, kind="passage"):  # type: ignore[no-untyped-def]
        self.batches.append(list(texts))
        return super().encode(texts, kind)


def test_batches_hold_similar_lengths_and_rows_keep_their_texts(tmp_path: Path) -> None:
    texts = [("word " * n).strip() + f" t{n}" for n in (40, 1, 30, 2, 35, 3, 25, 4)]
    out = np.zeros((len(texts), 16), dtype=np.float32)
    encoder = Recording()
    embed_in_chunks(out, range(len(texts)), texts, texts, encoder, tmp_path, batch=4, chunk=8)
    assert [len(b) for b in encoder.batches] == [4, 4]
    assert max(len(t) for t in encoder.batches[0]) < min(len(t) for t in encoder.batches[1])
    assert np.array_equal(out, HashingEncoder("recording", 16).encode(texts))
