"""The PDF read back as a person would: pages drawn to PNG, text extracted with poppler."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from matcher.brief.layout import lay_out
from matcher.brief.model import BriefNeed
from matcher.brief.pdf import to_html, to_pdf
from tests.brief.fixture import PROGRAMME_IDS, three_need_brief

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
    reason="poppler-utils (pdftotext, pdftoppm) is not installed; .ci/run installs it",
)
_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _write(tmp_path: Path, lang: str) -> Path:
    path = tmp_path / f"brief-{lang}.pdf"
    path.write_bytes(to_pdf(lay_out(three_need_brief(), lang)))
    return path


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True)
    return " ".join(_BIDI_MARKS.sub("", out.stdout).split())


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "ru", "ar"])
def test_pdf_names_every_programme_and_every_gap(tmp_path: Path, lang: str) -> None:
    text = _text(_write(tmp_path, lang))
    assert all(pid in text for pid in PROGRAMME_IDS)
    assert "yacht insurance" in text
    assert "4d44cba0b1343e0c" in text  # the catalogue version


@needs_poppler
def test_pdf_pages_draw_and_the_summary_fits_page_one(tmp_path: Path) -> None:
    pdf = _write(tmp_path, "en")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 1 and all(p.stat().st_size > 1000 for p in pages)
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    assert "What we read" in first and "Gaps" in first
    assert "Programmes, by need" in first and "Need 1: fentanyl in parcels" in first  # no gap


@needs_poppler
def test_russian_and_arabic_words_come_back_as_written(tmp_path: Path) -> None:
    assert "Справка для страны" in _text(_write(tmp_path, "ru"))
    arabic = _text(_write(tmp_path, "ar"))
    assert "الفجوات" in arabic  # "Gaps", shaped for print yet extracted as the same letters


def test_html_escapes_every_text_and_sets_the_direction() -> None:
    brief = three_need_brief("<script>alert(1)</script> & <img src=x>")
    html = to_html(lay_out(brief, "ar"))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img" not in html
    assert '<html lang="ar" dir="rtl">' in html
    assert '<span dir="ltr">1204: Mail Channel Component</span>' in html
    assert 'dir="ltr">' in to_html(lay_out(brief, "en")) and "span dir" not in to_html(
        lay_out(brief, "en")
    )


@needs_poppler
def test_a_table_over_two_pages_repeats_its_header(tmp_path: Path) -> None:
    brief = three_need_brief()
    many = tuple(
        BriefNeed(f"need number {n} of a long statement", False, (), "gap") for n in range(70)
    )
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(to_pdf(lay_out(replace(brief, needs=brief.needs + many), "en")))
    pages = []
    for page in (1, 2):
        out = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages.append(out)
    assert "need number 69" not in pages[0]  # the table did run over
    assert all("Need" in p and "Reading" in p and "Programmes" in p for p in pages)
