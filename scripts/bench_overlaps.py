"""Time overlap detection and the review queue at scale, on synthetic initiatives made from the
real initiatives' sentences.

    python scripts/bench_overlaps.py [--n 10000] [--seed 1]

Each synthetic initiative takes a real title (with a number, so titles differ), 3 to 5 sentences
drawn from the real descriptions, and a real initiative's organisations and regions. Vectors are
NOT the product's MiniLM embeddings (10,000 take minutes to encode): they are a sparse random
projection (scikit-learn) of hashed word counts to 384 dimensions, unit length; the timing is
that of the overlap stage (candidates, classes, relations, clusters, review ranking), which
takes the vectors as given. Prints the seconds each stage took, the number of candidate pairs,
the pairs per class and the largest cluster. Also times the whole-catalogue run (118 real
initiatives, the shipped index's vectors) through the Matcher facade.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections import Counter

import numpy as np

from matcher.catalogue.model import Initiative
from matcher.catalogue.parse import load_corpus
from matcher.overlaps.detect import classified_pairs, cluster_overlaps, score_pairs
from matcher.settings import DEFAULT_CORPUS


def synthetic(n: int, seed: int) -> list[Initiative]:
    real = list(load_corpus(DEFAULT_CORPUS).initiatives)
    sentences = [
        s.strip()
        for ini in real
        for s in re.split(r"(?<=[.!?])\s+", ini.text)
        if len(s.split()) >= 6
    ]
    rng = random.Random(seed)
    out = []
    for k in range(n):
        base = rng.choice(real)
        text = " ".join(rng.sample(sentences, rng.randint(3, 5)))
        title = f"{rng.choice(real).title} {k}"
        out.append(
            Initiative(
                f"S{k}",
                title,
                base.sub_working_group,
                base.sub_working_group_title,
                base.pillar,
                text,
                base.organizations,
                base.regions,
            )
        )
    return out


def projected_vectors(items: list[Initiative], dim: int = 384, seed: int = 1) -> np.ndarray:
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.random_projection import SparseRandomProjection

    counts = HashingVectorizer(n_features=2**18, alternate_sign=False, norm="l2").transform(
        [f"{i.title} {i.text}" for i in items]
    )
    v = SparseRandomProjection(n_components=dim, random_state=seed).fit_transform(counts)
    v = np.asarray(v.todense() if hasattr(v, "todense") else v, dtype=np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    t0 = time.perf_counter()
    items = synthetic(args.n, args.seed)
    vectors = projected_vectors(items)
    t1, c1 = time.perf_counter(), time.process_time()
    scored = score_pairs(items, vectors)
    t2, c2 = time.perf_counter(), time.process_time()
    pairs = classified_pairs(scored)
    clusters = cluster_overlaps(pairs, items)
    t3, c3 = time.perf_counter(), time.process_time()
    print(f"{args.n} synthetic initiatives, random-projection vectors (made in {t1 - t0:.1f} s)")
    print(
        f"  candidates, classes, relations and ranking: {t2 - t1:.2f} s wall, {c2 - c1:.2f} s "
        f"CPU ({len(scored)} pairs)"
    )
    print(
        f"  clusters: {t3 - t2:.2f} s wall; overlap stage total {t3 - t1:.2f} s wall, "
        f"{c3 - c1:.2f} s CPU (CPU time includes other threads: FAISS, BLAS)"
    )
    print(f"  pairs per class: {dict(Counter(p.cls.value for p in pairs))}")
    sizes = sorted((len(c.ids) for c in clusters), reverse=True)
    print(f"  clusters: {len(clusters)}, largest {sizes[0] if sizes else 0}, next {sizes[1:5]}")

    from matcher.facade import Matcher

    matcher = Matcher.open()
    t4, c4 = time.perf_counter(), time.process_time()
    real_pairs, real_clusters = matcher.overlaps()
    t5, c5 = time.perf_counter(), time.process_time()
    print(
        f"whole catalogue ({len(matcher.corpus)} initiatives, MiniLM vectors): {t5 - t4:.2f} s "
        f"wall, {c5 - c4:.2f} s CPU, "
        f"{len(real_pairs)} pairs, largest cluster {max(len(c.ids) for c in real_clusters)}"
    )


if __name__ == "__main__":
    main()
