"""Finding the programmes for a statement: encoders, the index folder and its vector stores,
BM25, scoring and fusion, ordering, calibrated decisions, labels and the result records."""
