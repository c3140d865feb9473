"""An incident entered step by step: pages for an incident with no events, figures or statements yet,
and a data folder whose events file has only its header, say so in words instead of crashing."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, SEEDS, run_cli

pytestmark = pytest.mark.build

ARTICLE = REPO / "tests" / "fixtures" / "fictional-caravan-article.txt"


def _append(path, row: dict) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        fields = next(csv.reader(fh))
    with open(path, "a", newline="", encoding="utf-8") as fh:
        csv.DictWriter(fh, fieldnames=fields).writerow(row)


def _articles(tmp_path):
    """The fictional article, beside the seed articles where they are here (elsewhere the ledger vouches
    for their excerpts)."""
    folder = tmp_path / "articles"
    if SEEDS.is_dir():
        shutil.copytree(SEEDS, folder)
    else:
        folder.mkdir()
    shutil.copy(ARTICLE, folder / ARTICLE.name)
    return folder


# What each page of the new incident says in place of what the data does not hold yet.
SAYS_WHAT_IS_MISSING = {
    "narrative-2029-empty": [
        "A caravan entered step by step. A caravan left on foot, the article says.",
        "No events from it are in the data yet, so the sections below are empty.",
        "No events are in the data for this selection yet.",
        "No chart here yet: the data has no dated events for this selection.",
    ],
    "numbers-2029-empty": [
        "No figures from the selected articles are in the data yet.",
        "The articles on this incident make no claim that CBP's tables can test",
    ],
    "responses-2029-empty": [
        "No statements from this article are in the data yet.",
        "The selected articles quote no one on this incident.",
        "No chart here yet: the data has no statements for this selection.",
    ],
}


def test_an_incident_with_only_its_first_rows_builds_pages_that_say_what_is_missing(project_copy, tmp_path):
    data = project_copy / "data"
    _append(data / "incidents.csv", {
        "incident": "2029-empty", "title": "A caravan entered step by step", "start_date": "2029-03-13",
        "start_date_basis": "inferred", "place": "Mexico City", "country": "MX",
        "summary": "A caravan left on foot, the article says.", "source_id": "ruiz-empty",
        "excerpt": (
            "About 1,200 migrants set off on foot from Villa Esperanza on Tuesday, heading north towards Mexico City."
        ),
        "publication": "draft",
    })  # fmt: skip
    _append(data / "sources.csv", {
        "source_id": "ruiz-empty", "outlet": "unnamed outlet", "label": "Ruiz article (outlet not named)",
        "outlet_basis": "not stated", "headline": "Caravan of about 1,200 people leaves Villa Esperanza on foot",
        "byline": "Ana Ruiz", "published": "2029-03-14", "published_basis": "stated",
        "published_note": "The text says 'Posted on March 14, 2029'.", "document": ARTICLE.name,
        "incident": "2029-empty", "contributes": "Nothing yet: only the incident's first rows are entered.",
    })  # fmt: skip
    spec = tmp_path / "empty.yml"
    spec.write_text(
        "title: Step by step\npages:\n"
        + "".join(
            f"  - notebook: {n}\n    parameters: {{incident: 2029-empty}}\n"
            for n in ("narrative", "numbers", "responses")
        )
        + "  - notebook: comparison\n    parameters: {left: 2018-tijuana, right: 2029-empty}\n",
        encoding="utf-8",
    )
    env = {"CARAVAN_BOOK_SEEDS": str(_articles(tmp_path))}
    done = run_cli("build", "--params", spec, "--out", tmp_path / "out", root=project_copy, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    generated = tmp_path / "out" / "html" / "book" / "generated"
    for name, sentences in SAYS_WHAT_IS_MISSING.items():
        soup = BeautifulSoup((generated / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        text = " ".join(soup.select_one("main, article, [role=main]").get_text(" ").split())
        for sentence in sentences:
            assert sentence in text, (name, sentence)
        assert "Traceback" not in text and "Error" not in text, name
        assert "Where the sources disagree" not in text, name  # no empty section (the sources cannot disagree)


def _forget_events_in_statements(path: Path) -> None:
    """Blank statements.csv's about_event (the event a statement is about), as a story without events has."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["about_event"] = ""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_header_only_events_file_gives_pages_not_a_crash(project_copy, tmp_path):
    events = project_copy / "data" / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    _forget_events_in_statements(project_copy / "data" / "statements.csv")  # a statement may name the event it is about
    done = run_cli("check", "--data", project_copy / "data", root=project_copy)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "narrative.ipynb"
    done = run_cli("run", "narrative", "-p", "incident", "2018-tijuana", "-o", out, root=project_copy)
    assert done.returncode == 0, done.stderr[-3000:]
