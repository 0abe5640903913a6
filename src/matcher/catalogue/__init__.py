"""The catalogue's records: the model, parsing the page and imports, safe reading, versions,
locking, and what the text says of each record (relations, joining conditions, passages, diffs)."""
