from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.catalogue.parse import corpus_to_jsonl, load_corpus, merge, parse_page, parse_records
from matcher.errors import CorpusError, InputError, shown
from matcher.limits import CatalogueLimits
from matcher.settings import DEFAULT_CORPUS
from tests.conftest import DATA

PAGE = """Initiatives
Preamble text about the page.
Sub-Working Group 1.1 - Manufacturing of Synthetic Drugs
1101: First initiative
Body of the first one.
- a bullet that stays
Prerequisite for Participation:
• another bullet
1102: 1102A: Specific variant UNODC
Variant body.
Sub-Working Group 2.2 - Information Sharing
1102: Regional variant – Latin America and the Caribbean (X-LAC) OAS/CICAD
Regional body for Latin America and the Caribbean. CICAD supports it in the region of Latin America and the Caribbean.
-
World Customs Organization -
Pan American Health Organization (PAHO) -
World Health Organization
"""


def test_page_parsing_keeps_bullets_and_handles_quirks() -> None:
    corpus = parse_page(PAGE, source="page.txt")
    assert corpus.ids == ["1101", "1102A", "1102"]
    first = corpus.get("1101")
    assert first.text == (
        "Body of the first one.\n- a bullet that stays\nPrerequisite for Participation:\n"
        "• another bullet"
    )
    assert first.sub_working_group == "1.1" and first.pillar == 1
    regional = corpus.get("1102")
    assert regional.sub_working_group == "2.2" and regional.pillar == 2
    assert "World Health Organization" not in regional.text  # partner list dropped
    assert regional.regions == ("Latin America and the Caribbean",)
    assert regional.organizations == ("OAS/CICAD",)
    assert corpus.get("1102a").organizations == ("UNODC",)


def test_duplicate_id_names_file_and_line() -> None:
    page = "Sub-Working Group 1.1 - A\n1101: One\ntext\n1101: Two\ntext\n"
    with pytest.raises(CorpusError, match=r"page.txt:4: duplicate id 1101 \(first at line 2\)"):
        parse_page(page, source="page.txt")


def test_empty_description_is_an_error() -> None:
    page = "Sub-Working Group 1.1 - A\n1101: One\n1102: Two\ntext\n"
    with pytest.raises(CorpusError, match=r"page.txt:2: initiative 1101 has an empty description"):
        parse_page(page, source="page.txt")


def test_binary_line_is_an_error() -> None:
    page = "Sub-Working Group 1.1 - A\n1101: One\nbad \x00 line\n"
    with pytest.raises(CorpusError, match=r"page.txt:3: unreadable line"):
        parse_page(page, source="page.txt")


def test_real_page(real_corpus) -> None:
    assert len(real_corpus) == 118
    assert "2206A" in real_corpus and "2206" in real_corpus
    assert "INLOD-LAC" in real_corpus.get("2206").title
    assert real_corpus.get("2206A").title.startswith("International Network for Legislation")
    assert all(ini.text.strip() for ini in real_corpus)
    assert len({ini.sub_working_group for ini in real_corpus}) == 7
    assert "World Health Organization\n" not in real_corpus.get("3309").text + "\n"
    assert real_corpus.get("3200").text.count("Prerequisite for Participation:") == 1
    assert real_corpus.get("1104").regions == ("Southeast Asia",)
    assert real_corpus.get("1209").organizations == ("WCO",)
    assert real_corpus.get("1202").regions == ()
    # regions named adjectivally, as one span, by coordination; a regional body alone is none
    assert real_corpus.get("3306").regions == ("Southeast Asia",)  # "Southeast Asian countries"
    assert real_corpus.get("2209").regions == ("Americas",)  # "capacities of the Americas"
    assert real_corpus.get("2117").regions == ("Latin America and the Caribbean",)
    assert real_corpus.get("2109").regions == ("Southeast Asia", "South Asia")
    assert real_corpus.get("3205").regions == ()  # CICAD's, but names no place
    # a component that names no body takes its programme's (the other components name the WCO)
    assert real_corpus.get("1202").organizations == ("WCO",)


def test_shipped_jsonl_is_in_sync_with_the_page(real_corpus) -> None:
    assert DEFAULT_CORPUS.read_text(encoding="utf-8") == corpus_to_jsonl(real_corpus), (
        "corpus/initiatives.jsonl is out of date: run `matcher corpus build`"
    )


