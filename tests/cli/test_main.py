from __future__ import annotations

import csv
import errno
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import matcher.facade
import matcher.search.encoders
from matcher.cli import build_parser, main
from tests.conftest import DATA, HashingEncoder

COMMANDS = [
    "corpus",
    "show",
    "index",
    "search",
    "brief",
    "demand",
    "interest",
    "overlaps",
    "review",
    "diff",
    "similar",
    "eval",
    "serve",
]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    def fakes(*_: object) -> dict[str, HashingEncoder]:
        return {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}

    monkeypatch.setenv("MATCHER_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("MATCHER_CORPUS", str(DATA / "mini.jsonl"))
    monkeypatch.setattr(matcher.facade, "default_encoders", fakes)
    monkeypatch.setattr(matcher.search.encoders, "default_encoders", fakes)
    return tmp_path


@pytest.fixture
def built(env: Path, capsys) -> Path:
    assert main(["index", "build"]) == 0
    capsys.readouterr()
    return env


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert "usage: matcher" in capsys.readouterr().out


def test_parser_knows_every_command() -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert sorted(sub.choices) == sorted(COMMANDS)


def test_corpus_json_on_the_real_page(capsys) -> None:
    assert (
        main(["--corpus", str(Path("corpus/global-coalition-initiatives.txt")), "corpus", "--json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["initiatives"] == 118
    assert len(data["sub_working_groups"]) == 7
    assert {"2206", "2206A"} <= set(data["ids"])


def test_show_and_unknown_id(env: Path, capsys) -> None:
    assert main(["show", "1209", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Canine Forces Component"
    assert main(["show", "9999"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: no initiative with id '9999'")


def test_search_json_contract(env: Path, capsys) -> None:
    assert main(["search", "detector dogs fentanyl airports", "--k", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == "detector dogs fentanyl airports"
    first = data["results"][0]
    assert set(first) >= {
        "id",
        "title",
        "score",
        "match",
        "sub_working_group",
        "organizations",
        "regions",
        "passage",
        "highlights",
        "needs",
    }
    assert first["id"] == "1209" and len(data["results"]) == 2
    need = data["needs"][0]
    assert need["text"] == "detector dogs fentanyl airports"
    assert need["covered"] is True and need["status"] == "served"
    assert 0.0 <= need["p_gap"] < 0.5
    assert set(need) == {"text", "covered", "status", "p_gap", "results", "best_confidence"}
    assert set(data["context"]) == {"places", "actors", "existing"}
    assert [c["kind"] for c in data["clauses"]] == ["need"]


def test_search_batch_prints_one_line_per_query(env: Path, capsys) -> None:
    batch = env / "q.json"
    batch.write_text(
        json.dumps(
            [{"qid": "A", "query": "fentanyl mail"}, {"qid": "B", "query": "treatment courses"}]
        )
    )
    assert main(["search", "--batch", str(batch), "--json", "--k", "3"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["qid"] for x in lines] == ["A", "B"]
    assert all(len(x["results"]) == 3 and "needs" in x and "context" in x for x in lines)
    assert set(lines[0]["results"][0]) == {"id", "score"}


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["search", "fentanyl", "--k", "0"], 2, "k must be a whole number"),
        (["search", "fentanyl", "--k", "-3"], 2, "k must be a whole number"),
        (["search", "fentanyl", "--k", "9999999"], 2, "k must be a whole number"),
        (["search", "fentanyl", "--swg", "8.8"], 2, "unknown sub-working group"),
        (["search", "   "], 2, "the query is empty"),
        (["search"], 2, "give the needs as TEXT"),
        (["search", "--batch", "missing.json"], 2, "no such file"),
        (["overlaps", "--min-score", "3"], 2, "min-score must be between 0 and 1"),
        (["diff", "1101", "0000"], 2, "no initiative with id '0000'"),
        (["brief", "fentanyl", "--format", "odt"], 2, "invalid choice"),
        (["brief", "fentanyl", "--lang", "de"], 2, "invalid choice"),
        (["--corpus", "nope.jsonl", "corpus"], 3, "cannot read"),
    ],
)
def test_errors_are_one_line_with_exit_codes(built: Path, capsys, argv, code, message) -> None:
    assert main(argv) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_one_empty_query_does_not_sink_the_batch(built: Path, capsys) -> None:
    batch = built / "q.json"
    batch.write_text(json.dumps([{"qid": "A", "query": "   "}, {"qid": "B", "query": "dogs"}]))
    assert main(["search", "--batch", str(batch), "--json"]) == 0
    out = capsys.readouterr()
    lines = [json.loads(x) for x in out.out.splitlines()]
    assert lines[0]["results"] == [] and "empty" in lines[0]["error"]
    assert lines[1]["results"]
    assert "query A" in out.err


def test_malformed_batch_file(env: Path, capsys) -> None:
    bad = env / "bad.json"
    bad.write_text('[{"qid": 1}]')
    assert main(["search", "--batch", str(bad)]) == 2
    assert "needs a 'qid' and a text 'query'" in capsys.readouterr().err


@pytest.mark.parametrize("source", ["/dev/zero", "fifo", "folder", "large"])
def test_a_batch_that_is_not_a_bounded_regular_file_is_one_line(
    env: Path, capsys, source: str
) -> None:
    """`--batch /dev/zero` read until the kernel killed it at 23.8 GB, a FIFO hung forever."""
    from matcher.limits import LIMITS

    path = env / source
    if source == "fifo":
        os.mkfifo(path)  # nobody writes: opening it for reading would block for ever
    elif source == "folder":
        path.mkdir()
    elif source == "large":
        path.write_text("[")
        os.truncate(path, LIMITS.page_bytes + 1)  # a sparse file: nothing is written
    else:
        path = Path(source)
    assert main(["search", "--batch", str(path), "--json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert ("not a regular file" in err[0]) != (source == "large")
    assert source != "large" or "-byte limit for a batch file" in err[0]


def test_bad_input_is_refused_before_any_index_work(env: Path, capsys) -> None:
    assert main(["search", "fentanyl", "--k", "0"]) == 2
    assert not (env / "index").exists()


def test_index_build_and_status(env: Path, capsys) -> None:
    assert main(["index", "status"]) == 4
    assert "missing" in capsys.readouterr().out
    assert main(["index", "build", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["passages"] == 6
    assert main(["index", "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "current"


def test_brief_to_file_and_csv(env: Path, capsys) -> None:
    out = env / "brief.csv"
    argv = ["brief", "fentanyl in mail parcels", "--format", "csv", "--k", "1", "-o", str(out)]
    assert main(argv) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert rows[0]["id"] == "1204"


def test_a_binary_brief_is_not_printed_to_a_terminal(
    env: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert main(["brief", "fentanyl in mail parcels", "--format", "pdf"]) == 2
    assert "binary file: write it with -o FILE" in _one_line_error(capsys)
    assert not (env / "index").exists()  # refused before the catalogue was even opened


@pytest.mark.parametrize(("fmt", "magic"), [("docx", b"PK"), ("pdf", b"%PDF")])
def test_binary_brief_to_a_file(env: Path, capsys, fmt: str, magic: bytes) -> None:
    out = env / f"brief.{fmt}"
    argv = ["brief", "fentanyl in mail parcels", "--format", fmt, "--lang", "ru", "-o", str(out)]
    assert main(argv) == 0
    assert out.read_bytes().startswith(magic)
    assert f"wrote {out}" in capsys.readouterr().err


def test_binary_brief_on_a_full_disk_leaves_nothing(
    env: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(self: Path, data: bytes) -> int:
        self.touch()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    out = env / "brief.docx"
    assert main(["brief", "fentanyl in mail parcels", "--format", "docx", "-o", str(out)]) == 7
    assert f"cannot write {out}: No space left on device" in _one_line_error(capsys)
    assert not [p.name for p in env.iterdir() if "brief" in p.name]


def test_markdown_brief_in_the_language_asked(env: Path, capsys) -> None:
    assert main(["brief", "fentanyl in mail parcels", "--k", "1", "--lang", "fr"]) == 0
    assert capsys.readouterr().out.startswith("# Note de pays")


def test_overlaps_json_and_diff(env: Path, capsys) -> None:
    assert main(["overlaps", "--json", "--class", "verbatim"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["pairs"][0]["a"] == "3200" and data["pairs"][0]["b"] == "3218"
    assert data["pairs"][0]["class"] == "verbatim"
    assert data["clusters"] == [
        {"label": data["clusters"][0]["label"], "ids": ["3200", "3218"], "class": "verbatim"}
    ]
    assert main(["diff", "3200", "3218"]) == 0
    assert "words shared, 0 only in A" in capsys.readouterr().out


def test_eval_prints_the_table(env: Path, capsys) -> None:
    queries = env / "judged.json"
    queries.write_text(
        json.dumps(
            [{"qid": "Q", "query": "detector dogs", "style": "short", "judgments": {"1209": 3}}]
        )
    )
    assert main(["eval", str(queries), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["overall"]["ndcg@10"] == 1.0


# ------------------------------------------------------------------ operating-system failures


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    err = [line for line in err if not line.startswith("building the index (")]  # the notice
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def _refuse_writes(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """The index writer meets what a read-only project, a locked folder or a full disk gives."""
    import matcher.search.index_build

    def refuse(folder: Path, *_: object) -> None:
        (folder / "vectors_minilm.npy").write_bytes(b"half a fi")  # what a full disk leaves
        raise OSError(code, os.strerror(code), str(folder / "vectors_minilm.npy"))

    monkeypatch.setattr(matcher.search.index_build, "_write_signal", refuse)


@pytest.mark.parametrize(
    ("code", "argv"),
    [
        (errno.EROFS, ["search", "fentanyl"]),  # a missing index is built on first use
        (errno.EACCES, ["index", "build"]),
        (errno.ENOSPC, ["index", "build"]),
    ],
)
def test_index_writes_refused_by_the_system_are_one_line(
    env: Path, capsys, monkeypatch: pytest.MonkeyPatch, code: int, argv: list[str]
) -> None:
    _refuse_writes(monkeypatch, code)
    assert main(argv) == 7
    line = _one_line_error(capsys)
    assert f"cannot write the index in {env / 'index'}: {os.strerror(code)}; " in line
    assert "MATCHER_INDEX_DIR" in line
    assert not [p for p in env.iterdir() if p.name.startswith(".matcher-")]  # no half build


def test_a_full_disk_leaves_the_previous_index_in_use(
    built: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    _refuse_writes(monkeypatch, errno.ENOSPC)
    assert main(["index", "build"]) == 7
    assert "No space left on device; free some disk space" in _one_line_error(capsys)
    assert main(["index", "status"]) == 0
    assert main(["search", "detector dogs", "--json"]) == 0


@pytest.mark.parametrize("seen_as_mount", [True, False])
def test_an_index_folder_that_is_a_mount_point_is_rebuilt_in_place(
    built: Path, capsys, monkeypatch: pytest.MonkeyPatch, seen_as_mount: bool
) -> None:
    index = built / "index"
    (index / "README.md").write_text("kept\n")
    inode = index.stat().st_ino
    real_rename, real_ismount = Path.rename, os.path.ismount

    def rename(self: Path, target: str | Path) -> Path:
        if self == index:  # what the kernel says of a mount point
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(self))
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    if seen_as_mount:
        monkeypatch.setattr(os.path, "ismount", lambda p: Path(p) == index or real_ismount(p))
    monkeypatch.setenv("MATCHER_CORPUS", str(built / "changed.jsonl"))
    rows = (DATA / "mini.jsonl").read_text().splitlines()
    (built / "changed.jsonl").write_text("\n".join(rows[:-1]) + "\n")  # one initiative fewer
    assert main(["index", "build", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["initiatives"] == 5
    assert main(["index", "status"]) == 0
    assert index.stat().st_ino == inode and (index / "README.md").read_text() == "kept\n"
    leftovers = [p.name for p in [*index.iterdir(), *built.iterdir()] if ".matcher-" in p.name]
    assert not leftovers


def test_brief_output_naming_a_folder(built: Path, capsys) -> None:
    folder = built / "exports"
    folder.mkdir()
    before = sorted(p.name for p in built.iterdir())
    assert main(["brief", "fentanyl in mail parcels", "-o", str(folder)]) == 2
    assert f"{folder} is a folder; give a file name" in _one_line_error(capsys)
    assert sorted(p.name for p in built.iterdir()) == before and not list(folder.iterdir())


def test_catalogue_import_on_a_full_disk(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = tmp_path / "initiatives.jsonl"
    catalogue.write_text((DATA / "mini.jsonl").read_text())
    row = json.loads((DATA / "mini.jsonl").read_text().splitlines()[0])
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({**row, "id": "3901"}) + "\n")
    real_write = Path.write_text

    def full_disk(self: Path, data: str, *args: object, **kwargs: object) -> int:
        if self.name.endswith(".tmp"):
            real_write(self, data[:10])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_write(self, data, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", full_disk)
    before = catalogue.read_text()
    assert main(["--corpus", str(catalogue), "corpus", "import", str(extra)]) == 7
    line = _one_line_error(capsys)
    assert f"cannot write the catalogue {catalogue}: No space left on device; free" in line
    assert catalogue.read_text() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_an_unforeseen_os_error_is_still_one_line(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    import matcher.cli.corpus

    def denied(*_: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", "/srv/initiatives.jsonl")

    monkeypatch.setattr(matcher.cli.corpus, "load_corpus", denied)
    assert main(["corpus"]) == 7
    line = _one_line_error(capsys)
    assert line.startswith("error: /srv/initiatives.jsonl: ") and "Permission denied" in line


# ------------------------------------------------------------------ terminal control sequences


def test_show_and_search_escape_control_characters(
    env: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Import strips them (test_corpus); this is the second guard, for a catalogue that still
    carries them (edited by hand, written by an older version), so the stripping is off here."""
    import matcher.catalogue.parse

    monkeypatch.setattr(matcher.catalogue.parse, "strip_controls", lambda text: text)
    rows = [json.loads(line) for line in (DATA / "mini.jsonl").read_text().splitlines()]
    rows[2]["title"] = "Canine \x1b[2J\x1b]0;pwned\x07Forces"
    rows[2]["text"] += " \x9b31m"
    catalogue = env / "nasty.jsonl"
    catalogue.write_text("".join(json.dumps(r) + "\n" for r in rows))
    monkeypatch.setenv("MATCHER_CORPUS", str(catalogue))
    for argv in (["show", "1209"], ["search", "detector dogs fentanyl airports"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert not any(ch in out for ch in "\x1b\x07\x9b"), argv
        assert "Canine \\x1b[2J\\x1b]0;pwned\\x07Forces" in out
    assert main(["show", "1209", "--json"]) == 0
    data = capsys.readouterr().out
    assert "\x9b" not in data and json.loads(data)["text"].endswith(" \x9b31m")


def test_a_statement_with_a_leading_dash_and_a_line_break_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Found by the fuzz profile: argparse quoted the argument, line break and all.
    assert main(["search", "-\nlab", "--json"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "goes after `--`" in err


# ------------------------------------------------------------------ catalogue changes and limits


def _catalogue(tmp_path: Path) -> Path:
    catalogue = tmp_path / "initiatives.jsonl"
    catalogue.write_text((DATA / "mini.jsonl").read_text())
    return catalogue


def _records(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _mini_rows() -> list[dict[str, object]]:
    return [json.loads(line) for line in (DATA / "mini.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN"])
def test_search_min_score_must_be_a_finite_number(env: Path, capsys, value: str) -> None:
    assert main(["search", "fentanyl", f"--min-score={value}"]) == 2
    assert "must be a finite number" in _one_line_error(capsys)


def test_an_import_over_the_catalogue_limit_is_refused_and_every_command_still_works(
    tmp_path: Path,
) -> None:
    """Issue 15: with the operator's limit at 50 initiatives, 6 + 47 is over it; nothing is
    written and the catalogue still reads."""
    catalogue = _catalogue(tmp_path)
    template = _mini_rows()[0]
    extra = _records(
        tmp_path / "big.jsonl",
        [{**template, "id": f"{4000 + n:04d}", "title": f"Programme {n}"} for n in range(47)],
    )
    before = catalogue.read_bytes()
    env = {**os.environ, "MATCHER_MAX_INITIATIVES": "50"}
    run = [sys.executable, "-m", "matcher", "--corpus", str(catalogue), "corpus"]
    refused = subprocess.run([*run, "import", str(extra)], env=env, capture_output=True, text=True)
    assert refused.returncode == 3, refused.stderr
    assert "more than 50 initiatives, the catalogue limit" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert catalogue.read_bytes() == before
    assert not (tmp_path / "initiatives.versions").exists()
    listed = subprocess.run([*run, "--json"], env=env, capture_output=True, text=True)
    assert json.loads(listed.stdout)["initiatives"] == 6


def test_a_bad_limit_in_the_environment_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("MATCHER_MAX_INITIATIVES", "lots")
    assert main(["corpus"]) == 2
    assert "MATCHER_MAX_INITIATIVES must be a whole number" in _one_line_error(capsys)


def test_import_updates_existing_ids_and_reports_what_changed(tmp_path: Path, capsys) -> None:
    catalogue = _catalogue(tmp_path)
    rows = _mini_rows()
    extra = _records(
        tmp_path / "extra.jsonl",
        [
            {**rows[0], "text": rows[0]["text"] + " Ports too."},
            {**rows[1]},
            {**rows[2], "id": "4001", "title": "Harbour dogs"},
        ],
    )
    argv = ["--corpus", str(catalogue), "corpus", "import", str(extra)]
    assert main([*argv, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "~ 1101: Precursor chemical control with industry partners (text changed)" in out
    assert "{+Ports too.+}" in out and "+ 4001: Harbour dogs" in out
    assert "dry run: nothing written" in out
    assert catalogue.read_text() == (DATA / "mini.jsonl").read_text()

    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "1 added (4001), 1 changed (1101), 0 removed, 5 unchanged" in out
    assert "catalogue version 2; `matcher corpus revert 1` undoes it" in out
    assert main(["--corpus", str(catalogue), "show", "1101", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["text"].endswith("Ports too.")


def test_remove_history_and_revert(tmp_path: Path, capsys) -> None:
    catalogue = _catalogue(tmp_path)
    base = ["--corpus", str(catalogue), "corpus"]
    assert main([*base, "remove", "1204", "3200"]) == 0
    assert "2 removed (1204, 3200)" in capsys.readouterr().out
    assert main([*base, "remove", "9999"]) == 2
    assert "no initiative with id '9999'" in _one_line_error(capsys)
    assert main([*base, "history", "--json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [(v["number"], v["action"], v["current"]) for v in history] == [
        (1, "found", False),
        (2, "remove", True),
    ]
    assert main([*base, "revert", "1"]) == 0
    assert "2 added (1204, 3200)" in capsys.readouterr().out
    assert [i["id"] for i in map(json.loads, catalogue.read_text().splitlines())] == [
        r["id"] for r in _mini_rows()
    ]
    assert main([*base, "changes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["added"] == 2
    assert main([*base, "history"]) == 0
    assert "(current)" in capsys.readouterr().out.splitlines()[-1]
    assert main([*base, "revert", "7"]) == 2
    assert "no catalogue version 7" in _one_line_error(capsys)
    assert main([*base, "revert", "one"]) == 2
    assert "needs one VERSION number" in _one_line_error(capsys)


def test_build_says_it_drops_initiatives_not_on_the_page(tmp_path: Path, capsys) -> None:
    catalogue = _catalogue(tmp_path)
    page = tmp_path / "page.txt"
    page.write_text("Sub-Working Group 1.1 - Manufacturing\n1101: Only one\nIts text.\n")
    assert main(["--corpus", str(catalogue), "corpus", "build", "--page", str(page)]) == 0
    out = capsys.readouterr().out
    assert "5 removed (1204, 1209, 2103, 3200, 3218)" in out
    assert "5 initiative(s) not on the page are removed" in out
    assert "`matcher corpus revert 1` undoes it" in out


def test_import_refuses_what_is_not_a_regular_file(tmp_path: Path, capsys) -> None:
    """A FIFO and /dev/zero are refused too (test_corpus); here, the CLI's line and exit code."""
    catalogue = _catalogue(tmp_path)
    null = tmp_path / "null.csv"
    null.symlink_to("/dev/null")
    folder = tmp_path / "folder.jsonl"
    folder.mkdir()
    for path in (null, folder):
        assert main(["--corpus", str(catalogue), "corpus", "import", str(path)]) == 3
        assert f"{path}: not a regular file" in _one_line_error(capsys)


def test_build_is_a_way_back_from_a_catalogue_that_no_longer_reads(tmp_path: Path, capsys) -> None:
    catalogue = tmp_path / "initiatives.jsonl"
    catalogue.write_bytes(b'{"id": "1101", "title": "caf\xe9"}\n')
    page = tmp_path / "page.txt"
    page.write_text("Sub-Working Group 1.1 - Manufacturing\n1101: Only one\nIts text.\n")
    assert main(["--corpus", str(catalogue), "corpus"]) == 3
    capsys.readouterr()
    assert main(["--corpus", str(catalogue), "corpus", "build", "--page", str(page)]) == 0
    assert "not UTF-8 text" in capsys.readouterr().err
    assert main(["--corpus", str(catalogue), "corpus", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ids"] == ["1101"]
    kept = tmp_path / "initiatives.versions" / "0001.jsonl"
    assert kept.read_bytes() == b'{"id": "1101", "title": "caf\xe9"}\n'


@pytest.mark.parametrize(
    "argv",
    [["show", "9" * 5000], ["corpus", "remove", "9" * 5000], ["corpus", "x" * 5000]],
)
def test_a_five_thousand_character_value_gives_a_short_error(
    tmp_path: Path, capsys, argv: list[str]
) -> None:
    assert main(["--corpus", str(_catalogue(tmp_path)), *argv]) == 2
    line = _one_line_error(capsys)
    assert len(line) < 300, line


def test_a_line_separator_in_a_text_does_not_break_the_catalogue(tmp_path: Path, capsys) -> None:
    """json.dumps writes U+2028 raw; str.splitlines() cut the catalogue's line there."""
    catalogue = _catalogue(tmp_path)
    extra = _records(
        tmp_path / "extra.jsonl", [{**_mini_rows()[0], "id": "4001", "text": "a\u2028b"}]
    )
    assert main(["--corpus", str(catalogue), "corpus", "import", str(extra)]) == 0
    capsys.readouterr()
    assert main(["--corpus", str(catalogue), "show", "4001", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["text"] == "a\u2028b"


def test_search_takes_the_writer_s_country(env: Path, capsys) -> None:
    assert main(["search", "national early warning systems", "--country", "gh", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["country"] == "Ghana" and data["query_regions"] == ["West Africa"]
    assert main(["search", "national early warning systems", "--country", "Ghana"]) == 0
    assert "writer's country: Ghana" in capsys.readouterr().out


def test_an_unknown_country_is_one_line_before_any_model_loads(env: Path, capsys) -> None:
    assert main(["search", "detector dogs", "--country", "Atlantis"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: unknown country 'Atlantis'") and "\n" not in err
    assert not (env / "index").exists()


def test_each_batch_item_may_name_its_writer_s_country(env: Path, capsys) -> None:
    batch = env / "batch.json"
    batch.write_text(
        json.dumps(
            [
                {"qid": "a", "query": "national early warning systems", "country": "Ghana"},
                {"qid": "b", "query": "national early warning systems", "country": "Nowhere"},
                {"qid": "c", "query": "national early warning systems"},
            ]
        ),
        encoding="utf-8",
    )
    assert main(["search", "--batch", str(batch), "--json", "--country", "Mexico"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["qid"] for line in lines] == ["a", "b", "c"]
    assert "unknown country" in lines[1]["error"]
    score = {q["qid"]: {r["id"]: r["score"] for r in q["results"]} for q in lines}
    # 2103 is for the Americas: lowered for the Ghanaian writer, not for the --country default
    assert score["a"]["2103"] < score["c"]["2103"]
