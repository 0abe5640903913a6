"""Build artefacts made from the model packages on first use, kept in a cache folder.

* all-MiniLM-L6-v2 as an ONNX file (`onnx_export.py` writes it, in a child process, so torch is
  never imported by a search);
* the multilingual USE's weights and tokenizer tables as plain `.npy` files, memory-mapped on
  load (the package ships them as one compressed `.npz` and a sentencepiece protobuf that take
  2.5 s to decode and parse on every start).

Each artefact is a folder named after the fast fingerprint of its source, holding a
`manifest.json` with the sha256 of the source file and of every file written, and the sizes
checked on load. Folders are written under a temporary name and renamed into place, so a crash
or a second process exporting at the same time never leaves a half artefact. No pickle: arrays
are loaded with `allow_pickle=False`.

The folder is `$MATCHER_CACHE_DIR`, else `$XDG_CACHE_HOME/coalition-matcher`, else
`~/.cache/coalition-matcher` (read here, at the one place that needs it, like the models'
package folders).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from matcher.errors import ModelError

SCHEMA = 1


def cache_root() -> Path:
    """Where artefacts are written (see the module docstring)."""
    explicit = os.environ.get("MATCHER_CACHE_DIR", "").strip()
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "coalition-matcher"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _valid(folder: Path) -> dict | None:
    """The folder's manifest when every file it lists is there at its recorded size."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        files = manifest["files"]
        if manifest.get("schema") != SCHEMA:
            return None
        for name, entry in files.items():
            if (folder / name).stat().st_size != int(entry["bytes"]):
                return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return manifest


def artefact(
    root: Path,
    kind: str,
    key: str,
    source: Path,
    make: Callable[[Path], Mapping[str, object]],
) -> Path:
    """The folder `root/kind/key`, made by `make(tmp_folder)` when missing or incomplete.

    `make` writes its files into the temporary folder and returns facts for the manifest; the
    manifest adds the sha256 of `source` and of each file written.
    """
    folder = root / kind / key
    if _valid(folder) is not None:
        return folder
    try:
        (root / kind).mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=root / kind))
        tmp.chmod(0o755)
    except OSError as exc:
        raise ModelError(
            f"cannot write the model cache in {root} ({exc.strerror}); set MATCHER_CACHE_DIR "
            "to a writable folder"
        ) from None
    try:
        facts = dict(make(tmp))
        files = {
            p.name: {"bytes": p.stat().st_size, "sha256": sha256_file(p)}
            for p in sorted(tmp.iterdir())
            if p.is_file()
        }
        manifest = {
            "schema": SCHEMA,
            "kind": kind,
            "source": {"path": str(source), "sha256": sha256_file(source)},
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            **facts,
            "files": files,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if folder.exists():  # incomplete: replaced whole
            shutil.rmtree(folder, ignore_errors=True)
        try:
            tmp.rename(folder)
        except OSError:
            if _valid(folder) is None:  # not another process finishing first
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def onnx_minilm(root: Path, folder: Path, key: str, *, int8: bool = False) -> Path:
    """all-MiniLM-L6-v2's ONNX file, exported from `folder` on first use (about 10 s, in a
    child process that imports torch)."""

    def make(tmp: Path) -> Mapping[str, object]:
        command = [sys.executable, "-m", "matcher.search.onnx_export", str(folder),
                   str(tmp / "model.onnx")]
        if int8:
            command.append("--int8")
        print("exporting all-MiniLM-L6-v2 to ONNX (once, about 10 s) ...", file=sys.stderr)
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise ModelError(
                f"cannot export MiniLM to ONNX ({last}); run `python scripts/export_onnx.py` "
                "(it needs torch: `pip install -e .`)"
            )
        report = json.loads(done.stdout.strip().splitlines()[-1])
        return {"int8": int8, "min_cosine_to_torch": report["min_cosine"]}

    name = f"{key}-int8" if int8 else key
    return artefact(root, "minilm-onnx", name, folder / "model.safetensors", make) / "model.onnx"


def _write_arrays(tmp: Path, arrays: Mapping[str, np.ndarray]) -> None:
    for name, array in arrays.items():
        np.save(tmp / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)


def array_folder(
    root: Path,
    kind: str,
    key: str,
    source: Path,
    build: Callable[[], Mapping[str, np.ndarray]],
    *,
    also_from: tuple[Path, ...] = (),
) -> dict[str, np.ndarray]:
    """Arrays built once by `build()` and saved as `.npy`, then memory-mapped read-only;
    `also_from` are further source files, recorded by sha256 in the manifest."""

    def make(tmp: Path) -> Mapping[str, object]:
        _write_arrays(tmp, build())
        return {"also_from": {str(p): sha256_file(p) for p in also_from}}

    folder = artefact(root, kind, key, source, make)
    return {
        p.stem: np.load(p, mmap_mode="r", allow_pickle=False)
        for p in sorted(folder.glob("*.npy"))
    }