def test_jsonl_and_csv_imports(tmp_path: Path, mini_corpus) -> None:
    assert len(mini_corpus) == 6
    csv_path = tmp_path / "extra.csv"
    csv_path.write_text(
        "id,title,sub_working_group,sub_working_group_title,pillar,text,organizations\n"
        '4001,New thing,1.2,Trafficking,1,"Text about ports, in two lines",WCO;UNODC\n',
        encoding="utf-8",
    )
    extra = load_corpus(csv_path)
    assert extra.get("4001").organizations == ("WCO", "UNODC")
    assert len(merge(mini_corpus, extra)) == 7
    with pytest.raises(CorpusError, match="already exist"):
        merge(mini_corpus, mini_corpus)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "1", "title": "t"}', r"x.jsonl:1: missing field\(s\)"),
        (
            '{"id": "1101", "title": "t", "sub_working_group": "1.1", "sub_working_group_title": "s", '
            '"pillar": "x", "text": "y"}',
            r"x.jsonl:1: pillar 'x' is not a whole number",
        ),
        (
            '{"id": "11", "title": "t", "sub_working_group": "1.1", "sub_working_group_title": "s", '
            '"pillar": 1, "text": "y"}',
            r"x.jsonl:1: id '11' is not four digits",
        ),
        ("not json", r"x.jsonl:1: not valid JSON"),
        ("[1, 2]", r"x.jsonl:1: expected an object"),
    ],
)
def test_bad_records(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        load_corpus(path)


def test_duplicate_ids_in_jsonl(tmp_path: Path, mini_corpus) -> None:
    row = json.dumps(mini_corpus.get("1101").to_dict())
    path = tmp_path / "d.jsonl"
    path.write_text(row + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"d.jsonl:2: duplicate id 1101"):
        load_corpus(path)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        (DATA / "mini.jsonl").read_bytes().splitlines()[0] + b'\n{"title": "caf\xe9"}\n'
    )
    with pytest.raises(CorpusError, match=r"latin1.jsonl:2: not UTF-8"):
        load_corpus(path)


def test_unknown_id_is_input_error(mini_corpus) -> None:
    with pytest.raises(InputError, match=r"no initiative with id '1299'.*1204"):
        mini_corpus.get("1299")


def test_content_hash_changes_with_text(mini_corpus, tmp_path: Path) -> None:
    rows = [ini.to_dict() for ini in mini_corpus]
    rows[0]["text"] = "changed"
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    changed = load_corpus(path)
    assert changed.content_hash != mini_corpus.content_hash
    assert changed.get("1204").content_hash == mini_corpus.get("1204").content_hash


NASTY_TITLE = "Fentanyl \x1b[2J\x1b]0;pwned\x07detection"


def test_control_characters_are_stripped_on_import(tmp_path: Path, mini_corpus) -> None:
    from matcher.cli import main

    catalogue = tmp_path / "initiatives.jsonl"
    catalogue.write_text(corpus_to_jsonl(mini_corpus), encoding="utf-8")
    row = mini_corpus.get("1101").to_dict()
    record = {
        **row,
        "id": "3901",
        "title": NASTY_TITLE,
        "text": "Line one\r\nline two\x9b31m\ttabbed\x00",
        "organizations": ["WCO\x1b[0m"],
    }
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert main(["--corpus", str(catalogue), "corpus", "import", str(extra)]) == 0
    written = catalogue.read_text(encoding="utf-8")
    assert not any(ch in written for ch in "\x1b\x07\x9b\r\x00")
    imported = load_corpus(catalogue).get("3901")
    assert imported.title == "Fentanyl [2J]0;pwneddetection"
    assert imported.text == "Line one\nline two31m\ttabbed"
    assert imported.organizations == ("WCO[0m",)


@pytest.mark.parametrize("fmt", ["page", "csv"])
def test_control_characters_are_stripped_from_the_page_and_csv(tmp_path: Path, fmt: str) -> None:
    if fmt == "page":
        corpus = parse_page(PAGE.replace("First initiative", NASTY_TITLE))
        title = corpus.get("1101").title
    else:
        path = tmp_path / "x.csv"
        header = "id,title,sub_working_group,sub_working_group_title,pillar,text\n"
        path.write_text(header + f'1101,"{NASTY_TITLE}",1.1,Manufacturing,1,Body\n')
        title = load_corpus(path).get("1101").title
    assert title == "Fentanyl [2J]0;pwneddetection"


def test_a_title_of_control_characters_only_is_refused(tmp_path: Path, mini_corpus) -> None:
    row = {**mini_corpus.get("1101").to_dict(), "title": "\x1b\x07\x1b"}
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(CorpusError, match=r"field .title. must be text with visible characters"):
        load_corpus(path)


# ------------------------------------------------------------------ limits (issue 15)


