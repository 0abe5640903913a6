"""Check the term tables (data/lexicon.json, glossary.json, everyday.json) against the catalogue.

The lexicon, the glossary and the everyday words add English words to a statement so that BM25 and the English
embedders meet the catalogue's wording; a word the catalogue never uses is dead weight, and a
form that fires where it should not adds a wrong need. Figures printed:

- lexicon: entries, forms per language, stems; English targets none of whose words (Snowball
  stems, as BM25 sees them, stopwords left out) occur in corpus/initiatives.jsonl (title and
  text), and, for review, targets with some such words (a faithful synonym such as 'refugees'
  still helps the embedders); forms too short (a stem under 4 letters, a whole word under 3); the
  same form in two entries; forms of one entry that fire on a form of another (nesting, shown
  for review); forms that fire on the English catalogue (a form that is also an English word:
  harmless when it means the same, a false hit when not);
- glossary: entries; spelled-out forms none of whose words occur in the catalogue; spelled-out
  forms that equal their short form (they can never add anything); short forms given twice;
- everyday words: entries, forms; formal wordings none of whose words occur in the catalogue, and,
  for review, wordings with some such words; forms too short (under 3 characters); forms that equal
  their wording; forms that are also a glossary short form (the two tables would both fire); for
  review, forms that fire on the English catalogue (an everyday word the catalogue also uses:
  harmless when it means the same, a false hit when not).

    python scripts/check_terms.py [--corpus corpus/initiatives.jsonl] [--json] [--verbose]

Exits 1 when a check fails (a target the catalogue never uses, a short form, a duplicate), 0
otherwise; the findings marked "review" are listed with --verbose and do not fail.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from matcher.reading.glossary import (
    EverydayTerms,
    Glossary,
    fold_text,
    form_key,
    load_everyday_terms,
    load_glossary,
)
from matcher.reading.lexicon import LANGUAGES, Lexicon, form_pattern, load_lexicon, stem_letters
from matcher.reading.metadata import fold
from matcher.search.lexical import analyze, stopword_stems

ROOT = Path(__file__).resolve().parents[1]
Report = dict[str, Any]  # figure name -> a count, or the findings behind it
MIN_STEM = 4
MIN_WORD = 3


def catalogue_texts(path: Path) -> list[str]:
    """Title and text of every initiative in a JSONL catalogue."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [f"{row['title']}\n{row['text']}" for row in rows]


def content_stems(text: str) -> list[str]:
    """The stems of a text's content words, as BM25 sees them."""
    stop = stopword_stems()
    return [t for t in analyze(text) if t not in stop and len(t) > 1]


def check_lexicon(lexicon: Lexicon, vocabulary: set[str], texts: list[str]) -> Report:
    """Figures and findings for the lexicon, given the catalogue's stems and texts."""
    forms = [(e.english, lang, form) for e in lexicon.entries for lang, form in e.forms]
    absent = {
        e.english: missing
        for e in lexicon.entries
        if (missing := [w for w in content_stems(e.english) if w not in vocabulary])
    }
    short = [
        f"{english} [{lang}] {form!r}" for english, lang, form in forms if too_short(form, lang)
    ]
    owners: dict[tuple[str, str], list[str]] = {}
    for english, lang, form in forms:
        owners.setdefault((lang, form_pattern(form, lang)), []).append(english)
    duplicates = [
        f"[{lang}] {pattern} in {', '.join(names)}"
        for (lang, pattern), names in owners.items()
        if len(names) > 1
    ]
    nested = []
    for english, lang, form in forms:
        pattern = re.compile(form_pattern(form, lang))
        for other, other_lang, other_form in forms:
            if other != english and other_lang == lang and pattern.search(form_text(other_form)):
                nested.append(f"{english} [{lang}] {form!r} fires on {other}'s {other_form!r}")
    english_hits: Counter[str] = Counter()
    folded = [fold(t) for t in texts]
    for english, lang, form in forms:
        pattern = re.compile(form_pattern(form, lang))
        hits = sum(1 for t in folded if pattern.search(t))
        if hits:
            english_hits[f"{english} [{lang}] {form!r}"] = hits
    return {
        "entries": len(lexicon.entries),
        "entries_with_source": sum(1 for e in lexicon.entries if e.source.strip()),
        "forms": len(forms),
        "forms_per_language": {
            lang: sum(1 for _, la, _ in forms if la == lang) for lang in LANGUAGES
        },
        "stem_forms": sum(1 for _, _, f in forms if "*" in f),
        "targets_with_absent_words": absent,
        "targets_never_occurring": sorted(
            english
            for english, missing in absent.items()
            if len(missing) == len(content_stems(english))
        ),
        "short_forms": short,
        "duplicate_forms": duplicates,
        "nested_forms": nested,
        "forms_firing_on_english_catalogue": dict(english_hits.most_common()),
    }


