"""A statement as a person reads it: clauses, cues, needs, places and actors, the glossary and
lexicon, and the data tables they read."""
