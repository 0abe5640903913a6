"""Duplicate and overlapping initiatives: candidate pairs, evidence, classes and clusters, the
secretariat's review queue, the meeting report and the catalogue map's projection."""
