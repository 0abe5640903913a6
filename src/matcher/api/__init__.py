"""The HTTP API over the facade: the FastAPI app, running it, its guards, its pydantic models and
the live Matcher that follows the index on disk."""
