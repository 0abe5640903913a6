"""A build on a real, small, full file system: exit 7 and one line on every write path.

A tmpfs of 2 MiB is filled to leave 0, 1, 2, ... free pages, and the index is built into it each
time, so the build runs out of space at each of its writes in turn (the vectors' memory map, a
resume chunk, the FAISS files, the passages, the manifest, the swap) until it fits. Every
attempt must end in a StorageError (or a finished index), never a SIGBUS (exit 135) or a FAISS
RuntimeError. The sweep runs in its own process so that a bus error is seen, not suffered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from matcher.cli import main
from tests.api.test_app import SERVE
from tests.conftest import DATA
from tests.filesystems import fill, small_fs

ROOT = Path(__file__).resolve().parents[2]

SWEEP = textwrap.dedent(
    """
    import json, os, shutil, sys
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from matcher.catalogue.parse import load_corpus
    from matcher.errors import StorageError
    from matcher.search.index_build import build_index
    from matcher.settings import Settings
    from tests.conftest import DATA, HashingEncoder
    fs = Path(sys.argv[1])
    corpus = load_corpus(DATA / "mini.jsonl")
    # wide vectors: each file spans many pages, so space runs out inside each of them
    encoders = {{"minilm": HashingEncoder("fake-a", 4096), "use": HashingEncoder("fake-b", 2048)}}
    for pages in range(0, 400, 3):
        for item in fs.iterdir():
            shutil.rmtree(item) if item.is_dir() else item.unlink()
        with (fs / ".filler").open("wb", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"\\0" * 4096)
            except OSError:
                pass
        os.truncate(fs / ".filler", max(0, (fs / ".filler").stat().st_size - pages * 4096))
        try:
            build_index(fs / "index", corpus, encoders, Settings(), lock_timeout=5)
        except StorageError as exc:
            left = sorted(p.name for p in fs.iterdir() if p.name.startswith(".matcher-"))
            print(json.dumps({{"pages": pages, "error": str(exc), "left": left}}), flush=True)
            continue
        print(json.dumps({{"pages": pages, "built": True}}), flush=True)
        break
    """
)


def test_every_write_of_a_build_on_a_full_disk_is_a_storage_error(tmp_path: Path) -> None:
    with small_fs(tmp_path / "fs", 2048) as fs:
        done = subprocess.run(
            [sys.executable, "-c", SWEEP.format(root=str(ROOT)), str(fs)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
    assert done.returncode == 0, (done.returncode, done.stderr[-800:])
    attempts = [json.loads(line) for line in done.stdout.splitlines()]
    assert attempts[-1].get("built"), attempts[-3:]
    failed = attempts[:-1]
    assert len(failed) >= 3  # the space ran out at several different writes
    for attempt in failed:
        assert "\n" not in attempt["error"] and "free some disk space" in attempt["error"]
        assert attempt["left"] == []  # no half-built folder is left to take the space


def test_the_cli_says_one_line_and_exits_7_on_a_full_disk(tmp_path: Path) -> None:
    with small_fs(tmp_path / "fs", 512) as fs:
        fill(fs)
        argv = ["--index", str(fs / "index"), "--corpus", str(DATA / "mini.jsonl")]
        done = subprocess.run(
            [sys.executable, "-c", SERVE.format(root=str(ROOT)), *argv, "index", "build"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
    assert done.returncode == 7, done.stderr[-500:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "free some disk space" in lines[0]


def test_an_import_into_a_full_disk_is_exit_7_and_leaves_the_catalogue(
    tmp_path: Path, capsys
) -> None:
    with small_fs(tmp_path / "fs", 512) as fs:
        catalogue = fs / "catalogue.jsonl"
        catalogue.write_bytes((DATA / "mini.jsonl").read_bytes())
        before = catalogue.read_bytes()
        extra = tmp_path / "extra.jsonl"
        record = json.loads((DATA / "mini.jsonl").read_text().splitlines()[0])
        extra.write_text(json.dumps({**record, "id": "3999", "title": "A new one"}) + "\n")
        fill(fs)
        code = main(["--corpus", str(catalogue), "corpus", "import", str(extra)])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 7 and len(err) == 1 and "free some disk space" in err[0], err
        assert catalogue.read_bytes() == before
