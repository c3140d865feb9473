"""Hostile data (issue 21): every free-text column of every table, the reference tables included, holds a
template, HTML, MyST and LaTeX payload at once; one build of every page; nothing runs, everything shows as text."""

from __future__ import annotations

import csv
import re
import urllib.parse
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import run_cli

pytestmark = pytest.mark.build

#: Every column of free text that check lets through (not an id, a date, a number, a closed list, a link into
#: another table, or words that must stand in an article: those are checked and cannot hold a payload).
FREE_TEXT = {
    "places.csv": ["kind", "coordinates_source", "reliability"],
    "incidents.csv": ["title", "summary"],
    "sources.csv": ["outlet", "label", "headline", "byline", "published_note", "contributes"],
    "metrics.csv": ["label", "description"],
    "events.csv": ["date_note", "summary", "actor"],
    "figures.csv": ["unit", "attributed_to", "note"],
    "statements.csv": ["speaker", "role", "institution", "date_note", "attributed_via"],
    "facts.csv": ["value"],
    "defects.csv": ["defect"],
    "claims.csv": ["note"],  # claim_words must stand in its figure's excerpt (check)
    "reference/provenance.csv": ["file", "publisher", "title", "repository", "path", "version", "checks"],
    "reference/cbp_swb_encounters_monthly_fy2018_fy2021.csv": ["source_repo", "source_path", "cbp_tableau_view"],
}


def _payload(marker: str, proof: Path) -> str:
    """Template tags (Jinja, as MyST's substitution used them), HTML, a MyST role and directive, LaTeX math."""
    return (
        f"{marker} {{{{ cycler.__init__.__globals__.os.popen('id > {proof}').read() }}}} "
        f"{{% for x in [1] %}}loop{{% endfor %}} {{# hidden #}} <img src=x onerror=alert(1)> <b>bold</b> "
        "{sub-ref}`today` ```{eval-rst} :::{note} $\\frac{1}{2}$ *em* [link](x)"
    )


def _marker(file: str, column: str) -> str:
    # one word for the search, ending so that the search's stemmer leaves it whole
    return "zq" + re.sub(r"[^a-z0-9]", "", (Path(file).stem[:12] + column).lower()) + "x9"


def _set(path: Path, column: str, value: str, *, prefix: str = "") -> None:
    """Every row's cell of ``column`` gets the payload and its row number (row 0 may not be on a page)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0].keys())
    for number, row in enumerate(rows):
        row[column] = f"{prefix}{value} r{number}"  # some columns are unique
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_hostile_text_in_every_free_text_column_shows_as_text_and_runs_nothing(project_copy, tmp_path):
    data = project_copy / "data"
    proof = tmp_path / "ran"
    payloads = {}
    for file, columns in FREE_TEXT.items():
        for column in columns:
            marker = _marker(file, column)
            payloads[marker] = _payload(marker, proof)
            # a cell that starts with = is a formula in a spreadsheet: the chart data downloads must defuse it
            _set(data / file, column, payloads[marker], prefix="=HYPERLINK(1)" if column == "actor" else "")
    title = "Class & {{ 7*7 }} {% if 1 %}x{% endif %} $x$ *em* {sub-ref}`today`"  # < > " are refused (test_reliability)
    spec = tmp_path / "hostile.yml"
    spec.write_text(
        f"title: {title!r}\n"
        "include: [glossary, methods]\n"
        "pages:\n"
        + "".join(
            f"  - notebook: {notebook}\n    parameters: {{incident: {incident}}}\n"
            for incident in ("2018-tijuana", "2021-tapachula")
            for notebook in ("narrative", "numbers", "responses")
        )
        + "  - notebook: comparison\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    done = run_cli("check", "--data", data, root=project_copy)
    assert done.returncode == 0, done.stderr  # the payloads are valid data: the pages must cope with them
    done = run_cli("build", "--params", spec, "--out", out, root=project_copy)
    assert done.returncode == 0, done.stderr[-3000:]
    assert not proof.exists(), "a template in a data cell ran a command"

    site = out / "html"
    pages = sorted(site.rglob("*.html"))
    text = prose = ""
    for page in pages:
        raw = page.read_text(encoding="utf-8")
        assert "uid=" not in raw, page
        soup = BeautifulSoup(raw, "html.parser")
        assert not soup.select('img[src="x"]'), page  # HTML in data or in the title is not HTML
        made = soup.select("main b, main em, main .math, main a[href='x'], main .admonition, main code")
        assert not [tag for tag in made if tag.get_text() in ("bold", "em", "link", "today")], page  # no markup
        assert not [tag for tag in soup.select("main .math")], page  # no LaTeX typeset
        for link in soup.select("a[download][href^='data:text/csv']"):
            cells = list(csv.reader(urllib.parse.unquote(link["href"].split(",", 1)[1]).splitlines()))
            formulas = [c for row in cells for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
            assert not [c for c in formulas if not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", c)], page  # -6 is a number
        text += soup.get_text(" ") + "\n"
        for chart in soup.select("figure, details, svg, script"):
            chart.decompose()  # the search indexes the pages' prose, not the chart data tables
        prose += soup.get_text(" ") + "\n"
    shown = " ".join(text.split())
    index = (site / "searchindex.js").read_text(encoding="utf-8")
    on_pages = []
    for marker, payload in payloads.items():
        if marker in shown:
            on_pages.append(marker)
            expected = " ".join(payload.split())
            assert expected.split(" {{")[0] in shown
            assert "{{ cycler.__init__.__globals__.os.popen(" in shown
            assert "<img src=x onerror=alert(1)> <b>bold</b> {sub-ref}`today` ```{eval-rst} :::{note}" in shown
            assert "$\\frac{1}{2}$ *em* [link](x)" in shown
            if marker in prose:
                assert marker in index, marker  # and the search finds it as a word
    # the columns that reach a page (the others are read by code only: ids of charts, the data README)
    for must in ("provenancefile", "provenancepath", "provenanceversion", "eventssummary", "sourcesheadline"):
        assert f"zq{must}x9" in on_pages, (must, on_pages)
    assert title in shown
    print(
        "free-text columns shown on a page:", len(on_pages), "of", len(payloads), sorted(set(payloads) - set(on_pages))
    )
