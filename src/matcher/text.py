"""The one place that makes text safe where it leaves the product: CSV cells that cannot run as
formulas, Markdown that cannot render markup supplied by a user or by the catalogue, and
terminal lines whose control characters are shown instead of obeyed.

Every CSV the project writes goes through `csv_text`; every user- or catalogue-supplied value
placed in a Markdown export goes through `markdown_text` (tables too: it escapes pipes).
"""

from __future__ import annotations

import csv
import io
import json
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


# Every ASCII punctuation mark: escaped, none of it is read as Markdown (CommonMark, GitHub's),
# HTML, LaTeX, a link, an image or one of Streamlit's directives (:red[...], :material/...:).
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
# What remark-gfm links in plain text after escapes are resolved (web addresses, e-mail
# addresses): such a token is shown as inline code, which nothing turns into a link.
_AUTOLINK = re.compile(r"(?i)(?:https?:/\S*|www\.\S+|[-.\w+]+@[-\w]+(?:\.[-\w]+)+\S*)")


def escape_markdown(text: str) -> str:
    """Text shown through Markdown (a file, st.markdown, a widget label) exactly as written.

    Every ASCII punctuation mark is escaped with a backslash; a web or e-mail address is shown
    as inline code, since GitHub Markdown links those in plain text. Line breaks are kept.
    """
    out, last = [], 0
    for m in _AUTOLINK.finditer(text):
        token = m.group(0).rstrip(".,;:!?)]}'\"")  # the sentence's punctuation stays text
        out.append(_MARKDOWN_SPECIAL.sub(r"\\\1", text[last : m.start()]))
        out.append(code_span(token))
        last = m.start() + len(token)
    out.append(_MARKDOWN_SPECIAL.sub(r"\\\1", text[last:]))
    return "".join(out)


def code_span(token: str) -> str:
    """`token` as inline code, fenced by more backticks than it holds in a row."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", token)), default=0) + 1)
    pad = " " if token.startswith("`") or token.endswith("`") else ""
    return f"{fence}{pad}{token}{pad}{fence}"


def markdown_text(value: object) -> str:
    """`value` as literal text on one line of a Markdown document (a table cell, a heading):
    whitespace folded to single spaces, then `escape_markdown`, so a title like
    ``![x](http://host/x.png)`` stays text."""
    return escape_markdown(" ".join(str(value).split()))


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters but newline and tab: a terminal obeys them (clear it, retitle it)."""


def strip_controls(text: str) -> str:
    """Text without control characters, but for newline and tab.

    A title carrying `\\x1b[2J` would clear the terminal of whoever prints it; a carriage return
    becomes a newline, every other control character is dropped.
    """
    return _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def terminal_text(text: str) -> str:
    """Control characters shown as `\\x1b` rather than sent to the terminal."""
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def json_text(data: object, **kwargs: object) -> str:
    """JSON escapes C0 controls itself; DEL and the C1 range (0x9b is a CSI) pass raw unless
    escaped, and `\\u009b` is the same JSON value."""
    text = json.dumps(data, ensure_ascii=False, **kwargs)  # type: ignore[arg-type]
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)
