"""The interface's own words in six languages (gettext catalogues under locale/)."""
