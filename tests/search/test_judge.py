"""The judge's folder is checked against its manifest before anything is loaded from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.search.judge import JudgeError, JudgeManifest, check_folder, file_sha256, load_judge


def folder(tmp_path: Path, **changes: object) -> Path:
    where = tmp_path / "judge"
    where.mkdir()
    for name in ("judge.npz", "notes.txt"):
        (where / name).write_bytes(name.encode())
    manifest = {
        "threshold": 0.4,
        "need_threshold": -1.5,
        "mix": 0.7,
        "eval_candidates": 8,
        "field_floor": 0.1,
        "weights_sha256": {n: file_sha256(where / n) for n in ("judge.npz", "notes.txt")},
        **changes,
    }
    (where / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return where


def test_an_intact_folder_passes_and_its_decision_settings_are_read(tmp_path: Path) -> None:
    where = folder(tmp_path)
    manifest = JudgeManifest.read(where)
    check_folder(where, manifest)
    assert (manifest.threshold, manifest.candidates, manifest.field_floor) == (0.4, 8, 0.1)
    assert (manifest.need_threshold, manifest.mix) == (-1.5, 0.7)


def test_a_changed_weight_file_is_one_line_naming_it(tmp_path: Path) -> None:
    where = folder(tmp_path)
    (where / "judge.npz").write_bytes(b"other weights")
    with pytest.raises(JudgeError) as err:
        load_judge(where)
    assert "judge.npz" in str(err.value) and "\n" not in str(err.value)
    assert "train_judge.py" in str(err.value)


def test_a_missing_file_or_manifest_says_what_to_do(tmp_path: Path) -> None:
    where = folder(tmp_path)
    (where / "notes.txt").unlink()
    with pytest.raises(JudgeError, match=r"notes\.txt is missing"):
        load_judge(where)
    (where / "manifest.json").unlink()
    with pytest.raises(JudgeError, match="no manifest"):
        load_judge(where)


@pytest.mark.parametrize(
    "changes", [{"threshold": "high"}, {"weights_sha256": {}}, {"need_threshold": None}]
)
def test_a_manifest_without_what_the_judge_needs_is_refused(tmp_path: Path, changes) -> None:
    where = folder(tmp_path, **changes)
    with pytest.raises(JudgeError):
        load_judge(where)