def too_short(form: str, language: str) -> bool:
    """A form carried by too few letters: its longest word is a stem under MIN_STEM letters or
    a whole word under MIN_WORD ("de" inside a phrase is fine, the phrase's other words hold)."""
    longest = max(form.split(), key=lambda w: len(stem_letters(w, language)))
    return len(stem_letters(longest, language)) < (MIN_STEM if longest.endswith("*") else MIN_WORD)


def form_text(form: str) -> str:
    """A form as running text (stems written without their ``*``), to test other forms on."""
    return fold(form.replace("*", ""))


def check_glossary(glossary: Glossary, vocabulary: set[str]) -> Report:
    """Figures and findings for the glossary, given the catalogue's stems."""
    never = []
    partly: dict[str, list[str]] = {}
    for e in glossary.entries:
        words = content_stems(e.spelled_out)
        missing = [w for w in words if w not in vocabulary]
        if missing and len(missing) == len(words):
            never.append(f"{e.short}: {e.spelled_out}")
        elif missing:
            partly[e.short] = missing
    keys = Counter(e.short.lower() if e.any_case else e.short for e in glossary.entries)
    any_case = {e.short for e in glossary.entries if e.any_case}
    shadowed = [e.short for e in glossary.entries if not e.any_case and e.short.lower() in any_case]
    return {
        "entries": len(glossary.entries),
        "entries_with_source": sum(1 for e in glossary.entries if e.source.strip()),
        "any_case_entries": len(any_case),
        "spelled_out_never_occurring": never,
        "spelled_out_with_absent_words": partly,
        "spelled_out_as_itself": [
            e.short for e in glossary.entries if e.spelled_out.lower() == e.short.lower()
        ],
        "duplicate_short_forms": sorted(k for k, n in keys.items() if n > 1) + shadowed,
    }


def check_everyday(
    terms: EverydayTerms, glossary: Glossary, vocabulary: set[str], texts: list[str]
) -> Report:
    """Figures and findings for the everyday words, given the catalogue's stems and texts."""
    never, partly = [], {}
    for e in terms.entries:
        words = content_stems(e.formal)
        missing = [w for w in words if w not in vocabulary]
        if missing and len(missing) == len(words):
            never.append(f"{e.informal[0]}: {e.formal}")
        elif missing:
            partly[e.informal[0]] = missing
    forms = [(e, form) for e in terms.entries for form in e.informal]
    short_forms = {e.short.lower() for e in glossary.entries}
    folded = [fold_text(t) for t in texts]
    hits: Counter[str] = Counter()
    for e, form in forms:
        n = sum(1 for t in folded if _fires(terms, form, t))
        if n:
            hits[f"{form!r} ({e.formal})"] = n
    return {
        "entries": len(terms.entries),
        "entries_with_source": sum(1 for e in terms.entries if e.source.strip()),
        "forms": len(forms),
        "guarded_entries": sum(1 for e in terms.entries if e.unless_next_to),
        "formal_never_occurring": never,
        "formal_with_absent_words": partly,
        "short_forms": [f for _, f in forms if len(f.replace(" ", "")) < MIN_WORD],
        "forms_as_their_wording": [f for e, f in forms if form_key(f) == fold_text(e.formal)],
        "forms_in_glossary": [f for _, f in forms if form_key(f) in short_forms],
        "forms_firing_on_english_catalogue": dict(hits.most_common()),
    }


def _fires(terms: EverydayTerms, form: str, text: str) -> bool:
    """Whether this form (not only its entry) matches somewhere in a folded text."""
    return any(form_key(m.group(0)) == form_key(form) for m in terms.pattern.finditer(text))


