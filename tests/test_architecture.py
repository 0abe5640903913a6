"""The layers of docs/ARCHITECTURE.md hold: import-linter's contracts pass on the package, and
fail, naming the import, on a copy given an upward import or a circle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "matcher"
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")


def lint(src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_with(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the package whose `module` (a path under src/matcher) gains `line`."""
    src = tmp_path / "src"
    shutil.copytree(PACKAGE, src / "matcher", ignore=shutil.ignore_patterns("__pycache__", "data"))
    target = src / "matcher" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    return src


def test_the_package_keeps_every_contract(tmp_path: Path) -> None:
    result = lint(ROOT / "src", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_layers_and_is_named(tmp_path: Path) -> None:
    src = copy_with(tmp_path, "catalogue/model.py", "import matcher.facade  # noqa: E402")
    result = lint(src, tmp_path)
    assert result.returncode != 0
    assert "matcher.catalogue is not allowed to import matcher.facade" in result.stdout
    assert "matcher.catalogue.model -> matcher.facade" in result.stdout


def test_a_circle_inside_a_package_is_named(tmp_path: Path) -> None:
    src = copy_with(tmp_path, "catalogue/records.py", "import matcher.catalogue.parse  # noqa")
    result = lint(src, tmp_path)
    assert result.returncode != 0
    assert "No cycles are allowed in matcher.catalogue" in result.stdout


def modules() -> dict[Path, int]:
    return {
        path: len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }


def test_no_module_outgrows_one_job() -> None:
    sizes = modules()
    assert max(sizes.values()) <= 500, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
    assert sizes[PACKAGE / "facade.py"] <= 350


def test_the_top_level_stays_a_short_list_of_packages() -> None:
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert len(flat) <= 15, flat
    assert len(packages) >= 5, packages
