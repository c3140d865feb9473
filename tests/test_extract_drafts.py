"""Drafts stay drafts: a new incident accepted into data/ is not in the published book until it is
marked published, a long article is read in time linear in its length, and a label line is no headline."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_project, run_cli, subprocess_env
from review_helpers import FIXTURE, INCIDENT, SOURCE, extract_new_incident, review_fictional

from caravan_book.intake.proposer import extract

#: What the published book shows of the data beyond the sections' own pages: the methods page's
#: article table, its counts, its notes and its defects (story/methods.py), printed by a subprocess
#: that imports the package against the project copy.
PUBLISHED_VIEW = (
    "from caravan_book.story import methods as m\n"
    "print(m.sources_table()); print(m.data_counts_text()); print(m.publication_notes()); print(m.defects_list())\n"
)


def published_view(root: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PUBLISHED_VIEW], capture_output=True, text=True, env=subprocess_env(root), cwd=root
    )
    assert done.returncode == 0, done.stderr
    listed = run_cli("list", root=root, cwd=root)
    assert listed.returncode == 0, listed.stderr
    return done.stdout + listed.stdout


def set_publication(data: Path, incident: str, value: str) -> None:
    path = data / "incidents.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["incident"] == incident:
            row["publication"] = value
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.build
def test_an_accepted_incident_is_a_draft_the_published_book_leaves_out_until_it_is_published(tmp_path):
    """extract -> accept (rows marked accepted as a person would) leaves the published book's lists and
    counts as they were; marking the incident published brings its article in."""
    root = copy_project(tmp_path / "project")
    before = published_view(root)
    review = tmp_path / "review"
    extract_new_incident(review, root=root, cwd=root)
    with open(review / "incidents.csv", newline="", encoding="utf-8") as fh:
        assert [r["publication"] for r in csv.DictReader(fh)] == ["draft"]
    review_fictional(review, with_place=True)  # a new place too: the published counts leave it out
    done = run_cli("accept", review, root=root, cwd=root)
    assert done.returncode == 0, done.stderr
    after = published_view(root)
    # the parameters' allowed values name every incident a custom book may choose, the draft too
    published_lines = [
        line.replace(f", {INCIDENT}", "").replace(f", {SOURCE}", "") if "allowed:" in line else line
        for line in after.splitlines()
        if "[draft" not in line
    ]
    assert published_lines == before.splitlines()
    assert any(INCIDENT in line and "[draft" in line for line in after.splitlines())  # listed as a draft
    assert SOURCE not in "\n".join(published_lines)

    set_publication(root / "data", INCIDENT, "published")
    published = published_view(root)
    assert SOURCE in published and published != before


def _normalised_notebook(path: Path) -> str:
    """An executed notebook without what changes from one run to the next (times, papermill's record, the id
    of the parameters cell papermill adds)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb.get("metadata", {}).pop("papermill", None)
    for cell in nb.get("cells", []):
        for key in ("execution", "papermill"):
            cell.get("metadata", {}).pop(key, None)
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.pop("id", None)  # papermill gives the cell it adds a new random id at each run
    return json.dumps(nb, sort_keys=True, indent=1)


def published_book(root: Path) -> dict[str, str]:
    """What the published book is made of: every generated page (Markdown as written, executed notebooks
    normalised) and the published-facts manifest, byte for byte."""
    generated = root / "book" / "generated"
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted(generated.glob("*.md"))}
    pages |= {p.name: _normalised_notebook(p) for p in sorted(generated.glob("*.ipynb"))}
    pages["data/published.json"] = (root / "data" / "published.json").read_text(encoding="utf-8")
    return pages


def _build(root: Path) -> None:
    done = run_cli("build", root=root, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.build
def test_the_published_book_is_unchanged_by_an_accepted_draft_until_it_is_published(book_copy, tmp_path):
    """The guide's path with a new article (extract -> review -> accept) and `build` again: every generated
    page and data/published.json are the same as the build before it; marking the incident published changes
    the book (its article and counts come in)."""
    before = published_book(book_copy)
    extract_new_incident(tmp_path / "review", root=book_copy, cwd=book_copy)
    review_fictional(tmp_path / "review", with_place=True)
    done = run_cli("accept", tmp_path / "review", root=book_copy, cwd=book_copy)
    assert done.returncode == 0, done.stderr
    _build(book_copy)
    after = published_book(book_copy)
    assert after.keys() == before.keys()
    changed = [name for name in before if after[name] != before[name]]
    assert not changed, changed

    set_publication(book_copy / "data", INCIDENT, "published")
    _build(book_copy)
    published = published_book(book_copy)
    assert published["methods.ipynb"] != before["methods.ipynb"]
    assert SOURCE in published["methods.ipynb"] or "Ana Ruiz" in published["methods.ipynb"]


@pytest.mark.build
def test_a_custom_book_may_select_a_draft_incident(tmp_path):
    """A draft is for custom books: selecting it works (the published book's checks do not refuse it)."""
    root = copy_project(tmp_path / "project")
    review = tmp_path / "review"
    extract_new_incident(review, root=root, cwd=root)
    review_fictional(review)
    assert run_cli("accept", review, root=root, cwd=root).returncode == 0
    code = f"from caravan_book.data.selection import select; print(select({INCIDENT!r}).incident)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env(root))
    assert done.returncode == 0 and done.stdout.strip() == INCIDENT, done.stderr


def _article(path: Path, size: int) -> Path:
    """A long generated article: the fixture's sentences with their numbers varied, on one line."""
    lines = [line for line in FIXTURE.read_text(encoding="utf-8").splitlines()[4:] if line.strip()]
    body, n, i = [], 0, 0
    while n < size:
        sentence = lines[i % len(lines)].replace("1,200", f"{1000 + i:,}").replace("300", str(100 + i % 900))
        body.append(sentence)
        n, i = n + len(sentence) + 1, i + 1
    path.write_text("Caravan leaves\nBy Ana Ruiz\nPosted on March 14, 2029\n\n" + " ".join(body) + "\n", "utf-8")
    return path


def _seconds(path: Path, out: Path) -> float:
    start = time.perf_counter()
    extract(path, "long-2029", "2029-long", out, new_incident=True, progress=lambda done, total: None)
    return time.perf_counter() - start


@pytest.mark.unit
def test_extract_is_linear_in_the_articles_length(tmp_path):
    """Twice the article takes well under three times as long (a quadratic step would take four), and a
    200 KB single-line article finishes far inside a generous bound (it took over 20 s before issue 19)."""
    small = _seconds(_article(tmp_path / "small.txt", 100_000), tmp_path / "r1")
    large = _seconds(_article(tmp_path / "large.txt", 200_000), tmp_path / "r2")
    assert large < 3 * small + 1.0, (small, large)
    assert large < 60, large


@pytest.mark.unit
def test_a_label_line_starting_with_hash_is_not_the_headline(tmp_path):
    labelled = tmp_path / "labelled.txt"
    labelled.write_text("# FICTIONAL: a note, not the article\n" + FIXTURE.read_text(encoding="utf-8"), "utf-8")
    _, proposal = extract(labelled, "label-2029", "2029-label", tmp_path / "r", new_incident=True)
    assert proposal.rows["sources"][0]["headline"] == FIXTURE.read_text(encoding="utf-8").splitlines()[0]
    for table in ("figures", "events", "statements"):
        assert all("FICTIONAL" not in row["excerpt"] for row in proposal.rows[table])
