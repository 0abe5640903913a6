"""The package's version, in a module of its own so that the index manifest and the API can
read it without importing the facade."""

from __future__ import annotations

__version__ = "0.1.0"
