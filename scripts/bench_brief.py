"""Benchmark: how long a country brief takes as Word and PDF, for a three-need statement.

Prints the brief built from the statement (its search included, models already loaded); per
language, the first PDF and DOCX in a process (WeasyPrint's import included), the median of
later ones and the page count; and checks, as the tests do, that the PDF's text names every programme and every gap.
Figures are printed, never asserted (the target is under 2 s for PDF and DOCX together).

    python scripts/bench_brief.py [--runs 5] [--lang en ar ...] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from matcher.brief.model import Brief
from matcher.brief.render import render_bytes
from matcher.facade import Matcher

T = TypeVar("T")

STATEMENT = (
    "Synthetic opioids arrive in express parcels; our forensic laboratory cannot identify new "
    "psychoactive substances; we need insurance for fishing boats against storms."
)
_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def pdf_text(data: bytes) -> tuple[str, int]:
    """The PDF's text as pdftotext reads it, and its page count ("" and 0 without poppler)."""
    if not shutil.which("pdftotext"):
        return "", 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "brief.pdf"
        path.write_bytes(data)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    return " ".join(_BIDI_MARKS.sub("", text).split()), text.count("\f")


def language_figures(brief: Brief, lang: str, runs: int) -> dict[str, object]:
    """Timings and read-back checks of one language's PDF and DOCX."""
    first_pdf, pdf = _timed(lambda: render_bytes(brief, "pdf", lang))
    first_docx, _ = _timed(lambda: render_bytes(brief, "docx", lang))
    pdf_runs = [_timed(lambda: render_bytes(brief, "pdf", lang))[0] for _ in range(runs)]
    docx_runs = [_timed(lambda: render_bytes(brief, "docx", lang))[0] for _ in range(runs)]
    # CPU seconds of this process: what the wall time would be on a machine not shared with
    # other work (typesetting is single-threaded), beside the wall time itself.
    cpu = time.process_time()
    for _ in range(runs):
        render_bytes(brief, "pdf", lang)
        render_bytes(brief, "docx", lang)
    both_cpu = (time.process_time() - cpu) / runs
    text, pages = pdf_text(pdf)
    return {
        "pdf_and_docx_cpu_s": round(both_cpu, 3),
        "pdf_first_s": round(first_pdf, 3),
        "docx_first_s": round(first_docx, 3),
        "pdf_median_s": round(statistics.median(pdf_runs), 3),
        "docx_median_s": round(statistics.median(docx_runs), 3),
        "pdf_pages": pages,
        "pdf_bytes": len(pdf),
        "pdf_names_every_programme": all(i.id in text for i in brief.items) if text else None,
        "pdf_names_every_gap": all(g in text for g in brief.gaps) if text else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lang", nargs="+", default=["en", "es", "ru", "ar"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    open_s, matcher = _timed(Matcher.open)
    first_s, _ = _timed(lambda: matcher.search("forensic laboratory training"))  # loads models
    build_s, brief = _timed(lambda: matcher.brief(STATEMENT, k=10))
    languages = {lang: language_figures(brief, lang, args.runs) for lang in args.lang}
    figures = {
        "needs": [(n.text, n.status) for n in brief.needs],
        "programmes": len(brief.items),
        "open_s": round(open_s, 2),
        "first_search_s": round(first_s, 2),
        "brief_build_s": round(build_s, 3),
        "languages": languages,
    }
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    print(f"Matcher.open {open_s:.2f} s, first search (models load) {first_s:.2f} s")
    print(f"needs read: {figures['needs']}")
    print(f"brief ({len(brief.items)} programmes) built from the statement in {build_s:.3f} s")
    for lang, row in languages.items():
        print(
            f"{lang}: PDF first {row['pdf_first_s']} s, then {row['pdf_median_s']} s "
            f"({row['pdf_pages']} pages); DOCX first {row['docx_first_s']} s, then "
            f"{row['docx_median_s']} s; both {row['pdf_and_docx_cpu_s']} CPU s; "
            f"PDF names every programme "
            f"{row['pdf_names_every_programme']}, every gap {row['pdf_names_every_gap']}"
        )


if __name__ == "__main__":
    main()
