"""A comparison of a published incident with one after CBP's monthly table (issue 19): the fictional
fixture goes through extract -> accept into a project copy, then the comparison page and the new incident's
numbers page are run as a reader would (``caravan-book run``). Every check is derived from the data:
the months the page names, the distances, what each chart draws against what its words say, and the
words the exercises' solutions quote."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from conftest import copy_project, run_cli
from review_helpers import INCIDENT, accept_new_incident

pytestmark = pytest.mark.build

PUBLISHED = "2018-tijuana"
YEARLY = "usbp_southwest_border_apprehensions_by_sector_fy1960_fy2019.csv"
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTH = re.compile(rf"\b(?:{MONTHS}) \d{{4}}\b")


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("new-incident")
    root = copy_project(base / "project")
    accept_new_incident(root, base / "review")
    out = {"root": root}
    for name, args in (
        ("comparison", ["-p", "left", PUBLISHED, "-p", "right", INCIDENT]),
        ("numbers", ["-p", "incident", INCIDENT]),
    ):
        done = run_cli("run", name, *args, "-o", base / f"{name}.ipynb", root=root, cwd=root)
        assert done.returncode == 0, done.stdout + done.stderr
        out[name] = json.loads((base / f"{name}.ipynb").read_text(encoding="utf-8"))
    return out


def _rows(root: Path, table: str) -> list[dict[str, str]]:
    with open(root / "data" / f"{table}.csv", newline="", encoding="utf-8-sig") as fh:
        return [r for r in csv.DictReader(fh) if r.get("incident") in (PUBLISHED, INCIDENT)]


def _markdown(notebook: dict, cell: str | None = None) -> list[str]:
    texts = []
    for c in notebook["cells"]:
        if c["cell_type"] == "code" and (cell is None or c.get("id") == cell):
            for o in c.get("outputs", []):
                if "text/markdown" in o.get("data", {}):
                    texts.append("".join(o["data"]["text/markdown"]))
    return texts


def _charts(notebook: dict) -> list[tuple[str, str]]:
    """(SVG, text alternative) of every chart of the page."""
    found = []
    for c in notebook["cells"]:
        for o in c.get("outputs", []):
            data = o.get("data", {})
            if "image/svg+xml" in data:
                found.append(("".join(data["image/svg+xml"]), "".join(data.get("text/plain", ""))))
    return found


def _month(day: str) -> str:
    year, month = int(day[:4]), int(day[5:7])
    return f"{MONTHS.split('|')[month - 1]} {year}"


def _cbp_months(root: Path) -> list[str]:
    """The months of CBP's monthly table (the reference files the book reads), in order."""
    rows = []
    for path in sorted((root / "data" / "reference").glob("cbp_swb_encounters_monthly_fy*.csv")):
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows += [(int(r["calendar_year"]), int(r["calendar_month"])) for r in csv.DictReader(fh)]
    return [_month(f"{y:04d}-{m:02d}") for y, m in sorted(rows)]


def _sentences(text: str) -> list[str]:
    """Sentences, and the cells and items of the page's HTML table, one by one."""
    parts = re.split(r"</?(?:table|thead|tbody|tr|td|th|ul|ol|li|p|br)\b[^>]*>", text)  # not {term}`a <b>`
    return [s for p in parts for s in re.split(r"(?<=[.:;])\s+(?=[A-Z*“])", " ".join(p.split())) if s]


def test_every_month_beside_a_cbp_count_is_an_incidents_own_month_in_the_table(pages):
    root = pages["root"]
    table = _cbp_months(root)
    incidents = {r["incident"]: _month(r["start_date"]) for r in _rows(root, "incidents")}
    dated = {
        _month(r[c])
        for t in ("figures", "events", "statements")
        for r in _rows(root, t)
        for c in ("date", "as_of")
        if r.get(c)
    }
    allowed = set(incidents.values()) | dated | {table[0], table[-1]}
    text = "\n".join(_markdown(pages["comparison"]))
    for month in set(MONTH.findall(text)):
        assert month in allowed, month
    for sentence in _sentences(text):
        counts = re.findall(r"\b\d{1,3}(?:,\d{3})+\b", sentence)
        if counts and ("CBP" in sentence or "encounters" in sentence or "incident's month" in sentence):
            for month in MONTH.findall(sentence):
                assert month in incidents.values() and month in table, sentence
    new = incidents[INCIDENT]
    assert new not in table  # the fixture is after the table: the page must say so, not borrow a month
    assert any(new in s and "does not cover" in s for s in _sentences(text))


