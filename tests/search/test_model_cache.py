"""The model cache: artefacts made once, checked by manifest, remade when incomplete."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from matcher.errors import ModelError
from matcher.search import model_cache
from matcher.search.model_cache import array_folder, artefact, onnx_minilm, sha256_file


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "weights.bin"
    path.write_bytes(b"weights of a model written for this test")
    return path


def test_artefact_is_made_once_with_a_manifest_of_checksums(tmp_path: Path, source: Path) -> None:
    made: list[Path] = []

    def make(folder: Path) -> dict:
        made.append(folder)
        (folder / "a.txt").write_text("abc")
        return {"note": "hand-made"}

    first = artefact(tmp_path / "cache", "kind", "k1", source, make)
    again = artefact(tmp_path / "cache", "kind", "k1", source, make)
    assert first == again == tmp_path / "cache" / "kind" / "k1"
    assert len(made) == 1
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest["source"]["sha256"] == sha256_file(source)
    assert manifest["files"]["a.txt"] == {"bytes": 3, "sha256": sha256_file(first / "a.txt")}
    assert manifest["note"] == "hand-made"
    assert not [p for p in (tmp_path / "cache" / "kind").iterdir() if p.name.startswith(".")]


def test_a_truncated_artefact_is_made_again(tmp_path: Path, source: Path) -> None:
    calls = []

    def make(folder: Path) -> dict:
        calls.append(1)
        (folder / "a.txt").write_text("abcdef")
        return {}

    folder = artefact(tmp_path, "kind", "k", source, make)
    (folder / "a.txt").write_text("abc")  # cut short, as by a crash or a full disk
    artefact(tmp_path, "kind", "k", source, make)
    assert len(calls) == 2
    assert (folder / "a.txt").read_text() == "abcdef"


def test_a_failed_make_leaves_nothing(tmp_path: Path, source: Path) -> None:
    def make(folder: Path) -> dict:
        (folder / "half.txt").write_text("x")
        raise ModelError("export failed")

    with pytest.raises(ModelError):
        artefact(tmp_path, "kind", "k", source, make)
    assert list((tmp_path / "kind").iterdir()) == []


def test_arrays_come_back_memory_mapped_and_read_only(tmp_path: Path, source: Path) -> None:
    table = np.arange(10, dtype=np.uint8).reshape(5, 2)
    vocab = tmp_path / "vocab.model"
    vocab.write_bytes(b"a tokenizer file")
    arrays = array_folder(
        tmp_path, "arrays", "k", source, lambda: {"table": table}, also_from=(vocab,)
    )
    manifest = json.loads((tmp_path / "arrays" / "k" / "manifest.json").read_text())
    assert manifest["also_from"] == {str(vocab): sha256_file(vocab)}
    assert isinstance(arrays["table"], np.memmap)
    assert np.array_equal(arrays["table"], table)
    assert not arrays["table"].flags.writeable


def test_unwritable_cache_says_what_to_set(tmp_path: Path, source: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ModelError, match="MATCHER_CACHE_DIR"):
        artefact(blocker, "kind", "k", source, lambda folder: {})


def test_failed_export_is_one_line_naming_the_script(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(command: list[str], **_: object) -> subprocess.CompletedProcess:
        assert "matcher.search.onnx_export" in command  # run apart: torch stays out of here
        return subprocess.CompletedProcess(command, 1, "", "Traceback ...\nOSError: no weights")

    monkeypatch.setattr(model_cache.subprocess, "run", failing)
    with pytest.raises(ModelError, match=r"no weights.*scripts/export_onnx.py"):
        onnx_minilm(tmp_path, source.parent, "fp")


def test_cache_root_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATCHER_CACHE_DIR", str(tmp_path / "c"))
    assert model_cache.cache_root() == tmp_path / "c"
    monkeypatch.delenv("MATCHER_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert model_cache.cache_root() == tmp_path / "x" / "coalition-matcher"


def test_int8_minilm_has_a_fingerprint_of_its_own() -> None:
    # its vectors differ from the float model's (cosine 0.98-0.99): an index or calibration
    # fitted for one must be refused for the other
    from matcher.search.encoders import MiniLMEncoder

    float_fp, int8_fp = MiniLMEncoder(int8=False).fingerprint(), MiniLMEncoder().fingerprint()
    assert float_fp != int8_fp and len(float_fp) == len(int8_fp) == 16
