"""The search path imports neither torch nor sentence-transformers (issue 22): a new process
that opens the engine and searches must not pay torch's import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAKE_SEARCH = """
import sys
from pathlib import Path
import matcher.facade
from matcher.catalogue.parse import load_corpus
from tests.conftest import DATA, HashingEncoder, fake_calibration
encoders = {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}
m = matcher.facade.Matcher.open(Path(sys.argv[1]), corpus=load_corpus(DATA / "mini.jsonl"),
                                encoders=encoders, calibration=fake_calibration(encoders))
assert m.search("we need detector dogs at the airport").results
print(sorted({"torch", "sentence_transformers", "transformers"} & set(sys.modules)))
"""

REAL_SEARCH = """
import sys
from matcher.facade import Matcher
assert Matcher.open(progress=False).search("postal fentanyl trafficking, no forensic lab").results
print(sorted({"torch", "sentence_transformers", "transformers"} & set(sys.modules)))
"""


def _run(code: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_a_search_imports_no_torch(tmp_path: Path) -> None:
    assert _run(FAKE_SEARCH, str(tmp_path / "index")) == "[]"


@pytest.mark.model
def test_a_search_on_the_real_models_imports_no_torch() -> None:
    assert _run(REAL_SEARCH) == "[]"
