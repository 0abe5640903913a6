"""Coalition Matcher: match a country's needs to Global Coalition initiatives."""

from __future__ import annotations

from matcher.corpus import Initiative, load_corpus
from matcher.errors import CorpusError, InputError, MatcherError, MatcherIndexError, ModelError

__version__ = "0.1.0"

__all__ = [
    "CorpusError",
    "Initiative",
    "InputError",
    "MatcherError",
    "MatcherIndexError",
    "ModelError",
    "__version__",
    "load_corpus",
]
