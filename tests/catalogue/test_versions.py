"""Catalogue versions: compare, apply, history, revert, limits on the would-be catalogue."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from matcher.catalogue.model import Corpus
from matcher.catalogue.parse import corpus_to_jsonl, load_corpus, upsert, without
from matcher.catalogue.versions import CatalogueVersions, ChangeKind, check_catalogue, compare
from matcher.errors import CorpusError, InputError
from matcher.limits import CatalogueLimits


@pytest.fixture
def catalogue(tmp_path: Path, mini_corpus: Corpus) -> Path:
    path = tmp_path / "initiatives.jsonl"
    path.write_text(corpus_to_jsonl(mini_corpus), encoding="utf-8")
    return path


def _edited(corpus: Corpus) -> Corpus:
    """1101 with a sentence more, 1204 gone, 4001 new."""
    first = corpus.get("1101")
    changed = replace(first, text=first.text + " Ports too.")
    added = replace(corpus.get("1209"), id="4001", title="Harbour dogs")
    return upsert(without(corpus, ["1204"]), Corpus((changed, added)))


def test_compare_names_added_removed_and_changed_with_a_word_diff(mini_corpus: Corpus) -> None:
    changes = compare(mini_corpus, _edited(mini_corpus))
    assert [(c.kind, c.id) for c in changes.changes] == [
        (ChangeKind.CHANGED, "1101"),
        (ChangeKind.ADDED, "4001"),
        (ChangeKind.REMOVED, "1204"),
    ]
    assert changes.counts == {"added": 1, "changed": 1, "removed": 1, "unchanged": 4}
    changed = changes.of(ChangeKind.CHANGED)[0]
    assert changed.fields == ("text",)
    assert [(s.side, s.text) for s in changed.diff if s.side != "both"] == [("b", "Ports too.")]
    assert compare(mini_corpus, mini_corpus).changes == ()


def test_apply_keeps_the_previous_version_and_revert_appends(
    catalogue: Path, mini_corpus: Corpus
) -> None:
    versions = CatalogueVersions(catalogue)
    before = catalogue.read_bytes()
    version, _ = versions.apply(_edited(mini_corpus), action="import", source="extra.jsonl")
    assert version is not None and version.number == 2 and version.current
    assert (version.added, version.changed, version.removed) == (("4001",), ("1101",), ("1204",))
    history = versions.history()
    assert [(v.number, v.action, v.current) for v in history] == [
        (1, "found", False),
        (2, "import", True),
    ]
    assert (versions.folder / "0001.jsonl").read_bytes() == before
    assert load_corpus(catalogue).ids == ["1101", "1209", "2103", "3200", "3218", "4001"]

    reverted, back = versions.revert(1)
    assert reverted is not None and reverted.number == 3 and reverted.reverts == 1
    assert back.counts == {"added": 1, "changed": 1, "removed": 1, "unchanged": 4}
    assert catalogue.read_bytes() == before
    assert [v.number for v in versions.history()] == [1, 2, 3]  # append-only
    assert [v.current for v in versions.history()] == [False, False, True]


def test_nothing_changed_writes_no_version(catalogue: Path, mini_corpus: Corpus) -> None:
    versions = CatalogueVersions(catalogue)
    version, changes = versions.apply(mini_corpus, action="import", source="same.jsonl")
    assert version is None and changes.counts["unchanged"] == 6
    assert not versions.folder.exists()


def test_a_catalogue_over_a_limit_is_refused_before_anything_is_written(
    catalogue: Path, mini_corpus: Corpus
) -> None:
    versions = CatalogueVersions(catalogue)
    before = catalogue.read_bytes()
    with pytest.raises(CorpusError, match="more than 6 initiatives"):
        versions.apply(
            _edited(upsert(mini_corpus, Corpus((replace(mini_corpus.get("3200"), id="4002"),)))),
            action="import",
            source="extra.jsonl",
            limits=CatalogueLimits(initiatives=6),
        )
    with pytest.raises(CorpusError, match=r"cut into 6 passages, over the 5-passage limit"):
        check_catalogue(_edited(mini_corpus), limits=CatalogueLimits(passages=5))
    check_catalogue(_edited(mini_corpus), limits=CatalogueLimits(passages=6))
    with pytest.raises(CorpusError, match="would hold no initiative"):
        versions.apply(Corpus(()), action="remove", source="remove all")
    assert catalogue.read_bytes() == before and not versions.folder.exists()


def test_a_hand_edit_is_kept_as_a_version_before_the_next_change(
    catalogue: Path, mini_corpus: Corpus
) -> None:
    versions = CatalogueVersions(catalogue)
    versions.apply(_edited(mini_corpus), action="import", source="extra.jsonl")
    rows = catalogue.read_text(encoding="utf-8").splitlines()
    edited_by_hand = "\n".join(rows[:-1]) + "\n"  # 4001 deleted in an editor
    catalogue.write_text(edited_by_hand, encoding="utf-8")
    assert not any(v.current for v in versions.history())
    versions.apply(mini_corpus, action="import", source="again.jsonl")
    history = versions.history()
    assert [v.action for v in history] == ["found", "import", "found", "import"]
    assert (versions.folder / "0003.jsonl").read_text(encoding="utf-8") == edited_by_hand


def test_last_changes_compares_the_last_two_versions(catalogue: Path, mini_corpus: Corpus) -> None:
    versions = CatalogueVersions(catalogue)
    assert versions.last_changes() is None
    versions.apply(_edited(mini_corpus), action="import", source="extra.jsonl")
    last = versions.last_changes()
    assert last is not None
    version, changes = last
    assert version.number == 2 and changes.counts["changed"] == 1


def test_unknown_version_and_damaged_record(catalogue: Path, mini_corpus: Corpus) -> None:
    versions = CatalogueVersions(catalogue)
    with pytest.raises(InputError, match="no catalogue version 9; `matcher corpus history`"):
        versions.revert(9)
    versions.apply(_edited(mini_corpus), action="import", source="extra.jsonl")
    (versions.folder / "0002.json").write_text("{not json")
    with pytest.raises(CorpusError, match=r"0002.json: unreadable version record"):
        versions.history()


def test_version_records_are_plain_json(catalogue: Path, mini_corpus: Corpus) -> None:
    versions = CatalogueVersions(catalogue)
    versions.apply(_edited(mini_corpus), action="import", source="extra.jsonl")
    record = json.loads((versions.folder / "0002.json").read_text())
    assert set(record) == {
        "number",
        "created_at",
        "action",
        "source",
        "initiatives",
        "sha256",
        "added",
        "changed",
        "removed",
        "reverts",
    }
    assert record["initiatives"] == 6 and record["source"] == "extra.jsonl"
    assert load_corpus(versions.folder / "0002.jsonl").ids == load_corpus(catalogue).ids


def _changes_page(catalogue: str, lang: str = "en") -> None:
    from app_pages.changes import show_last_changes

    show_last_changes(catalogue, lang=lang)


def test_the_app_shows_the_last_change_as_text(catalogue: Path, mini_corpus: Corpus) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_changes_page, args=(str(catalogue),)).run()
    assert not at.subheader and not at.exception  # no version yet: nothing shown
    nasty = replace(mini_corpus.get("1209"), id="4001", title="**Bold** [link](http://x)")
    CatalogueVersions(catalogue).apply(
        upsert(_edited(mini_corpus), Corpus((nasty,))), action="import", source="extra.jsonl"
    )
    at = AppTest.from_function(_changes_page, args=(str(catalogue),)).run()
    assert not at.exception
    texts = [t.value for t in at.text]
    assert texts[0].startswith("Version 2, import of extra.jsonl at ")
    assert "1 added, 1 changed, 1 removed, 4 unchanged" in texts[0]
    assert "Added:\n  4001: **Bold** [link](http://x)" in texts  # as text, never Markdown
    assert "Removed:\n  1204: Mail Channel Component" in texts
    assert [e.label for e in at.expander] == [
        "Changed 1101: Precursor chemical control with industry partners"
    ]
    assert any("{+Ports too.+}" in t for t in texts)

    spanish = AppTest.from_function(_changes_page, args=(str(catalogue), "es")).run()
    assert [h.value for h in spanish.subheader] == ["Cambios de la última importación"]
    assert "1 añadidas, 1 modificadas, 1 eliminadas, 4 sin cambios" in spanish.text[0].value


def test_the_changes_panel_speaks_six_languages() -> None:
    from matcher.i18n.messages import untranslated

    assert untranslated("catalogue") == []
