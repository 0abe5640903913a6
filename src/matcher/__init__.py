"""Coalition Matcher: match a country's needs to Global Coalition initiatives.

    from matcher import Matcher, Filters
    result = Matcher.open().search("postal fentanyl trafficking, no forensic lab")
"""

from __future__ import annotations

from matcher.errors import MatcherError
from matcher.facade import Filters, Matcher
from matcher.version import __version__

__all__ = ["Filters", "Matcher", "MatcherError", "__version__"]
