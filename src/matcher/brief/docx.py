"""A laid-out brief drawn as a Word document (DOCX) with python-docx.

Headings use Word's built-in heading styles (so the navigation pane lists the organisations),
the needs are a table, each programme's details a two-column table. In Arabic every
paragraph with Arabic letters is marked bidi (so it starts at the right) and its runs RTL, every
table is laid out right to left, the section too; quoted English stays left to right.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from matcher.brief import layout


def to_docx(document: layout.Document) -> bytes:
    """The document as the bytes of a .docx file."""
    docx = new_document()
    docx.core_properties.title = document.title
    docx.core_properties.language = document.lang
    for section in docx.sections:  # A4, as the PDF: python-docx's template is US Letter
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(18)
    docx.add_heading(document.title, 0)
    for block in document.blocks:
        _add(docx, block)
    if document.rtl:
        _right_to_left(docx)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


def _add(docx: DocxDocument, block: layout.Block) -> None:
    if isinstance(block, layout.Heading):
        docx.add_heading(block.text, block.level - 1)
    elif isinstance(block, layout.Paragraph):
        if block.style is layout.Style.QUOTE:
            docx.add_paragraph(block.text, style="Quote")
        else:
            run = docx.add_paragraph().add_run(block.text)
            run.italic = block.style is layout.Style.NOTE
    elif isinstance(block, layout.Bullets):
        for item in block.items:
            docx.add_paragraph(item, style="List Bullet")
    elif isinstance(block, layout.Fields):
        table = docx.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, values in block.rows:
            row = table.add_row()
            _row_mark(row, "w:cantSplit")  # a row's label never parts from its value
            cells = row.cells
            cells[0].paragraphs[0].add_run(label).bold = True
            cells[1].paragraphs[0].text = values[0]
            for value in values[1:]:
                cells[1].add_paragraph(value)
            for paragraph in (*cells[0].paragraphs, *cells[1].paragraphs):
                paragraph.paragraph_format.keep_with_next = True  # one programme, one page
        docx.add_paragraph()
    elif isinstance(block, layout.Table):
        _table(docx, block)
    else:
        assert isinstance(block, layout.PageBreak)
        docx.add_page_break()


def _table(docx: DocxDocument, block: layout.Table) -> DocxTable:
    table = docx.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    _row_mark(table.rows[0], "w:tblHeader")  # Word repeats the header row on every page
    for cell, text in zip(table.rows[0].cells, block.header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for row in block.rows:
        added = table.add_row()
        _row_mark(added, "w:cantSplit")
        for cell, text in zip(added.cells, row, strict=True):
            cell.text = text
    docx.add_paragraph()
    return table


def _row_mark(row: Any, tag: str) -> None:
    """Set an on/off property of a table row (`w:tblHeader`, `w:cantSplit`)."""
    props = row._tr.get_or_add_trPr()
    if props.find(qn(tag)) is None:
        props.append(OxmlElement(tag))


def _paragraphs(docx: DocxDocument) -> list[DocxParagraph]:
    found = list(docx.paragraphs)
    for table in docx.tables:
        for row in table.rows:
            for cell in row.cells:
                found += cell.paragraphs
    return found


# Where each mark goes: Word rejects elements out of the schema's order, so each is inserted
# before the first of the elements that must follow it.
_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip
_AFTER_RTL = ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_BIDI_VISUAL = (
    "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing",
    "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
    "w:tblCaption", "w:tblDescription", "w:tblPrChange",
)  # fmt: skip
_AFTER_SECTION_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def _mark(parent: BaseOxmlElement, tag: str, successors: tuple[str, ...]) -> None:
    if parent.find(qn(tag)) is None:
        parent.insert_element_before(OxmlElement(tag), *successors)


def _right_to_left(docx: DocxDocument) -> None:
    """Word's right-to-left marks: paragraph `w:bidi`, run `w:rtl`, table `w:bidiVisual`."""
    for paragraph in _paragraphs(docx):
        if paragraph.text.strip() and not layout.reads_right_to_left(paragraph.text):
            continue  # a quoted English title or passage stays left to right
        _mark(paragraph._p.get_or_add_pPr(), "w:bidi", _AFTER_BIDI)
        for run in paragraph.runs:
            _mark(run._r.get_or_add_rPr(), "w:rtl", _AFTER_RTL)
    for table in docx.tables:
        _mark(table._tbl.tblPr, "w:bidiVisual", _AFTER_BIDI_VISUAL)
    for section in docx.sections:
        _mark(section._sectPr, "w:bidi", _AFTER_SECTION_BIDI)


def is_right_to_left(paragraph: DocxParagraph) -> bool:
    """Whether a paragraph carries Word's right-to-left mark (for readers and tests)."""
    p_pr = paragraph._p.pPr
    return p_pr is not None and p_pr.find(qn("w:bidi")) is not None
