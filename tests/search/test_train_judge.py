"""scripts/train_judge.py end to end at a tiny size: cross-validated, fitted, written with a
manifest the product's loader accepts, and refused once the weights change."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from matcher.search.judge import JudgeError, JudgeInput, load_judge

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 6


def dump() -> list[dict[str, object]]:
    """Needs whose serving candidate has a high first feature: a judge can learn that."""
    rng = np.random.default_rng(0)
    needs = []
    for n in range(16):
        status = "gap" if n % 4 == 0 else "served"
        ids = [f"10{j}" for j in range(4)]
        features = rng.normal(0, 0.1, size=(4, WIDTH))
        served = [] if status == "gap" else [ids[n % 3]]
        if served:
            features[n % 3, 0] += 1.0
        need = rng.normal(0, 0.1, size=3)
        need[0] += 0.0 if status == "gap" else 1.0
        needs.append({
            "source": "gap" if n % 2 else "train", "nid": f"N{n}", "group": f"T{n // 2}",
            "lang": "en", "style": "short", "status": status, "served_by": served,
            "field": 0.3 + 0.01 * n, "ids": ids, "open": [True] * 4, "top10": ids,
            "features": features.tolist(), "need_features": need.tolist(),
        })
    return needs


def test_a_tiny_run_writes_a_judge_the_product_loads_and_checks(tmp_path: Path) -> None:
    cands = tmp_path / "cands.json"
    cands.write_text(json.dumps(dump()), encoding="utf-8")
    out = tmp_path / "judge"
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "train_judge.py"), "--tiny", "--cands",
         str(cands), "--gap", str(cands), "--train", str(cands), "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "out of fold" in run.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["script"] == "scripts/train_judge.py" and manifest["seed"] == 13
    assert set(manifest["weights_sha256"]) == {"judge.npz"}
    assert set(manifest["data_sha256"]) == {"cands.json"}
    assert manifest["field_floor"] == pytest.approx(0.31)  # the least like the catalogue served
    judge = load_judge(out)
    rows = np.zeros((2, WIDTH))
    rows[0, 0] = 1.0
    served = JudgeInput("need", ("a", "b"), rows, np.array([1.0, 0.0, 0.0]))
    (p,) = judge.probabilities([served])
    assert p[0] > p[1]  # it learnt what serves
    gap = JudgeInput("need", ("a", "b"), np.zeros((2, WIDTH)), np.zeros(3))
    assert judge.served_score(served, p) > judge.served_score(gap, judge.probabilities([gap])[0])
    assert {"need_threshold", "mix"} <= set(manifest)
    weights = out / "judge.npz"
    weights.write_bytes(weights.read_bytes() + b"\0")
    with pytest.raises(JudgeError, match=r"judge\.npz .* hashes to"):
        load_judge(out)