def failures(lex: Report, glo: Report, day: Report) -> int:
    """How many findings fail the check (nesting and English-word hits are for review only)."""
    failing = [
        lex["targets_never_occurring"],
        lex["short_forms"],
        lex["duplicate_forms"],
        glo["spelled_out_never_occurring"],
        glo["spelled_out_as_itself"],
        glo["duplicate_short_forms"],
        day["formal_never_occurring"],
        day["short_forms"],
        day["forms_as_their_wording"],
        day["forms_in_glossary"],
    ]
    return sum(len(f) for f in failing)


def print_report(
    lex: Report, glo: Report, day: Report, corpus: Path, n: int, *, verbose: bool = False
) -> None:
    print(f"catalogue: {corpus} ({n} initiatives)")
    print(
        f"lexicon: {lex['entries']} entries ({lex['entries_with_source']} with a source), "
        f"{lex['forms']} forms, {lex['stem_forms']} with stems; per language "
        + ", ".join(f"{k} {v}" for k, v in lex["forms_per_language"].items())
    )
    sections = [
        ("targets none of whose words occur", lex["targets_never_occurring"]),
        (
            "targets with some words the catalogue never uses (review)",
            lex["targets_with_absent_words"],
        ),
        (f"forms too short (stems < {MIN_STEM}, words < {MIN_WORD} letters)", lex["short_forms"]),
        ("forms in two entries", lex["duplicate_forms"]),
        ("forms firing on another entry's form (review)", lex["nested_forms"]),
        (
            "forms firing on the English catalogue (review)",
            lex["forms_firing_on_english_catalogue"],
        ),
    ]
    sections_glo = [
        ("spelled-out forms none of whose words occur", glo["spelled_out_never_occurring"]),
        ("spelled-out forms with some absent words (review)", glo["spelled_out_with_absent_words"]),
        ("spelled out as themselves", glo["spelled_out_as_itself"]),
        ("short forms given twice", glo["duplicate_short_forms"]),
    ]
    for title, items in sections:
        _print_section("  " + title, items, verbose or "(review)" not in title)
    print(
        f"glossary: {glo['entries']} entries ({glo['entries_with_source']} with a source), "
        f"{glo['any_case_entries']} matched in any case"
    )
    for title, items in sections_glo:
        _print_section("  " + title, items, verbose or "(review)" not in title)
    print(
        f"everyday words: {day['entries']} entries ({day['entries_with_source']} with a source), "
        f"{day['forms']} forms, {day['guarded_entries']} with words that cancel a match"
    )
    sections_day = [
        ("wordings none of whose words occur", day["formal_never_occurring"]),
        ("wordings with some absent words (review)", day["formal_with_absent_words"]),
        (f"forms too short (< {MIN_WORD} characters)", day["short_forms"]),
        ("forms equal to their wording", day["forms_as_their_wording"]),
        ("forms that are glossary short forms", day["forms_in_glossary"]),
        (
            "forms firing on the English catalogue (review)",
            day["forms_firing_on_english_catalogue"],
        ),
    ]
    for title, items in sections_day:
        _print_section("  " + title, items, verbose or "(review)" not in title)


def _print_section(title: str, items: dict[str, Any] | list[str], listed: bool) -> None:
    rows = [f"{k}: {v}" for k, v in items.items()] if isinstance(items, dict) else list(items)
    print(f"{title}: {len(rows)}")
    for row in rows if listed else []:
        print(f"    {row}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "initiatives.jsonl")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--verbose", action="store_true", help="list the findings for review too")
    args = parser.parse_args(argv)
    texts = catalogue_texts(args.corpus)
    vocabulary = {t for text in texts for t in analyze(text)}
    lex = check_lexicon(load_lexicon(), vocabulary, texts)
    glossary = load_glossary()
    glo = check_glossary(glossary, vocabulary)
    day = check_everyday(load_everyday_terms(), glossary, vocabulary, texts)
    failed = failures(lex, glo, day)
    if args.json:
        print(
            json.dumps(
                {"lexicon": lex, "glossary": glo, "everyday": day, "failures": failed},
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        print_report(lex, glo, day, args.corpus, len(texts), verbose=args.verbose)
        print(f"failing findings: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
