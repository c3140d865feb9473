"""Ordinary files as people save them: a byte-order mark just works; a file that cannot be read as a table
is one line with its place, not a cascade of one problem per row."""

from __future__ import annotations

import pytest
from conftest import edit_csv

from caravan_book import cli
from caravan_book.data import tables


def _problems(folder) -> list[str]:
    tables.clear_cache()
    return [str(p) for p in tables.check_folder(folder, None)]


def test_utf8_byte_order_mark_is_accepted(data_copy):
    path = data_copy / "figures.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # Excel's "CSV UTF-8"
    assert _problems(data_copy) == []
    assert "figure_id" in tables.load("figures", data_copy).columns


def test_missing_file_is_one_line(data_copy):
    (data_copy / "metrics.csv").unlink()
    problems = _problems(data_copy)
    assert len(problems) == 1, problems
    assert problems[0].endswith("metrics.csv: file is missing")


def test_semicolon_separated_file_is_one_line(data_copy):
    path = data_copy / "places.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    problems = _problems(data_copy)
    assert len(problems) == 1, problems
    assert "places.csv, row 1: separates its columns with semicolons; save it with commas" in problems[0]


def test_unclosed_quotation_mark_is_one_line_that_says_so(data_copy):
    path = data_copy / "defects.csv"
    rows = path.read_text(encoding="utf-8").count("\n")
    with path.open("a", encoding="utf-8") as fh:
        fh.write('new-defect,bbc,"A defect whose text is never closed,An excerpt\n')
    problems = _problems(data_copy)
    assert len(problems) == 1, problems
    assert f"defects.csv, row {rows + 1}: opens a quotation mark" in problems[0] and "never closed" in problems[0]


def test_latin1_file_names_the_first_bad_row(data_copy):
    edit_csv(data_copy / "places.csv", 3, "reliability", "fiabilité moyenne")
    path = data_copy / "places.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    problems = _problems(data_copy)
    assert problems == [f"{path}, row 5: is not UTF-8 text (save the file as UTF-8, e.g. Excel's 'CSV UTF-8')"]


def test_check_without_the_articles_verifies_against_the_ledger(data_copy, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CARAVAN_BOOK_SEEDS", str(tmp_path / "no-such-folder"))
    assert cli.main(["check", "--data", str(data_copy)]) == 0
    assert "every excerpt verified against the ledger" in capsys.readouterr().out
    assert cli.main(["check", "--data", str(data_copy), "--no-excerpts"]) == 0
    assert "excerpts NOT verified (--no-excerpts)" in capsys.readouterr().out
    assert cli.main(["check", "--data", str(data_copy), "--seeds", str(tmp_path / "no-such-folder")]) == 2
    assert "is not a folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text,message",
    [
        (
            "title: t\npages:\n  - notebook: narrative\n    parameter: {incident: 2021-tapachula}\n",
            "pages[1].parameter is not a known key (allowed keys: notebook, parameters)",
        ),
        ("title: t\npage:\n  - notebook: narrative\n", "page is not a known key (allowed keys: include, pages, title)"),
        ("title: t\npages: []\n", "pages list should have at least 1 item"),
        ("pages:\n  - notebook: narrative\n  bad indent\n", "line 3"),
    ],
    ids=["typo-in-page", "typo-at-top", "empty", "not-yaml"],
)
def test_custom_book_file_mistakes_are_one_line_exit_2(tmp_path, capsys, text, message):
    spec = tmp_path / "book.yml"
    spec.write_text(text)
    assert cli.main(["build", "--params", str(spec), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err
    assert not (tmp_path / "out").exists()
