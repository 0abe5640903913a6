"""scripts/train_judge.py end to end at a tiny size: cross-validated, trained, exported to int8
ONNX with a manifest the product's loader accepts, and refused once a weight file changes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from matcher.search.judge import JudgeError, load_judge

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "mini.jsonl"

NEEDS = [
    ("fentanyl in postal parcels", "served", ["1204"], "postal"),
    ("mail and express parcel inspection", "served", ["1204"], "postal"),
    ("detector dogs at the airport", "served", ["1209"], "dogs"),
    ("canine teams for border crossings", "served", ["1209"], "dogs"),
    ("cattle rustling in the north", "gap", [], "cattle"),
    ("stolen livestock markets", "gap", [], "cattle"),
    ("training for addiction counsellors", "served", ["3200", "3218"], "treatment"),
    ("patrol boats and radar", "gap", [], "boats"),
]


def candidates() -> list[dict[str, object]]:
    records = [json.loads(line) for line in MINI.read_text(encoding="utf-8").splitlines()]
    out = []
    for n, (text, status, served, topic) in enumerate(NEEDS):
        out.append(
            {
                "source": "gap" if n % 2 else "train",
                "nid": f"N{n}",
                "group": f"T:{topic}",
                "text": text,
                "searched": text,
                "lang": "en",
                "style": "short",
                "status": status,
                "served_by": served,
                "field": 0.2 + 0.01 * n,
                "served_in_top10": [True] * len(served),
                "candidates": [
                    {"id": r["id"], "title": r["title"], "open": True, "passages": [r["text"]]}
                    for r in records
                ],
            }
        )
    return out


@pytest.mark.model
def test_a_tiny_training_run_ships_a_judge_the_product_loads(tmp_path: Path) -> None:
    cands = tmp_path / "cands.json"
    cands.write_text(json.dumps(candidates()), encoding="utf-8")
    out, work = tmp_path / "judge", tmp_path / "work"
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "train_judge.py"), "--tiny", "--cands", str(cands),
         "--gap", str(cands), "--train", str(cands), "--corpus", str(MINI),
         "--out", str(out), "--work", str(work)],
        capture_output=True, text=True, timeout=600, env={"OMP_NUM_THREADS": "2", "HF_HUB_OFFLINE": "1",
        "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["script"] == "train_judge.py" and manifest["seed"] == 13
    assert set(manifest["weights_sha256"]) == {"model_int8.onnx", "tokenizer.json"}
    assert set(manifest["data_sha256"]) == {"cands.json", "mini.jsonl"}
    assert manifest["field_floor"] == pytest.approx(0.2)  # the least like the catalogue served
    judge = load_judge(out)
    p = judge.probabilities([("fentanyl in mail", "Mail Channel Component. Parcels.")] * 2)
    assert p.shape == (2,) and np.all((p >= 0) & (p <= 1)) and p[0] == pytest.approx(p[1])
    with (out / "model_int8.onnx").open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(JudgeError, match=r"model_int8\.onnx .* hashes to"):
        load_judge(out)
