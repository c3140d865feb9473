"""What a reader sees on the pages this book derives from the data: no code, glossary links that resolve,
exercises numbered from 1 on every page, comparison cells that say "not reported" only where no article
reports anything (issue 17, classes 3 and 6)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from caravan_book.build import reader, sections
from caravan_book.build.exercise_numbers import renumber
from caravan_book.data import queries
from caravan_book.data.selection import select
from caravan_book.story import comparison, exercises
from tests.conftest import generated_pages


@pytest.fixture(scope="module")
def pages(built_book) -> dict[str, BeautifulSoup]:
    return generated_pages(built_book)


# ---------------------------------------------------------------- no code on reader pages
#: Words that speak to a developer, not a reader (review 2, M6): they belong in the README or CONTRIBUTING.
DEVELOPER_WORDS = re.compile(r"\b(?:README|notebooks?|parameters?|command|rerun\w*|papermill|\.ipynb)\b", re.I)


def test_the_introduction_has_no_developer_material():
    intro = _repo() / "book" / "intro.md"
    text = intro.read_text(encoding="utf-8")
    assert not DEVELOPER_WORDS.findall(text), DEVELOPER_WORDS.findall(text)


def test_the_methods_page_speaks_to_readers(pages):
    """Review 2, M6: the methods page keeps its provenance (publishers, datasets) and says nothing about the
    build, the README or the data folder's files."""
    text = pages["methods"].get_text(" ")
    for words in ("the build stops", "README", "data folder", "excerpts-ledger.json"):
        assert words not in text, words


def test_no_page_of_the_book_shows_a_parameter_line(pages):
    """The book's pages are made with the book's own parameters: none shows the "This page tells: … · …" line."""
    for name, soup in pages.items():
        assert soup.select_one(".caravan-params") is None, name
        assert "This page tells" not in soup.get_text(), name


def _repo():
    from pathlib import Path

    return Path(__file__).resolve().parents[1]


@pytest.mark.build
def test_no_page_shows_code_or_a_code_toggle(pages):
    for page, soup in pages.items():
        text = soup.get_text(" ")
        assert "Show code cell source" not in text and "Hide code cell source" not in text, page
        assert not soup.select(".cell_input, details.hide-input, .tag_hide-input"), page


# ---------------------------------------------------------------- glossary links
@pytest.mark.build
def test_every_glossary_link_resolves_and_each_page_links_its_key_terms(built_book, pages):
    glossary = BeautifulSoup(
        (built_book / "_build" / "html" / "book" / "glossary.html").read_text(encoding="utf-8"), "html.parser"
    )
    anchors = {tag["id"] for tag in glossary.select("dt[id]")}
    book = sections.load()
    for page in book.pages:
        links = pages[page.page].select("a[href*='glossary.html#term-']")
        targets = {a["href"].split("#", 1)[1] for a in links}
        assert targets <= anchors, (page.page, targets - anchors)
        terms = page.key_terms if page.key_terms else book.notebooks[page.notebook].key_terms
        linked = {a.get_text(" ").strip().lower() for a in links}
        for term in terms:
            assert any(term.lower() in shown or shown in term.lower() for shown in linked), (page.page, term)


@pytest.mark.build
def test_every_glossary_term_a_reader_page_uses_is_linked_after_its_lead(pages):
    """Review 3, M3: a page's glossary words are mostly in data text (quotations, summaries), which is never
    marked up, so one line after the lead links every glossary term the page uses, and the key terms."""
    book = sections.load()
    for page in book.pages:
        soup = BeautifulSoup(str(pages[page.page].select_one("article.bd-article")), "html.parser")
        lines = soup.select("p.caravan-words")
        assert len(lines) == 1, page.page
        line = lines[0]
        # after the lead, before the page's first section
        assert line.find_previous("h1") is not None and line.find_previous("h2") is None, page.page
        shown = {a.get_text(" ", strip=True) for a in line.select("a[href*='glossary.html#term-']")}
        assert len(shown) == len(line.select("a")), page.page  # every word of the line is a glossary link
        line.decompose()
        for end in soup.select("section.caravan-trust"):
            end.decompose()  # corrections and "Cite this page", added at the end of every page
        text = " ".join(soup.get_text(" ").split())
        for entry in reader.glossary_terms():
            used = [t for t in entry if reader._pattern(t).search(text)]
            if used:
                assert shown & set(entry), (page.page, entry)
        terms = page.key_terms or book.notebooks[page.notebook].key_terms
        assert {t.lower() for t in terms} <= {s.lower() for s in shown}, page.page


