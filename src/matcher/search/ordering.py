"""Order results so that every need is served early: xQuAD (Santos, Macdonald & Ounis, 2010).

Each pick maximises relevance to the whole statement plus the relevance to each need still
unserved by the picks so far, so the second programme for one need waits until the other needs
have had theirs.
"""

from __future__ import annotations

import numpy as np


def xquad_order(
    whole: np.ndarray, relevance: np.ndarray, votes: np.ndarray, k: int, *, lam: float = 0.5
) -> list[int]:
    """xQuAD diversification (Santos et al., 2010).

    Each pick maximises (1 - lam) * whole[d] + lam * sum_i votes_i * relevance[i, d] * the
    probability that need i is still unserved by the items already picked.

    Args:
        whole: relevance of each item to the whole statement, in [0, 1].
        relevance: (needs x items) relevance of each item to each need, in [0, 1].
        votes: weight of each need (normalised to sum to 1 here).
        k: how many items to pick.
        lam: weight of serving unserved needs against plain relevance.
    """
    relevance = np.clip(np.asarray(relevance, dtype=np.float64), 0.0, 1.0)
    votes = np.asarray(votes, dtype=np.float64)
    votes = votes / votes.sum() if votes.sum() > 0 else np.full(len(votes), 1 / len(votes))
    unserved = np.ones(relevance.shape[0])
    available = np.ones(relevance.shape[1], dtype=bool)
    chosen: list[int] = []
    for _ in range(min(k, relevance.shape[1])):
        gain = (1 - lam) * whole + lam * ((votes * unserved) @ relevance)
        gain = np.where(available, gain, -np.inf)
        item = int(np.argmax(gain))
        chosen.append(item)
        available[item] = False
        unserved *= 1 - relevance[:, item]
    return chosen