def test_no_distance_of_zero_km(pages):
    text = " ".join(" ".join(_markdown(pages["comparison"])).split())
    assert not re.search(r"\b0 km\b", text)


def _lines_drawn(svg: str) -> int:
    groups = re.findall(r'<g class="mark-line[^"]*"[^>]*>(.*?)</g>', svg, re.S)
    return sum(g.count("<path") for g in groups)


def test_the_around_charts_words_say_how_many_lines_it_draws(pages):
    charts = _charts(pages["comparison"])
    assert len(charts) == 1
    svg, alt = charts[0]
    drawn = _lines_drawn(svg)
    incidents = {r["incident"]: _month(r["start_date"]) for r in _rows(pages["root"], "incidents")}
    covered = [i for i, m in incidents.items() if m in _cbp_months(pages["root"])]
    assert drawn == len(covered)
    words = {1: "One line", 2: "Two lines"}
    assert alt.startswith(words[drawn]), alt
    paragraph = " ".join(_markdown(pages["comparison"], "comparison-06")[0].split())
    assert ("draws one line" in paragraph) == (drawn == 1), paragraph
    assert ("around each incident" in paragraph) == (drawn == 2), paragraph


def test_the_numbers_page_marks_no_month_outside_the_table(pages):
    table = _cbp_months(pages["root"])
    month = next(_month(r["start_date"]) for r in _rows(pages["root"], "incidents") if r["incident"] == INCIDENT)
    svg, alt = next((s, a) for s, a in _charts(pages["numbers"]) if "Bars show CBP" in a)
    marked = 'class="mark-rule role-mark' in svg  # a marked month (axis grid lines are rules of another role)
    assert marked == (month in table)
    assert ("dashed line marks" in alt) == marked
    text = " ".join(" ".join(_markdown(pages["numbers"])).split())
    assert "dashed line" not in text or marked


def test_the_numbers_page_marks_no_fiscal_year_outside_the_yearly_chart(pages):
    """The long view marks the incident's fiscal year only where the chart's x axis reaches it."""
    root = pages["root"]
    with open(root / "data" / "reference" / YEARLY, newline="", encoding="utf-8-sig") as fh:
        last = max(int(r["fiscal_year"]) for r in csv.DictReader(fh))
    svg, alt = next((s, a) for s, a in _charts(pages["numbers"]) if "Border Patrol Southwest border" in a)
    shown = [int(y) for y in re.findall(r"dashed line marks FY(\d{4})", alt)]
    points = [int(y) for y in re.findall(r"points show FY(\d{4})", alt)]
    for year in shown:
        assert year <= max([last, *points]) + 1, alt
    assert ('class="mark-rule role-mark' in svg) == bool(shown)


def _solutions(notebook: dict) -> list[str]:
    text = _markdown(notebook, "comparison-12")[0]
    return [block.split("::::", 1)[0].split("\n", 2)[-1] for block in text.split("::::{solution}")[1:]]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"\\(.)", r"\1", text).replace("’", "'").lower().split())


def test_no_solution_quotes_or_asserts_a_word_the_incidents_sources_do_not_hold(pages):
    root = pages["root"]
    held = _norm(
        " ".join(
            r.get(c, "")
            for t in ("statements", "facts", "events", "figures", "incidents")
            for r in _rows(root, t)
            for c in ("quote", "excerpt", "value", "as_printed", "title")
        )
    )
    question = " ".join(_markdown(pages["comparison"], "comparison-12")[0].split())
    loaded = {w.lower() for w in re.findall(r"“(\w+)”", question)}  # the adjectives a question warns about
    solutions = _solutions(pages["comparison"])
    assert solutions
    for solution in solutions:
        flat = " ".join(solution.split())
        quoted = re.findall(r"[“‘]([^”’]+)[”’]", flat)  # the book's own example sentence is in italics, unquoted
        for q in quoted:
            assert _norm(q) in held, q
        for word in loaded:
            if re.search(rf"\b{word}\b", flat.lower()):
                assert re.search(rf"\b{word}\b", held), word


def test_the_discussion_says_different_outlets_only_when_every_article_names_a_different_one(pages):
    sources = [r for r in _rows(pages["root"], "sources")]
    named = {
        side: {r["outlet"] for r in sources if r["incident"] == side and r["outlet_basis"] != "not stated"}
        for side in (PUBLISHED, INCIDENT)
    }
    unnamed = any(r["outlet_basis"] == "not stated" for r in sources)
    text = " ".join(_markdown(pages["comparison"], "comparison-10")[0].split())
    assert ("come from different outlets" in text) == (not unnamed and not named[PUBLISHED] & named[INCIDENT]), text