def test_every_term_role_the_book_writes_names_a_glossary_term():
    """A {term} in a template, a book page or the teacher's guide's key terms resolves (Sphinx would warn)."""
    known = {t.lower() for entry in reader.glossary_terms() for t in entry}
    role = re.compile(r"\{term\}`([^`<]*?)\s*(?:<([^`>]*)>)?`")
    root = _repo()
    files = [*(root / "book" / "templates").rglob("*.j2"), *(root / "book").glob("*.md")]
    files += [*(root / "notebooks").glob("*.ipynb")]
    found = 0
    for path in files:
        for m in role.finditer(path.read_text(encoding="utf-8")):
            found += 1
            target = (m.group(2) or m.group(1)).strip().lower()
            assert target in known, (path.name, m.group(0))
    assert found > 10
    book = sections.load()
    for page in book.pages:
        for term in page.key_terms or book.notebooks[page.notebook].key_terms:
            assert term.lower() in known, (page.page, term)


def test_the_words_line_finds_a_term_inside_a_quotation_plurals_and_case():
    used = reader.terms_used("The group reached the “ports of entry”. Tear-gas was fired; CBP said so.")
    assert {"port of entry", "tear gas", "CBP"} <= set(used)
    assert "rubber bullets" in reader.terms_used("one rubber bullet was fired")
    assert "CBP" not in reader.terms_used("a cbp-like word")  # an acronym as written only
    assert reader.terms_used("nothing here", ("caravan",)) == ["caravan"]  # the key terms always


# ---------------------------------------------------------------- exercises numbered from 1
def test_renumber_numbers_each_page_from_one():
    numbers = {"a": {"exercise": {"x": (9,), "y": (10,)}, "figure": {"f": (3,)}}, "b": {"exercise": {"z": (11,)}}}
    renumber(numbers)
    assert numbers == {"a": {"exercise": {"x": (1,), "y": (2,)}, "figure": {"f": (3,)}}, "b": {"exercise": {"z": (1,)}}}


@pytest.mark.build
def test_exercises_are_numbered_from_one_on_every_page(pages):
    for page, soup in pages.items():
        titles = [t.get_text(" ", strip=True) for t in soup.select("div.exercise p.admonition-title")]
        numbers = [int(m.group(1)) for t in titles if (m := re.match(r"Exercise\s+(\d+)", t))]
        assert numbers == list(range(1, len(numbers) + 1)), (page, titles)
        assert numbers or page == "methods", page  # every page but the methods page has exercises


def test_handout_and_page_numbering_start_at_one(monkeypatch):
    for kind in ("print", "page"):
        monkeypatch.setattr(exercises, "medium", lambda kind=kind: kind)
        text = exercises.numbers(select("2021-tapachula", "all", None))
        assert re.findall(r"\*\*Exercise (\d+)\.\*\*", text) == ["1", "2", "3"][: text.count("**Exercise")]
        assert text.startswith("**Exercise 1.**")


# ---------------------------------------------------------------- comparison: "not reported" only where nothing is
def _rows(left, right) -> list[tuple[str, list[str]]]:
    soup = BeautifulSoup(comparison.comparison_table(left, right), "html.parser")
    return [
        (row.th.get_text(" ", strip=True), [td.get_text(" ", strip=True) for td in row.find_all("td")])
        for row in soup.select("tbody tr")
    ]


def test_not_reported_only_where_no_article_reports_it():
    left, right = select("2018-tijuana", "all", None), select("2021-tapachula", "all", None)
    rows = _rows(left, right)
    for side, sel in enumerate((left, right)):
        facts = queries.facts(sel)
        figures = queries.figures(sel)
        for label, cells in rows:
            other = cells[1 - side]
            if cells[side] != "not reported":
                continue
            # whatever the other side's cell holds, this incident has nothing of that kind
            topics = {t for t, v in zip(facts["topic"], facts["value"], strict=True)}
            other_facts = queries.facts((left, right)[1 - side])
            row_topics = {t for t, v in zip(other_facts["topic"], other_facts["value"], strict=True) if v in other}
            assert not row_topics & topics, (label, side)
            other_figures = queries.figures((left, right)[1 - side])
            row_metrics = {
                m for m, w in zip(other_figures["metric"], other_figures["as_printed"], strict=True) if w in other
            }
            groups = {g for g, ms in queries.compare_groups().items() if row_metrics & set(ms)}
            mine = {g for g, ms in queries.compare_groups().items() if set(figures["metric"]) & set(ms)}
            assert not groups & mine, (label, side)
    banners = dict(rows)["Banners and flags they carried"]
    assert "pro-immigration banners" in banners[0] and "flag-waving" in banners[0]  # C5


