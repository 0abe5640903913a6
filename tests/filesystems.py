"""Small real file systems for fault tests: a tmpfs of a few hundred KB that fills up, or is
made read-only. Mounting needs root (or CAP_SYS_ADMIN); without it the tests that need one are
skipped, saying why."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def small_fs(path: Path, kib: int) -> Iterator[Path]:
    """A tmpfs of `kib` KiB mounted at `path` for the body of a `with`."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip()[:80]}): needs root")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def read_only(path: Path) -> None:
    """Remount the small file system at `path` read-only."""
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)


def fill(path: Path) -> None:
    """Fill the file system holding `path` to the last byte."""
    for name, block in ((".filler", 4096), (".filler2", 1)):
        try:
            with (path / name).open("wb", buffering=0) as fh:
                while True:
                    fh.write(b"\0" * block)
        except OSError:
            pass
