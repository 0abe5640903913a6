"""Exports: CSV cells that cannot run as formulas, Markdown that cannot render markup."""

from __future__ import annotations

import csv
import io
import re

import pytest

from matcher.text import csv_cell, csv_text, markdown_text


@pytest.mark.parametrize(
    "value",
    ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\tx", "\rx"],
)
def test_formula_cells_become_text(value: str) -> None:
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["forensic lab", "-0.5", "+3", "1e-3", "", 0.42, None])
def test_ordinary_cells_are_kept(value: object) -> None:
    assert csv_cell(value) == value


def test_csv_text_neutralises_every_cell_and_keeps_the_rest() -> None:
    text = csv_text(["a", "b"], [{"a": "=1+1", "b": "port scanners"}, {"a": 0.5}])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows == [{"a": "'=1+1", "b": "port scanners"}, {"a": "0.5", "b": ""}]


@pytest.mark.parametrize(
    ("value", "forbidden"),
    [
        ("![x](http://host/x.png)", "!["),
        ("[click](http://host)", "]("),
        ("**bold** and _it_", "**"),
        (":red[alarm]", ":red["),
        ("$x^2$", "$x"),
        ("a | b", " | "),
        ("# heading", "# "),
        ("<img src=x>", "<img"),
    ],
)
def test_markdown_text_escapes_markup(value: str, forbidden: str) -> None:
    unescaped = re.sub(r"\\.", "", markdown_text(value))  # drop every backslash-escaped char
    assert forbidden not in unescaped


def test_markdown_text_is_one_line_and_keeps_the_words() -> None:
    out = markdown_text("postal  fentanyl\ntrafficking")
    assert out == "postal fentanyl trafficking"