def test_us_response_row_says_when_the_article_reports_none():
    rows = dict(_rows(select("2018-tijuana", "all", None), select("2021-tapachula", "all", None)))
    response = rows["US government response"]
    assert response[1].startswith("The article reports no US government response to this incident.")
    assert "Background" in response[1] and "August 2021" in response[1]
    assert (
        "US troops (on the US side of the border)" in rows and "Police and security lines on the Mexican side" in rows
    )


def test_fiscal_year_beside_the_articles_figure_is_the_one_they_mean():
    rows = dict(_rows(select("2018-tijuana", "all", None), select("2021-tapachula", "all", None)))
    border = next(cells for label, cells in rows.items() if label.startswith("CBP encounters along the whole"))
    assert "fiscal year 2021, the year that had just ended: 1,734,686, 61% of them Title 42 expulsions" in border[1]
    assert "2,378,944" not in border[1]  # FY2022 counts months after the incident (M6)


def test_comparison_text_says_almost_three_years_and_border_wide():
    text = comparison.comparison_text(select("2018-tijuana", "all", None), select("2021-tapachula", "all", None))
    assert "almost three years apart" in text and "3 years apart" not in text
    assert "border-wide totals, not counts of either caravan" in text
    assert "about 3,200 km apart in a straight line" in text
    # m6; review 8, m11: the article says only that the group set out from Tapachula
    assert (
        "In that month the 2021 group set out from Tapachula, near the Guatemala border: it was not at the US border"
        in " ".join(text.split())
    )


def _comparisons() -> list[tuple[str, str]]:
    return [(p.parameters["left"], p.parameters["right"]) for p in sections.load().pages if "left" in p.parameters]


@pytest.mark.parametrize(("left", "right"), _comparisons())
def test_a_distance_on_the_comparison_page_says_between_which_places(left, right):
    """Review 2, M1: the data holds no line of the US border and no article names where a caravan meant to
    cross, so every distance the comparison gives is between the two incidents' places, named, and none is
    "from the US border"."""
    text = " ".join(comparison.comparison_text(select(left, "all", None), select(right, "all", None)).split())
    a, b = queries.incident(select(left))["place"], queries.incident(select(right))["place"]
    km = f"{round(queries.distance_km(a, b), -2):,.0f} km"
    assert "from the US border" not in text and "km from the" not in text
    for found in re.finditer(r"about ([\d,]+) km", text):
        assert found.group(0) == f"about {km}", found.group(0)
        window = text[max(0, found.start() - 120) : found.end() + 120]
        assert a in window and b in window, window


# ---------------------------------------------------------------- developer material (review 3, M4 and M5)
def _site_pages(site) -> dict[str, BeautifulSoup]:
    html = site / "_build" / "html"
    return {
        str(p.relative_to(html)): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
        for p in html.rglob("*.html")
        if "_static" not in p.parts
    }


@pytest.mark.build
def test_no_page_header_offers_the_source_but_reader_pages_keep_the_print_button(built_book, pages):
    for name, soup in _site_pages(built_book).items():
        hrefs = [a.get("href", "") for a in soup.select(".header-article a, .article-header-buttons a")]
        assert not [h for h in hrefs if "_sources" in h or h.endswith((".ipynb", ".md"))], (name, hrefs)
        assert not soup.select(".btn-download-notebook-button, .btn-download-source-button"), name
        assert not soup.select("script[type='text/x-thebe-config']"), name
        assert "binderOptions" not in str(soup) and "kernelName" not in str(soup), name
    for name, soup in pages.items():
        assert soup.select(".btn-download-pdf-button"), name


