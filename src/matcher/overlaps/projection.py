"""A 2-D map of the catalogue: PCA over initiative vectors, and a query placed on it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Projection:
    """A fitted 2-D projection (mean and two principal axes)."""

    mean: np.ndarray
    axes: np.ndarray  # (2, dim)
    explained: tuple[float, float]

    def transform(self, vectors: np.ndarray) -> np.ndarray:
        return (np.atleast_2d(vectors) - self.mean) @ self.axes.T


def fit_projection(vectors: np.ndarray) -> Projection:
    """PCA to two dimensions (scikit-learn), deterministic."""
    from sklearn.decomposition import PCA

    pca = PCA(n_components=2, svd_solver="full", random_state=0)
    pca.fit(np.asarray(vectors, dtype=np.float64))
    ratio = pca.explained_variance_ratio_
    return Projection(pca.mean_, pca.components_, (float(ratio[0]), float(ratio[1])))
