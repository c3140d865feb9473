"""The excerpt ledger: a clone without the articles verifies every excerpt against it, and refuses one it
does not vouch for; a run with the articles keeps it current and byte for byte stable."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import REPO, copy_project, edit_csv, require_seeds, run_cli

from caravan_book.build.pages import CONTEXT_ENV
from caravan_book.data import ledger, tables
from caravan_book.data.schemas import EXCERPT_TABLES
from caravan_book.story import notebook
from caravan_book.text.article import collapse

FIXTURE = REPO / "tests" / "fixtures" / "fictional-caravan-article.txt"
LEDGER = REPO / "data" / ledger.LEDGER_FILE


def _no_articles(tmp_path: Path) -> dict:
    """The environment of a clone: no source articles, and the tree under test imported."""
    return {"CARAVAN_BOOK_SEEDS": str(tmp_path / "no-articles-here"), "PYTHONPATH": str(REPO)}


def _excerpt_count(folder: Path) -> int:
    return sum(len(tables.load(name, folder)) for name in EXCERPT_TABLES)


@pytest.mark.build
def test_a_clone_without_the_articles_verifies_every_excerpt_against_the_ledger(tmp_path):
    root = copy_project(tmp_path / "clone")
    (tmp_path / "no-articles-here").mkdir()  # an empty folder of articles counts as none
    done = run_cli("check", root=root, cwd=root, env=_no_articles(tmp_path))
    assert done.returncode == 0, done.stderr
    count = _excerpt_count(root / "data")
    assert f"every excerpt verified against the ledger ({count} excerpts" in done.stdout
    assert (root / "data" / ledger.LEDGER_FILE).read_bytes() == LEDGER.read_bytes()  # not rewritten


@pytest.mark.build
def test_one_changed_character_of_an_excerpt_is_refused_with_file_row_and_column(tmp_path, data_copy):
    rows = tables.load("events", data_copy)
    excerpt = rows["excerpt"].iloc[0]
    edit_csv(data_copy / "events.csv", 0, "excerpt", excerpt[:-1] + ("," if excerpt[-1] != "," else "."))
    done = run_cli("check", "--data", data_copy, cwd=tmp_path, env=_no_articles(tmp_path))
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("data/events.csv, row 2, column 'excerpt': ")
    assert "not vouched for by the excerpt ledger" in lines[0] and "changed" in lines[0]


@pytest.mark.build
def test_a_new_excerpt_row_is_refused_without_the_articles(tmp_path, data_copy):
    path = data_copy / "defects.csv"
    rows = path.read_text(encoding="utf-8").count("\n")
    with path.open("a", encoding="utf-8") as fh:
        fh.write("new-defect,bbc,A defect nobody compared with the article,Sunday\n")
    done = run_cli("check", "--data", data_copy, cwd=tmp_path, env=_no_articles(tmp_path))
    assert done.returncode == 2, done.stderr
    assert f"data/defects.csv, row {rows + 1}, column 'excerpt': 'Sunday' is not vouched for" in done.stderr
    assert "is new" in done.stderr


@pytest.mark.build
def test_a_build_with_neither_articles_nor_ledger_stops_in_one_line(tmp_path):
    root = copy_project(tmp_path / "clone")
    (root / "data" / ledger.LEDGER_FILE).unlink()
    done = run_cli("build", root=root, cwd=root, env=_no_articles(tmp_path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: the source articles were not found")
    assert "no excerpt ledger" in done.stderr and "Traceback" not in done.stderr
    assert not (root / "_build" / "html").exists()


@pytest.mark.build
def test_the_ledger_is_regenerated_byte_for_byte_from_the_articles(tmp_path, data_copy):
    seeds = require_seeds()
    (data_copy / ledger.LEDGER_FILE).unlink()
    done = run_cli("check", "--data", data_copy, "--seeds", seeds, cwd=tmp_path, env={"PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert "every excerpt verified against the articles" in done.stdout
    assert (data_copy / ledger.LEDGER_FILE).read_bytes() == LEDGER.read_bytes()
    stamp = (data_copy / ledger.LEDGER_FILE).stat().st_mtime_ns
    done = run_cli("check", "--data", data_copy, "--seeds", seeds, cwd=tmp_path, env={"PYTHONPATH": str(REPO)})
    assert done.returncode == 0 and "wrote" not in done.stderr, done.stderr
    assert (data_copy / ledger.LEDGER_FILE).stat().st_mtime_ns == stamp  # unchanged: not written again


@pytest.mark.build
def test_an_article_changed_by_one_character_is_an_error_naming_it(tmp_path, data_copy):
    seeds = require_seeds()
    articles = Path(shutil.copytree(seeds, tmp_path / "articles"))
    document = tables.load("sources", data_copy)["document"].iloc[-1]
    text = (articles / document).read_text(encoding="utf-8")
    (articles / document).write_text(text[:-2] + ("x" if text[-2] != "x" else "y") + text[-1], encoding="utf-8")
    done = run_cli("check", "--data", data_copy, "--seeds", articles, cwd=tmp_path, env={"PYTHONPATH": str(REPO)})
    assert done.returncode == 2, done.stderr
    assert f"articles/{document}: its text no longer matches its fingerprint in " in done.stderr
    assert (data_copy / ledger.LEDGER_FILE).read_bytes() == LEDGER.read_bytes()  # a failed check writes nothing


def test_the_ledger_offsets_point_at_each_excerpt_in_its_article():
    seeds = require_seeds()
    records = json.loads(LEDGER.read_text(encoding="utf-8"))
    documents = {a["source_id"]: a["document"] for a in records["articles"]}
    excerpts = {
        (name, str(row[0]), "excerpt"): row[1]
        for name in EXCERPT_TABLES
        for row in tables.load(name).pipe(lambda t, n=name: t[[ledger_key(n), "excerpt"]]).itertuples(index=False)
    }
    assert len(records["excerpts"]) == len(excerpts)
    for record in records["excerpts"]:
        text = (seeds / documents[record["source_id"]]).read_text(encoding="utf-8")
        piece = text[record["start"] : record["end"]]
        assert collapse(piece) == collapse(excerpts[(record["table"], record["id"], record["column"])])


def ledger_key(name: str) -> str:
    from caravan_book.data.schemas import TABLES

    return TABLES[name].key


def test_offsets_map_collapsed_text_back_to_the_fictional_article():
    text = FIXTURE.read_text(encoding="utf-8") + "\u00a0 two  spaces\tand a\n\nbreak"
    collapsed, offsets = ledger._collapsed_with_offsets(text)
    assert collapsed == collapse(text) and len(offsets) == len(collapsed)
    for word_start in range(0, len(collapsed) - 40, 37):
        needle = collapsed[word_start : word_start + 40].strip()
        at = collapsed.find(needle)
        assert collapse(text[offsets[at] : offsets[at + len(needle) - 1] + 1]) == needle


def test_the_methods_sentence_says_which_way_the_excerpts_were_verified(monkeypatch):
    monkeypatch.setenv(CONTEXT_ENV, ledger.Verified("articles", 5, 209).to_json())
    assert "(209 excerpts) was compared with its article (5 articles)" in notebook.excerpt_check()
    monkeypatch.setenv(CONTEXT_ENV, ledger.Verified("ledger", 5, 209).to_json())
    assert "(209 excerpts) was verified against the book's record of checked excerpts" in notebook.excerpt_check()
    monkeypatch.setenv(CONTEXT_ENV, "excerpts checked against 5 articles")  # the old protocol means nothing now
    assert "not made with the book" in notebook.excerpt_check()
    assert os.environ[CONTEXT_ENV]


@pytest.mark.build
def test_with_only_some_articles_each_is_verified_its_own_way(tmp_path, data_copy):
    seeds = require_seeds()
    some = tmp_path / "some-articles"
    some.mkdir()
    first = tables.load("sources", data_copy)["document"].iloc[0]
    shutil.copy(seeds / first, some / first)
    env = {"CARAVAN_BOOK_SEEDS": str(some), "PYTHONPATH": str(REPO)}
    done = run_cli("check", "--data", data_copy, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "every excerpt verified against the articles and the ledger" in done.stdout
    assert "1 articles read, 4 through" in done.stdout
    assert (data_copy / ledger.LEDGER_FILE).read_bytes() == LEDGER.read_bytes()


@pytest.mark.build
def test_an_article_neither_here_nor_in_the_ledger_is_refused_with_its_excerpts(tmp_path, data_copy):
    edit_csv(data_copy / "sources.csv", 0, "document", "999_an_article_nobody_has.txt")
    done = run_cli("check", "--data", data_copy, cwd=tmp_path, env=_no_articles(tmp_path))
    assert done.returncode == 2, done.stderr
    assert "data/sources.csv, row 2, column 'document': '999_an_article_nobody_has.txt' is not here" in done.stderr
    source_id = tables.load("sources", data_copy)["source_id"].iloc[0]
    rows = sum(int((tables.load(name, data_copy)["source_id"] == source_id).sum()) for name in EXCERPT_TABLES)
    assert done.stderr.count("is not vouched for by the excerpt ledger") == rows > 0
