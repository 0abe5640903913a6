"""Expression-of-interest letters on the mini catalogue and the fake encoder: one per
organisation, the needs the engine read, e-mails that parse back, Word that opens, the API."""

from __future__ import annotations

import email
import io
import shutil
import zipfile
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient

import matcher.facade
import matcher.search.encoders
from matcher.api.app import create_app
from matcher.api.config import ServerSettings
from matcher.api.run import open_live
from matcher.brief.docx import is_right_to_left
from matcher.brief.model import UNNAMED
from matcher.cli import main
from matcher.errors import InputError
from matcher.facade import Matcher
from matcher.i18n.messages import untranslated
from matcher.interest import (
    COALITION_MAILBOX,
    INTEREST_CAVEAT,
    Letter,
    LetterProgramme,
    make_letters,
    render_letters,
)
from matcher.settings import DEFAULT_PAGE
from tests.conftest import DATA, HashingEncoder

STATEMENT = (
    "We need training for customs units on fentanyl in mail and express parcels. "
    "We need help to prevent diversion of precursor chemicals with the chemical industry."
)


def fakes(*_: object) -> dict[str, HashingEncoder]:
    return {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}


@pytest.fixture
def matcher_(tmp_path: Path, mini_corpus, fake_encoders) -> Matcher:
    return Matcher.open(tmp_path / "index", corpus=mini_corpus, encoders=fake_encoders)


def _messages(data: bytes) -> list[EmailMessage]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        return [email.message_from_bytes(archive.read(n), policy=default) for n in names]  # type: ignore[misc]


def test_the_page_still_says_the_caveat_and_the_mailbox() -> None:
    page = DEFAULT_PAGE.read_text(encoding="utf-8")
    assert INTEREST_CAVEAT in page
    user, domain = COALITION_MAILBOX.split("@")
    assert f"{user}[at]{domain.replace('.', '[dot]')}" in page


def test_one_letter_per_organisation_with_the_needs_read(matcher_: Matcher) -> None:
    letters = matcher_.interest_letters(STATEMENT, ["1204", "1101", "1209"], country="Ghana")
    assert [letter.organisation for letter in letters] == ["WCO", "INCB", UNNAMED]
    result = matcher_.search(STATEMENT, k=6)
    read = {n.text for n in result.needs}
    assert all(set(p.needs) <= read for letter in letters for p in letter.programmes)
    assert letters[0].programmes[0].needs  # the mail-channel programme serves a need read
    assert letters[2].to_address == COALITION_MAILBOX and letters[0].to_address == ""
    assert all(letter.country == "Ghana" for letter in letters)


def test_an_eml_for_two_organisations_parses_back(matcher_: Matcher) -> None:
    letters = matcher_.interest_letters(STATEMENT, ["1204", "1101"], country="Ghana")
    made = render_letters(letters, "eml", "en")
    assert made.media_type == "application/zip"
    messages = _messages(made.content)
    assert len(messages) == 2
    bodies = [m.get_content() for m in messages]
    for chosen, message, body in zip(["1204", "1101"], messages, bodies, strict=True):
        assert chosen in message["Subject"] and chosen in body
        assert "Ghana" in body and "not a guarantee of participation" in body
        assert message["To"] == ""
    need = letters[0].programmes[0].needs[0]
    assert need in bodies[0]


def test_unnamed_organisation_goes_to_the_coalition_and_says_so(matcher_: Matcher) -> None:
    letters = matcher_.interest_letters(STATEMENT, ["1209"])
    made = render_letters(letters, "eml", "en")
    assert made.media_type == "message/rfc822"
    message = email.message_from_bytes(made.content, policy=default)
    assert message["To"] == COALITION_MAILBOX
    assert "names no implementing organisation" in message.get_content()  # type: ignore[union-attr]