@pytest.mark.build
def test_no_page_speaks_of_the_build_a_licence_file_or_code_formatted_references(built_book):
    for name, soup in _site_pages(built_book).items():
        text = " ".join(soup.get_text(" ").split())
        for words in ("the build refuses", "LICENSE file", "as above", "caravan-book build", "caravan-book handout"):
            assert words not in text, (name, words)
    methods = _site_pages(built_book)["book/generated/methods.html"]
    heading = next(h for h in methods.select("h2") if h.get_text(" ", strip=True).startswith("Reference data"))
    references = heading.find_next("ul")
    assert references.select("li") and not references.select("code"), references
    text = " ".join(methods.get_text(" ").split())
    assert "Creative Commons Attribution 4.0" in text and "MIT licence" in text


@pytest.mark.build
def test_the_teachers_guide_speaks_to_a_teacher_on_the_website(built_book):
    """Review 3, M4: printing from the page, what prints, the student edition from the maintainer; no command
    line, no notebook download, no project folder; the key terms and one row per section stay."""
    guide = _site_pages(built_book)["book/generated/teachers-guide.html"].select_one("article.bd-article")
    for cite in guide.select("details.caravan-cite"):
        cite.decompose()  # "Cite this page": the BibTeX and CSL-JSON are code by nature
    text = " ".join(guide.get_text(" ").split())
    assert not guide.select("pre, code, a[href$='.ipynb'], a[href*='_downloads']"), guide.select("pre, code")
    assert not DEVELOPER_WORDS.findall(text), DEVELOPER_WORDS.findall(text)
    assert "Print" in text and ".pdf" in text and "folded" in text and "maintainer" in text
    book = sections.load()
    assert len(guide.select("table tbody tr")) == len(book.pages)
    for page in book.pages:
        row = next(r for r in guide.select("table tbody tr") if r.find("a", href=f"{page.page}.html"))
        for term in page.key_terms or book.notebooks[page.notebook].key_terms:
            assert term in row.get_text(" "), (page.page, term)
        has_exercises = bool(pages_soup(built_book, page.page).select("div.exercise"))
        assert ("no exercises" in row.get_text(" ")) is not has_exercises, page.page


def pages_soup(site, page: str) -> BeautifulSoup:
    return generated_pages(site)[page]


@pytest.mark.browser
def test_a_printed_page_keeps_its_solutions_folded_unless_opened(built_book, browser, tmp_path):
    """Review 3, M4: the teacher's guide says a printed page is a handout whose solutions print folded (their
    heading only) and that a solution opened on screen prints in full; the browser's own print does so."""
    import subprocess

    from tests.conftest import open_offline

    page_file = built_book / "_build" / "html" / "book" / "generated" / "numbers-2018-tijuana.html"
    context, page, errors, _ = open_offline(browser, page_file)
    try:
        solutions = page.locator(".solution")
        assert solutions.count() >= 2
        bodies = [
            " ".join(solutions.nth(i).locator("p").nth(1).inner_text().split())[:50] for i in range(solutions.count())
        ]
        page.emulate_media(media="print")
        folded = tmp_path / "folded.pdf"
        page.pdf(path=str(folded))
        solutions.nth(0).locator(".admonition-title").click()  # a teacher opens the first solution
        opened = tmp_path / "opened.pdf"
        page.pdf(path=str(opened))
    finally:
        context.close()

    def text(pdf):
        out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        return " ".join(out.split())

    folded_text, opened_text = text(folded), text(opened)
    assert "Solution to Exercise 1" in folded_text
    assert not [b for b in bodies if b and b in folded_text], bodies
    assert bodies[0] in opened_text and not [b for b in bodies[1:] if b and b in opened_text]
    assert not errors, errors


@pytest.mark.build
def test_exercises_stay_numbered_from_one_after_a_build_that_only_rewrites_the_pages(book_copy):
    """A changed HTML option makes Sphinx write every page without reading one: the book-wide numbers that
    Sphinx keeps must not come back (they did: the third page's exercises read 15, 16, 17)."""
    from tests.conftest import run_cli

    config = book_copy / "_config.yml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original.replace("names its source.", "names its source, always."), encoding="utf-8")
    done = run_cli("build", root=book_copy)
    assert done.returncode == 0, done.stderr
    for page, soup in generated_pages(book_copy).items():
        titles = [t.get_text(" ", strip=True) for t in soup.select("div.exercise p.admonition-title")]
        numbers = [int(m.group(1)) for t in titles if (m := re.match(r"Exercise\s+(\d+)", t))]
        assert numbers == list(range(1, len(numbers) + 1)), (page, titles)
    assert "names its source, always." in (book_copy / "_build" / "html" / "book" / "glossary.html").read_text()
