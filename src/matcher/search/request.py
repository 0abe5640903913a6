"""What a search asks for, checked at the door: the statement as searchable text, `k`, and the
user's filters as a mask over the catalogue."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.catalogue.model import Corpus
from matcher.errors import InputError
from matcher.settings import MAX_K, MAX_QUERY_CHARS


@dataclass(frozen=True)
class Filters:
    """Optional restrictions of a search; values are matched case-insensitively."""

    sub_working_group: str | None = None
    organization: str | None = None
    region: str | None = None


def clean_query(query: object) -> tuple[str, tuple[str, ...]]:
    """The query as searchable text plus notices; raises InputError when nothing is left."""
    if not isinstance(query, str):
        raise InputError("the query must be text")
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in query).strip()
    if not any(ch.isalnum() for ch in text):
        raise InputError("the query is empty: describe the country's needs in a few words")
    notices: tuple[str, ...] = ()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices = (f"The statement was truncated to its first {MAX_QUERY_CHARS} characters.",)
    return text, notices


def check_k(k: object) -> int:
    """`k` as a whole number in 1..MAX_K, or an InputError saying what is allowed."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InputError(f"k must be a whole number from 1 to {MAX_K} (got {k!r})")
    return k


def allowed_mask(corpus: Corpus, filters: Filters) -> np.ndarray | None:
    """Which initiatives the filters allow (None: no filter), or an InputError naming the
    choices for a value no initiative has."""
    if filters == Filters():
        return None
    mask = np.ones(len(corpus), dtype=bool)
    if filters.sub_working_group:
        wanted = filters.sub_working_group.strip()
        known = {i.sub_working_group for i in corpus}
        if wanted not in known:
            raise InputError(
                f"unknown sub-working group {wanted!r}; choose from {', '.join(sorted(known))}"
            )
        mask &= np.array([i.sub_working_group == wanted for i in corpus])
    if filters.organization:
        wanted = filters.organization.strip().lower()
        known_orgs = {o for i in corpus for o in i.organizations}
        if wanted not in {o.lower() for o in known_orgs}:
            raise InputError(
                f"unknown organisation {filters.organization!r}; choose from "
                f"{', '.join(sorted(known_orgs))}"
            )
        mask &= np.array([wanted in {o.lower() for o in i.organizations} for i in corpus])
    if filters.region:
        wanted = filters.region.strip().lower()
        known_regions = {r for i in corpus for r in i.regions} | {"global"}
        if wanted not in {r.lower() for r in known_regions}:
            raise InputError(
                f"unknown region {filters.region!r}; choose from {', '.join(sorted(known_regions))}"
            )
        mask &= np.array(
            [
                (not i.regions)
                if wanted == "global"
                else wanted in {r.lower() for r in i.regions}
                for i in corpus
            ]
        )
    return mask
