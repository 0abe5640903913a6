"""kill -9 at every step of an import: the history never says an import happened that the
catalogue does not show, and the next change cleans what the killed one left.

The import runs in its own process, which kills itself with SIGKILL just before or just after
its N-th rename (each atomic write is a temporary file renamed into place): so every point
between two writes, and a temporary file written but not renamed, is tried.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from matcher.catalogue.changes import import_catalogue
from matcher.catalogue.parse import load_corpus
from matcher.catalogue.versions import CatalogueVersions
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[2]
KILLED = textwrap.dedent(
    """
    import os, pathlib, signal, sys
    sys.path.insert(0, {root!r})
    from matcher.catalogue.changes import import_catalogue
    from matcher.catalogue.parse import load_corpus
    target, extra, n, when = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    real, seen = pathlib.Path.replace, [0]
    def replace(self, other):
        seen[0] += 1
        if seen[0] == n and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        out = real(self, other)
        if seen[0] == n and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)
        return out
    pathlib.Path.replace = replace
    import_catalogue(load_corpus(pathlib.Path(extra)), pathlib.Path(target))
    print("finished")
    """
)


def extra_file(tmp_path: Path, new_id: str) -> Path:
    record = json.loads((DATA / "mini.jsonl").read_text().splitlines()[0])
    path = tmp_path / f"extra-{new_id}.jsonl"
    path.write_text(json.dumps({**record, "id": new_id, "title": f"New {new_id}"}) + "\n")
    return path


def leftovers(target: Path) -> list[str]:
    folder = CatalogueVersions(target).folder
    names = [p.name for p in [*target.parent.iterdir(), *folder.iterdir()]]
    snapshots = {n[:4] for n in names if n.endswith(".jsonl") and n[:4].isdigit()}
    records = {n[:4] for n in names if n.endswith(".json") and n[:4].isdigit()}
    return sorted(
        [n for n in names if n.endswith((".tmp", ".pending"))]
        + [f"{s}.jsonl without a record" for s in snapshots - records]
    )


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_a_killed_import_leaves_a_true_history_and_the_next_change_cleans_up(
    tmp_path: Path, n: int, when: str
) -> None:
    target = tmp_path / "catalogue.jsonl"
    import_catalogue(load_corpus(DATA / "mini.jsonl"), target)
    versions = CatalogueVersions(target)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED.format(root=str(ROOT / "src")),
            str(target),
            str(extra_file(tmp_path, "3998")),
            str(n),
            when,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == -9, (done.returncode, done.stderr[-400:])
    landed = "3998" in load_corpus(target)
    history = versions.history()
    # the history says the import happened exactly when the catalogue shows it
    assert len(history) == 1 + landed and history[-1].current
    assert ("3998" in history[-1].added) == landed
    import_catalogue(load_corpus(extra_file(tmp_path, "3997")), target)  # the next change
    assert leftovers(target) == []
    history = versions.history()
    assert [v.number for v in history] == list(range(1, 3 + landed)) and history[-1].current
    assert history[-1].added == ("3997",)
    assert versions.snapshot(history[-1].number).initiatives == load_corpus(target).initiatives


def test_an_import_that_finishes_renames_four_times(tmp_path: Path) -> None:
    """The kill points above cover every rename of an import: it makes exactly four."""
    target = tmp_path / "catalogue.jsonl"
    import_catalogue(load_corpus(DATA / "mini.jsonl"), target)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED.format(root=str(ROOT / "src")),
            str(target),
            str(extra_file(tmp_path, "3998")),
            "5",
            "before",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "finished" in done.stdout, done.stderr[-400:]
    assert leftovers(target) == [] and os.path.exists(target)
