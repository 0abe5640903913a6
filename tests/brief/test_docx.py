from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn

from matcher.brief.docx import is_right_to_left, to_docx
from matcher.brief.layout import lay_out
from tests.brief.fixture import PROGRAMME_IDS, three_need_brief


def _open(lang: str) -> docx.document.Document:
    return docx.Document(io.BytesIO(to_docx(lay_out(three_need_brief(), lang))))


def _headings(document: docx.document.Document) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith(("Heading", "Title"))
    ]


def test_word_brief_has_headings_needs_table_gaps_and_programmes_by_organisation() -> None:
    document = _open("en")
    heads = _headings(document)
    assert heads[0] == ("Title", "Country brief: Global Coalition initiatives")
    sections = [text for style, text in heads if style == "Heading 1"]
    assert sections == [
        "What the country asked for",
        "What we read",
        "Gaps",
        "At a glance",
        "Programmes, by need",
    ]
    needs_heads = [text for style, text in heads if style == "Heading 2"]
    assert needs_heads == [
        "Need 1: fentanyl in parcels",
        "Need 2: no forensic lab",
        "Need 3: yacht insurance",
        "Other programmes for the statement",
    ]
    programmes = [text.split(":")[0] for style, text in heads if style == "Heading 3"]
    assert sorted(programmes) == sorted(PROGRAMME_IDS)

    needs = document.tables[0]
    assert [c.text for c in needs.rows[0].cells] == ["Need", "Reading", "Programmes"]
    assert [c.text for c in needs.rows[2].cells] == [
        "yacht insurance",
        "Gap: nothing in the catalogue",
        "—",
    ]
    texts = [p.text for p in document.paragraphs]
    gaps = texts.index("Gaps")
    assert "yacht insurance" in texts[gaps : texts.index("At a glance")]
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets[0] == "yacht insurance"


def test_each_programme_is_a_table_of_its_details() -> None:
    document = _open("en")
    details = [t for t in document.tables if t.rows[0].cells[0].text == "Organisation to contact"]
    assert len(details) == len(PROGRAMME_IDS)
    cicad = {row.cells[0].text: row.cells[1].text for row in details[2].rows}
    assert cicad["Region limits"] == "Americas"
    assert cicad["What joining requires"] == "five years of practice\na letter of intent"


def test_arabic_brief_runs_right_to_left_and_quotes_english_left_to_right() -> None:
    document = _open("ar")
    title = document.paragraphs[0]
    assert title.text == "موجز البلد: مبادرات التحالف العالمي" and is_right_to_left(title)
    assert title.runs[0]._r.rPr.find(qn("w:rtl")) is not None
    english_title = next(p for p in document.paragraphs if p.text.startswith("1204:"))
    assert not is_right_to_left(english_title)
    assert all(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None for t in document.tables)
    assert not any(is_right_to_left(p) for p in _open("en").paragraphs)


def test_word_repeats_the_header_row_and_keeps_rows_whole() -> None:
    document = _open("en")
    needs = document.tables[0]
    header = needs.rows[0]._tr.trPr
    assert header is not None and header.find(qn("w:tblHeader")) is not None
    for table in document.tables:
        for row in table.rows[1:]:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