def _row(ini_id: str, **fields: object) -> str:
    record = {
        "id": ini_id,
        "title": "Port customs training",
        "sub_working_group": "1.2",
        "sub_working_group_title": "Trafficking",
        "pillar": 1,
        "text": "Customs officers trained to find fentanyl in containers.",
        **fields,
    }
    return json.dumps(record) + "\n"


def _jsonl(tmp_path: Path, *rows: str, name: str = "x.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(rows), encoding="utf-8")
    return path


def test_catalogue_limits_are_checked_while_records_stream(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, *(_row(f"40{n:02d}") for n in range(4)))
    with pytest.raises(CorpusError, match=r"x.jsonl: the catalogue would hold more than 3 "):
        load_corpus(path, limits=CatalogueLimits(initiatives=3))
    corpus = load_corpus(path, limits=CatalogueLimits(initiatives=4))
    size = len(corpus_to_jsonl(corpus).encode())  # as the tool writes it, derived fields too
    with pytest.raises(CorpusError, match=r"over the 400-byte catalogue limit"):
        load_corpus(path, limits=CatalogueLimits(catalogue_bytes=400))
    assert len(load_corpus(path, limits=CatalogueLimits(catalogue_bytes=size))) == 4


def test_a_record_over_the_per_record_limits_is_refused(tmp_path: Path) -> None:
    one_word = "x" * 70_000  # no sentence break, no space: one 70 KB word
    with pytest.raises(CorpusError, match=r"x.jsonl:1: initiative 4001 takes 70,\d+ bytes, over"):
        load_corpus(_jsonl(tmp_path, _row("4001", text=one_word)))
    words = " ".join(["word"] * 9000)
    with pytest.raises(CorpusError, match=r"x.jsonl:2: initiative 4002 has 9,00\d words, over"):
        load_corpus(_jsonl(tmp_path, _row("4001"), _row("4002", text=words)))
    with pytest.raises(CorpusError, match=r"x.jsonl:1: title of 4001 has 1,200 characters"):
        load_corpus(_jsonl(tmp_path, _row("4001", title="t" * 1200)))


def test_a_huge_line_is_refused_after_reading_at_most_one_line_limit(tmp_path: Path) -> None:
    limits = CatalogueLimits(input_line_bytes=1000)
    path = _jsonl(tmp_path, _row("4001"), _row("4002", text="y " * 50_000))
    with path.open("rb") as handle:
        with pytest.raises(CorpusError, match=r"x.jsonl:2: line is over the 1,000-byte limit"):
            parse_records(handle, source="x.jsonl", fmt="jsonl", limits=limits)
        assert handle.tell() < 2 * limits.input_line_bytes


def test_a_catalogue_the_tool_wrote_at_the_limits_reads_back(tmp_path: Path) -> None:
    """The page limit guards the page only: a catalogue file bigger than it still reads."""
    rows = [_row(f"40{n:02d}", text="Customs training. " * 40) for n in range(20)]
    imported = load_corpus(_jsonl(tmp_path, *rows))
    written = tmp_path / "initiatives.jsonl"
    written.write_text(corpus_to_jsonl(imported), encoding="utf-8")
    biggest = max(len(line.encode()) + 1 for line in corpus_to_jsonl(imported).splitlines())
    tight = CatalogueLimits(
        initiatives=20,
        record_bytes=biggest,
        catalogue_bytes=written.stat().st_size,
        input_line_bytes=biggest,
        page_bytes=100,  # far below the file: it never applies to a catalogue
    )
    assert load_corpus(_jsonl(tmp_path, *rows, name="again.jsonl"), limits=tight).ids == (
        imported.ids
    )
    assert load_corpus(written, limits=tight).initiatives == imported.initiatives


def test_the_page_keeps_its_size_limit_and_the_record_limits() -> None:
    page = "Sub-Working Group 1.1 - A\n1101: One\n" + "word " * 9000 + "\n"
    with pytest.raises(CorpusError, match=r"page.txt:2: initiative 1101 has 9,00\d words"):
        parse_page(page, source="page.txt")


# ------------------------------------------------------------------ bad values (issue 15 item 8)


@pytest.mark.parametrize("field", ["title", "text", "sub_working_group_title"])
@pytest.mark.parametrize("value", ["\u200b\u200d", "\ufeff \u2060", "\u200b\x1b"])
def test_text_with_no_visible_character_is_refused(tmp_path: Path, field: str, value: str) -> None:
    with pytest.raises(CorpusError, match=f"field '{field}' must be text with visible characters"):
        load_corpus(_jsonl(tmp_path, _row("4001", **{field: value})))


def test_a_page_title_of_zero_width_characters_is_refused() -> None:
    page = "Sub-Working Group 1.1 - A\n1101: \u200b\u200b\ntext\n"
    with pytest.raises(CorpusError, match=r"page.txt:2: initiative 1101 has no visible title"):
        parse_page(page, source="page.txt")


@pytest.mark.parametrize("pillar", [1.9, True, "1.9", "one", [1]])
def test_a_pillar_that_is_not_a_whole_number_is_refused(tmp_path: Path, pillar: object) -> None:
    with pytest.raises(CorpusError, match=r"x.jsonl:1: pillar .* is not a whole number"):
        load_corpus(_jsonl(tmp_path, _row("4001", pillar=pillar)))


@pytest.mark.parametrize("pillar", [2, 2.0, "2", " 2 "])
def test_whole_number_pillars_are_read(tmp_path: Path, pillar: object) -> None:
    assert load_corpus(_jsonl(tmp_path, _row("4001", pillar=pillar))).get("4001").pillar == 2


def test_an_id_clash_with_the_catalogue_names_both_files_and_lines(
    tmp_path: Path, mini_corpus
) -> None:
    extra = load_corpus(_jsonl(tmp_path, _row("4001"), _row("1204"), name="extra.jsonl"))
    with pytest.raises(
        CorpusError,
        match=r"extra.jsonl:2: id 1204 already exists in the catalogue \(at .*mini"
        r".jsonl:2\)",
    ):
        merge(mini_corpus, extra)


def test_an_id_of_five_thousand_characters_gives_a_short_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError) as exc:
        load_corpus(_jsonl(tmp_path, _row("9" * 5000)))
    message = str(exc.value)
    assert len(message) < 250 and "(5,000 characters)" in message