def test_a_newline_in_a_title_adds_no_header(matcher_: Matcher) -> None:
    result = matcher_.search(STATEMENT, k=6)
    hostile = Letter(
        organisation="WCO\nBcc: victim@example.org",
        programmes=(LetterProgramme("1204", "Mail\r\nBcc: victim@example.org", ("a need",)),),
        statement=STATEMENT,
        country="Ghana\nX-Injected: yes",
    )
    assert result.results  # the engine's own letters go through the same writer
    for letter in [hostile, *make_letters(result, ["1204"], matcher_.corpus, country="A\nB: c")]:
        message = email.message_from_bytes(render_letters([letter], "eml", "en").content)
        assert message["Bcc"] is None and message["X-Injected"] is None and message["B"] is None
        assert sorted(message.keys()) == sorted(
            ["Subject", "To", "Date", "X-Unsent", "Content-Language", "Content-Type",
             "Content-Transfer-Encoding", "MIME-Version"]
        )  # fmt: skip


def test_markdown_and_docx_in_every_language(matcher_: Matcher) -> None:
    assert untranslated("interest") == []
    letters = matcher_.interest_letters(STATEMENT, ["1204", "1209"], country="Ghana")
    markdown = render_letters(letters, "md", "es").content.decode("utf-8")
    assert "Expresión de interés" in markdown and "1204" in markdown
    docx = Document(io.BytesIO(render_letters(letters, "docx", "ar").content))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "1204" in text and INTEREST_CAVEAT in text
    arabic = [p for p in docx.paragraphs if "مع خالص التحية" in p.text]
    assert arabic and all(is_right_to_left(p) for p in arabic)
    english = Document(io.BytesIO(render_letters(letters, "docx", "en").content))
    assert not any(is_right_to_left(p) for p in english.paragraphs)


@pytest.mark.parametrize(
    ("ids", "named"),
    [
        ([], "at least one"),
        (["9999", "1204", "8888"], "9999, 8888"),
        ([f"{n}" for n in range(1000, 1021)], "at most 20"),
    ],
)
def test_bad_choices_are_refused_naming_them(matcher_: Matcher, ids: list[str], named: str) -> None:
    with pytest.raises(InputError, match=named):
        matcher_.interest_letters(STATEMENT, ids)


def test_cli_writes_markdown_and_a_zip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("MATCHER_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("MATCHER_CORPUS", str(DATA / "mini.jsonl"))
    monkeypatch.setattr(matcher.facade, "default_encoders", fakes)
    monkeypatch.setattr(matcher.search.encoders, "default_encoders", fakes)
    assert main(["interest", STATEMENT, "--ids", "1204", "--country", "Ghana"]) == 0
    assert "Ghana" in capsys.readouterr().out
    target = tmp_path / "letters.eml"
    assert (
        main(["interest", STATEMENT, "--ids", "1204,1101", "--format", "eml", "-o", str(target)])
        == 0
    )
    assert len(_messages((tmp_path / "letters.zip").read_bytes())) == 2
    assert main(["interest", STATEMENT, "--ids", "12O4"]) == 2
    assert "unknown initiative ids: '12O4'" in capsys.readouterr().err


def test_post_interest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "catalogue.jsonl"
    shutil.copy(DATA / "mini.jsonl", corpus)
    monkeypatch.setattr(matcher.facade, "default_encoders", fakes)
    monkeypatch.setattr(matcher.search.encoders, "default_encoders", fakes)
    client = TestClient(create_app(open_live(tmp_path / "index", corpus), ServerSettings()))
    body = {"statement": STATEMENT, "ids": ["1204", "1101"], "country": "Ghana", "format": "eml"}
    answer = client.post("/interest", json=body)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    assert len(_messages(answer.content)) == 2
    answer = client.post("/interest", json={**body, "format": "docx", "lang": "fr"})
    assert answer.status_code == 200 and "wordprocessingml" in answer.headers["content-type"]
    Document(io.BytesIO(answer.content))
    answer = client.post("/interest", json={**body, "format": "md"})
    assert answer.headers["content-type"].startswith("text/markdown") and "1101" in answer.text
    for bad, named in (
        ({**body, "ids": []}, "at least one"),
        ({**body, "ids": ["1204", "7777"]}, "7777"),
        ({**body, "ids": [str(n) for n in range(1000, 1021)]}, "at most 20"),
        ({**body, "format": "pdf"}, "format"),
    ):
        answer = client.post("/interest", json=bad)
        assert answer.status_code == 422, bad
        assert set(answer.json()) == {"error", "code"} and named in answer.json()["error"]
