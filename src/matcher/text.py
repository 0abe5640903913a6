"""Text that leaves the product as a file: CSV cells that cannot run as formulas, Markdown that
cannot render markup supplied by a user or by the catalogue.

Every CSV the project writes goes through `csv_text`; every user- or catalogue-supplied value
placed in a Markdown export goes through `markdown_text` (tables too: it escapes pipes).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

# OWASP's rule for CSV injection: a cell a spreadsheet would read as a formula or a command
# starts with one of these; prefixing a single quote makes it text. Numbers are not touched.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: object) -> object:
    """`value` as a spreadsheet will show it as text: formula-like strings gain a leading `'`."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_STARTS):
        return value
    if _NUMBER.fullmatch(value):
        return value  # "-0.5" is a number, not a formula
    return "'" + value


def csv_text(fields: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """A CSV document with a header row, every cell neutralised by `csv_cell`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_cell(value) for key, value in row.items()})
    return out.getvalue()


# Characters that start Markdown (CommonMark) or Streamlit markup: emphasis, code, links and
# images, headings, lists, block quotes, tables, HTML, LaTeX and Streamlit's :color[...] forms.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$>])")


def markdown_text(value: object) -> str:
    """`value` as literal text inside a Markdown document: one line, every markup character
    escaped with a backslash, so a title like ``![x](http://host/x.png)`` stays text."""
    text = " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