def test_shown_quotes_at_most_about_eighty_characters() -> None:
    assert shown("1101") == "'1101'"
    assert shown(1.9) == "1.9"
    assert shown("a" * 200) == repr("a" * 80) + "... (200 characters)"


def test_devices_and_folders_are_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    with pytest.raises(CorpusError, match=r"zero.jsonl: not a regular file"):
        load_corpus(link)
    (tmp_path / "folder.jsonl").mkdir()
    with pytest.raises(CorpusError, match=r"folder.jsonl: not a regular file"):
        load_corpus(tmp_path / "folder.jsonl")
    page = tmp_path / "page.txt"
    page.symlink_to("/dev/zero")
    with pytest.raises(CorpusError, match=r"page.txt: not a regular file"):
        load_corpus(page)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    reader = threading.Thread(
        target=lambda: outcome.extend(_raised(lambda: load_corpus(fifo))), daemon=True
    )
    reader.start()
    reader.join(10)  # a hang guard, not a timing: the old code waited forever
    assert outcome and isinstance(outcome[0], CorpusError)
    assert "pipe.jsonl: not a regular file" in str(outcome[0])


def _raised(fn: object) -> list[BaseException]:
    try:
        fn()  # type: ignore[operator]
    except BaseException as exc:  # handed to the test thread
        return [exc]
    return []


def test_csv_streams_quoted_fields_over_several_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    header = "id,title,sub_working_group,sub_working_group_title,pillar,text\n"
    path.write_text(
        header + '4001,Ports,1.2,Trafficking,1,"First line\nsecond line"\n4002,Dogs,1.2,T,1,Body\n'
    )
    corpus = load_corpus(path)
    assert corpus.get("4001").text == "First line\nsecond line"
    assert corpus.origins["4002"].endswith("x.csv:4")
    path.write_text(header + "4001,Ports,1.2,Trafficking,1," + "x" * 2000 + "\n")
    with pytest.raises(CorpusError, match=r"x.csv:2: line is over the 1,000-byte limit"):
        load_corpus(path, limits=CatalogueLimits(input_line_bytes=1000))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    titles=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=4),
    text=st.text(min_size=1, max_size=300),
    pillar=st.one_of(st.integers(-1, 4), st.floats(allow_nan=True), st.text(max_size=3)),
)
def test_whatever_an_import_accepts_the_catalogue_reads_back_unchanged(
    tmp_path: Path, titles: list[str], text: str, pillar: object
) -> None:
    limits = CatalogueLimits(record_bytes=600, title_chars=30, record_words=40)
    rows = [_row(f"40{n:02d}", title=t, text=text, pillar=pillar) for n, t in enumerate(titles)]
    try:
        imported = load_corpus(_jsonl(tmp_path, *rows), limits=limits)
    except CorpusError:
        return  # refused with a message: nothing would be written
    written = _jsonl(tmp_path, corpus_to_jsonl(imported), name="initiatives.jsonl")
    again = load_corpus(written, limits=limits)
    assert again.initiatives == imported.initiatives
    assert corpus_to_jsonl(again) == written.read_text(encoding="utf-8")
