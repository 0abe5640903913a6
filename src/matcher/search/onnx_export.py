"""all-MiniLM-L6-v2 exported to ONNX: the only module that imports torch.

The search path never imports this module: `encoders.MiniLMEncoder` runs the exported file with
onnxruntime, and when the cache lacks it runs this module in a child process
(`python -m matcher.search.onnx_export`), so torch's import (about 2 s) is paid once per machine,
never by a search. `scripts/export_onnx.py` calls the same function by hand.

The graph is the sentence-transformers folder's forward pass (BERT -> mean pooling -> L2
normalisation) written in plain torch from the same safetensors file; `reference_forward` is
that pass run in torch, which the export checks its ONNX output against.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

OPSET = 17
CHECK_TEXTS = (
    "postal fentanyl trafficking, no forensic lab",
    "no tenemos sistema de alerta temprana",
    "a much longer text about laboratories and the chemicals they need to identify " * 6,
    "x",
)


def _module(folder: Path) -> Any:
    import torch
    from safetensors.torch import load_file

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    weights = load_file(str(folder / "model.safetensors"))

    class MiniBert(torch.nn.Module):
        """BERT encoder + mean pooling + normalisation over the folder's weights."""

        def __init__(self) -> None:
            super().__init__()
            self.heads = int(config["num_attention_heads"])
            self.layers = int(config["num_hidden_layers"])
            self.eps = float(config["layer_norm_eps"])
            self.hidden = int(config["hidden_size"])
            for name, tensor in weights.items():
                self.register_buffer(name.replace(".", "__"), tensor.float())

        def w(self, name: str) -> Any:
            return getattr(self, name.replace(".", "__"))

        def ln(self, x: Any, name: str) -> Any:
            return torch.nn.functional.layer_norm(
                x, (self.hidden,), self.w(f"{name}.weight"), self.w(f"{name}.bias"), self.eps
            )

        def linear(self, x: Any, name: str) -> Any:
            return torch.nn.functional.linear(x, self.w(f"{name}.weight"), self.w(f"{name}.bias"))

        def forward(self, ids: Any, mask: Any, types: Any) -> Any:
            f = torch.nn.functional
            n, length = ids.shape[0], ids.shape[1]
            positions = torch.arange(length, dtype=torch.long).unsqueeze(0)
            x = (
                f.embedding(ids, self.w("embeddings.word_embeddings.weight"))
                + f.embedding(positions, self.w("embeddings.position_embeddings.weight"))
                + f.embedding(types, self.w("embeddings.token_type_embeddings.weight"))
            )
            x = self.ln(x, "embeddings.LayerNorm")
            maskf = mask.to(x.dtype)
            bias = ((1.0 - maskf) * -1e4)[:, None, None, :]
            hidden = self.hidden
            size = hidden // self.heads
            for i in range(self.layers):
                p = f"encoder.layer.{i}"

                def heads(t: Any) -> Any:
                    return t.view(n, length, self.heads, size).transpose(1, 2)

                q = heads(self.linear(x, f"{p}.attention.self.query"))
                k = heads(self.linear(x, f"{p}.attention.self.key"))
                v = heads(self.linear(x, f"{p}.attention.self.value"))
                att = torch.softmax(q @ k.transpose(-1, -2) / (size**0.5) + bias, dim=-1)
                ctx = (att @ v).transpose(1, 2).reshape(n, length, hidden)
                x = self.ln(
                    x + self.linear(ctx, f"{p}.attention.output.dense"),
                    f"{p}.attention.output.LayerNorm",
                )
                h = f.gelu(self.linear(x, f"{p}.intermediate.dense"))
                x = self.ln(x + self.linear(h, f"{p}.output.dense"), f"{p}.output.LayerNorm")
            weights_ = maskf.unsqueeze(-1)
            pooled = (x * weights_).sum(1) / weights_.sum(1).clamp(min=1e-9)
            return f.normalize(pooled, dim=-1)

    return MiniBert().eval()


def _tokens(folder: Path, texts: Sequence[str], max_length: int) -> dict[str, np.ndarray]:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    batch = tokenizer.encode_batch(list(texts))
    return {
        "input_ids": np.array([e.ids for e in batch], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in batch], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in batch], dtype=np.int64),
    }


def reference_forward(folder: Path, texts: Sequence[str], max_length: int = 256) -> np.ndarray:
    """The float torch forward pass of the folder (what the ONNX file must reproduce)."""
    import torch

    model = _module(folder)
    feed = _tokens(folder, texts, max_length)
    with torch.inference_mode():
        out = model(*(torch.from_numpy(feed[k]) for k in ("input_ids", "attention_mask", "token_type_ids")))
    return np.asarray(out.numpy(), dtype=np.float32)


def export(folder: Path, out: Path, *, quantize: bool = False, max_length: int = 256) -> float:
    """Write the folder's model to `out` as ONNX (int8 per-channel weights when `quantize`);
    return the lowest cosine between its vectors and the torch forward's on CHECK_TEXTS."""
    import onnxruntime as ort
    import torch

    out.parent.mkdir(parents=True, exist_ok=True)
    model = _module(folder)
    feed = _tokens(folder, CHECK_TEXTS, max_length)
    args = tuple(torch.from_numpy(feed[k]) for k in ("input_ids", "attention_mask", "token_type_ids"))
    stem = f"{out.stem}.{os.getpid()}"
    float_path = out.with_name(f"{stem}.float.tmp") if quantize else out.with_name(f"{stem}.tmp")
    dynamic = {"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"},
               "token_type_ids": {0: "batch", 1: "length"}, "embeddings": {0: "batch"}}
    torch.onnx.export(
        model,
        args,
        str(float_path),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["embeddings"],
        dynamic_axes=dynamic,
        opset_version=OPSET,
        dynamo=False,
    )
    if quantize:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        target = out.with_name(f"{stem}.tmp")
        quantize_dynamic(
            str(float_path), str(target), per_channel=True, weight_type=QuantType.QInt8
        )
        float_path.unlink()
    else:
        target = float_path
    with torch.inference_mode():
        reference = model(*args).numpy()
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    got = session.run(None, feed)[0]
    agreement = float(np.min(np.sum(got * reference, axis=1)))
    target.replace(out)
    return agreement


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Export all-MiniLM-L6-v2 to ONNX.")
    parser.add_argument("folder", type=Path, help="the sentence-transformers model folder")
    parser.add_argument("out", type=Path, help="the .onnx file to write")
    parser.add_argument("--int8", action="store_true", help="int8 per-channel dynamic weights")
    parser.add_argument("--max-length", type=int, default=256)
    args = parser.parse_args(argv)
    agreement = export(args.folder, args.out, quantize=args.int8, max_length=args.max_length)
    print(json.dumps({"out": str(args.out), "int8": args.int8, "min_cosine": agreement}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
