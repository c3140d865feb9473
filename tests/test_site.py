"""A real build of the book (papermill + Jupyter Book) into a copy of the project."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from conftest import SEEDS, edit_csv, run_cli

from caravan_book.build import sections
from caravan_book.data import queries, tables
from caravan_book.data import selection as params
from caravan_book.data.schemas import EXCERPT_TABLES


def expected_charts(notebook: str, parameters: dict) -> int:
    """How many charts a page draws, from what its notebook charts and what the data holds for its
    parameters (a chart with no rows is a sentence, and the numbers page draws its disagreement
    chart only when sources differ), so that a new story in sections.yml and the data needs no edit here."""
    if notebook == "methods":
        return 0
    if notebook == "comparison":
        return 1  # the months around both incidents, from the reference series
    sel = params.select(**parameters)
    if notebook == "narrative":
        return int(not queries.timeline(sel).empty) + int(not queries.places(sel).empty)
    if notebook == "numbers":  # the disagreements, then the monthly and yearly reference series
        return int(not queries.disagreements(sel).empty) + 2
    if notebook == "responses":
        return int(not queries.statements_by_institution(sel).empty)
    raise AssertionError(f"a new notebook {notebook!r}: say here how many charts its pages draw")


CHARTS_PER_PAGE = {page.page: expected_charts(page.notebook, page.parameters) for page in sections.load().pages}


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_page_exists_with_its_charts(built_book):
    generated = built_book / "_build" / "html" / "book" / "generated"
    for page in sections.load().pages:
        html = generated / f"{page.page}.html"
        assert html.is_file(), page.page
        soup = soup_of(html)
        figures = soup.select("figure.caravan-figure")
        assert len(figures) == CHARTS_PER_PAGE[page.page], page.page
        for figure in figures:
            assert figure.select_one("figcaption").get_text(strip=True).startswith(("Source", "Places"))
            assert figure.select_one(".caravan-chart")["aria-label"]
            assert figure.select_one("details.caravan-chart-data table")
            assert figure.select_one("a[download][href^='data:text/csv']")


def test_pages_state_parameters_and_show_no_code(built_book):
    page = built_book / "_build" / "html" / "book" / "generated" / "numbers-2021-tapachula.html"
    soup = soup_of(page)
    assert soup.select_one(".caravan-params") is None  # the book's own parameters: no line (review 2, M6)
    assert "This page tells" not in soup.get_text() and "everything published" not in soup.get_text()
    text = soup.get_text()
    assert "notebook.start(" not in text  # the setup cell is removed
    assert 'incident = "2021-tapachula"' not in text  # the injected parameters are removed
    assert not soup.select("details.hide-input, .toggle-hidden, .tag_hide-input, .cell_input")  # no code at all


def test_executed_notebooks_keep_parameters_and_tags(built_book):
    notebook = nbformat.read(built_book / "book" / "generated" / "narrative-2021-tapachula.ipynb", as_version=4)
    injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "remove-cell" in injected[0].metadata["tags"]
    assert '"2021-tapachula"' in injected[0].source


def test_internal_links_and_anchors_resolve(built_book):
    site = built_book / "_build" / "html"
    broken = []
    ids_cache: dict[Path, set] = {}
    for page in html_pages(site):
        for a in soup_of(page).select("a[href]"):
            href = a["href"]
            if href.startswith(("http:", "https:", "mailto:", "data:", "javascript:")) or href == "#":
                continue
            path, _, fragment = href.partition("#")
            target = (page.parent / urllib.parse.unquote(path.split("?")[0])).resolve() if path else page
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
                continue
            if fragment and target.suffix == ".html":
                if target not in ids_cache:
                    ids_cache[target] = {t["id"] for t in soup_of(target).select("[id]")}
                if urllib.parse.unquote(fragment) not in ids_cache[target]:
                    broken.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_no_remote_address_in_script_link_or_img(built_book):
    site = built_book / "_build" / "html"
    remote = re.compile(r"https?://", re.I)
    found = []
    for page in html_pages(site):
        soup = soup_of(page)
        for tag in soup.select("script, link, img, iframe, source"):
            for attr in ("src", "href"):
                if tag.get(attr) and remote.search(tag[attr]):
                    found.append(f"{page.name}: <{tag.name} {attr}={tag[attr]}>")
            # JSON-LD is data a machine reads (the page's address, its sources), not a script a browser runs
            data_block = tag.get("type") == "application/ld+json"
            if tag.name == "script" and not data_block and tag.string and remote.search(tag.string):
                found.append(f"{page.name}: inline script mentions {remote.search(tag.string).group(0)}…")
    assert not found, "\n".join(found[:20])


def test_teachers_guide_lists_every_section_with_reading_time(built_book):
    guide = soup_of(built_book / "_build" / "html" / "book" / "generated" / "teachers-guide.html")
    rows = guide.select("table tbody tr")
    assert len(rows) == len(sections.load().pages)
    text = guide.get_text()
    assert re.search(r"about \d+ min", text)
    # the commands are in the README (review 3, M4)
    assert not re.search(r"caravan-book (?:build|run|handout|list)", text)


def test_exercises_have_solutions_in_toggles(built_book):
    soup = soup_of(built_book / "_build" / "html" / "book" / "generated" / "numbers-2018-tijuana.html")
    assert len(soup.select(".exercise")) >= 2
    assert soup.select(".solution.dropdown") or soup.select("details .solution, .solution .dropdown")


def test_warm_rebuild_runs_nothing(book_copy):
    done = run_cli("build", root=book_copy)
    assert done.returncode == 0, done.stderr
    assert "0 notebook(s) run" in done.stdout
    assert "site is up to date" in done.stderr


def test_changed_data_row_reruns_only_pages_using_that_table(book_copy):
    # every page reads figures.csv now (each news lead gives a number's other versions); the numbers pages do not
    # read statements.csv
    statements = book_copy / "data" / "statements.csv"
    original = statements.read_bytes()
    try:
        edit_csv(statements, 0, "date_note", "A note changed by a test.")
        done = run_cli("build", root=book_copy)
        assert done.returncode == 0, done.stderr
        ran = set(re.findall(r"\] (\S+): done", done.stderr))
        assert {"responses-2018-tijuana", "responses-2021-tapachula", "narrative-2018-tijuana", "comparison"} <= ran
        assert not ran & {"numbers-2018-tijuana", "numbers-2021-tapachula"}
    finally:
        statements.write_bytes(original)


def test_notebook_error_fails_the_build_and_keeps_the_last_site(book_copy):
    site = book_copy / "_build" / "html"
    index = (site / "index.html").read_bytes()
    page = site / "book" / "generated" / "responses-2018-tijuana.html"
    before = page.read_bytes()
    source = book_copy / "notebooks" / "responses.ipynb"
    original = source.read_bytes()
    try:
        notebook = nbformat.reads(original.decode(), as_version=4)
        notebook.cells.insert(4, nbformat.v4.new_code_cell("raise RuntimeError('a deliberate failure')", id="boom"))
        nbformat.write(notebook, source)
        done = run_cli("build", root=book_copy)
        assert done.returncode == 1
        message = done.stderr
        assert (
            "responses.ipynb (page responses-2018-tijuana; parameters: incident=2018-tijuana) "
            "failed in cell 4 (counting from 0)" in message
        )
        assert "RuntimeError: a deliberate failure" in message
        assert "the previous site is left in place" in message
        assert "Traceback" not in message
        assert (site / "index.html").read_bytes() == index
        assert page.read_bytes() == before
        assert (book_copy / "book" / "generated" / "responses-2018-tijuana.ipynb").is_file()
    finally:
        source.write_bytes(original)


def test_methods_page_says_how_this_build_verified_the_excerpts(built_book):
    text = " ".join(
        soup_of(built_book / "_build" / "html" / "book" / "generated" / "methods.html").get_text(" ").split()
    )
    articles = len(tables.load("sources", built_book / "data"))
    excerpts = sum(len(tables.load(name, built_book / "data")) for name in EXCERPT_TABLES)
    if SEEDS.is_dir():
        expected = (
            f"every excerpt in the data ({excerpts} excerpts) was compared with its article ({articles} articles)"
        )
    else:
        expected = f"every excerpt in the data ({excerpts} excerpts) was verified against the excerpt ledger"
    assert expected in text


def test_downloaded_notebook_has_one_image_output_per_chart(built_book):
    """A notebook as a reader downloads it (book/generated/*.ipynb): each chart is one output holding one SVG
    drawing and its PNG copy (which JupyterLab shows in a notebook it does not trust), no HTML drawing; its
    first cell says how to install the package to run it outside the project."""
    for page in sections.load().pages:
        notebook = nbformat.read(built_book / "book" / "generated" / f"{page.page}.ipynb", as_version=4)
        images = [
            output
            for cell in notebook.cells
            if cell.cell_type == "code"
            for output in cell.get("outputs", [])
            if any(kind.startswith("image/") for kind in output.get("data", {}))
        ]
        assert len(images) == CHARTS_PER_PAGE[page.page], page.page
        for output in images:
            assert set(output["data"]) == {"image/svg+xml", "image/png", "text/plain"}, page.page
        html_outputs = [
            output["data"]["text/html"]
            for cell in notebook.cells
            for output in cell.get("outputs", [])
            if "text/html" in output.get("data", {})
        ]
        assert not any("<svg" in text for text in html_outputs), page.page
        first = notebook.cells[0]
        assert first.cell_type == "markdown" and "pip install" in first.source, page.page
        assert "remove-cell" in first.metadata.get("tags", [])  # not on the book's page
