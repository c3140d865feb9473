"""One section outside the book: an executed notebook, a standalone HTML page, or a PDF handout.

Every output is written to a temporary file beside its target and renamed into place only
when complete, so a failure never leaves a partial file behind.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
from markdown_it import MarkdownIt
from markupsafe import Markup

from caravan_book import settings
from caravan_book.atomic import atomic_path
from caravan_book.build.execution import failure_message, run_notebook
from caravan_book.build.sections import Page
from caravan_book.errors import PublishError
from caravan_book.settings import NOTEBOOKS_DIR, STATIC_DIR
from caravan_book.story import figures as render
from caravan_book.story.templates import TEMPLATES_DIR
from caravan_book.story.templates import render as render_template

CHROMIUM = str(settings.chromium())
#: Headless chromium on a machine with no network: no sandbox (root), no GPU, and none of the background
#: connections it would otherwise try (and fail) at every start. Handouts and the tests use the same.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table")


def execute(notebook: str, parameters: dict, medium: str = "web") -> nbformat.NotebookNode:
    """Run a section with papermill and return the executed notebook (raises a readable error)."""
    from papermill.exceptions import PapermillExecutionError

    source = NOTEBOOKS_DIR / f"{notebook}.ipynb"
    with tempfile.TemporaryDirectory() as work, settings.output_medium(medium):
        try:
            return run_notebook(source, Path(work) / source.name, parameters)
        except PapermillExecutionError as error:
            raise PublishError(failure_message(source.name, parameters, error)) from None


def _output_html(output) -> str:
    data = output.get("data", {})
    figure = render.output_html(data, output.get("metadata", {}))
    if figure is not None:
        return figure
    if "text/html" in data:
        return data["text/html"]
    if "text/markdown" in data:
        return _MARKDOWN.render(_plain_roles(data["text/markdown"]))
    if "text/plain" in data:
        return f"<pre>{html.escape(data['text/plain'])}</pre>"
    return ""


def title_of(notebook: nbformat.NotebookNode) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "Section"


_ROLE = re.compile(r"\{(?:term|doc|ref)\}`([^`<]*?)\s*(?:<[^`>]*>)?`")


def _plain_roles(markdown: str) -> str:
    """MyST roles the site links (``{term}`encounters <encounter>``` ) as their plain words, outside the site."""
    return _ROLE.sub(lambda m: m.group(1), markdown)


def _body(notebook: nbformat.NotebookNode) -> list[str]:
    """The HTML of a notebook's prose and outputs, without code, cell by cell."""
    body = []
    for cell in notebook.cells:
        tags = set(cell.metadata.get("tags", []))
        if "remove-cell" in tags or "caravan-install" in tags:
            continue
        if cell.cell_type == "markdown":
            body.append(_MARKDOWN.render(_plain_roles(cell.source)))
        elif cell.cell_type == "code":
            body.extend(
                _output_html(o)
                for o in cell.get("outputs", [])
                if o.get("output_type") in ("display_data", "execute_result")
            )
    return body


def to_html(notebook: nbformat.NotebookNode, *, subtitle: str) -> str:
    """A self-contained page of the notebook's prose and outputs, without code.

    Charts are inline SVG (drawn when the notebook ran), so the page needs no script at all.
    The print rules (``@page`` margins here, breaks in ``caravan.css``) keep a handout's charts on
    the page with their captions and start no page with a lone heading.
    """
    return render_template(
        "handouts/standalone.html.j2",
        title=Markup(html.escape(title_of(notebook))),
        subtitle=Markup(html.escape(subtitle)),
        css=Markup(_css()),
        body=Markup("\n".join(_body(notebook))),
    )


def _css() -> str:
    return "\n".join((STATIC_DIR / name).read_text(encoding="utf-8") for name in ("standalone.css", "caravan.css"))


def print_pdf(html_file: Path, pdf_file: Path) -> None:
    """Print an HTML file to PDF with headless Debian chromium."""
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        raise PublishError(
            f"chromium is needed to print a PDF and was not found at {CHROMIUM} (apt-get install chromium)"
        )
    with tempfile.TemporaryDirectory() as profile:
        command = [
            CHROMIUM,
            "--headless",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=10000",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_file}",
            html_file.resolve().as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not pdf_file.is_file() or pdf_file.stat().st_size == 0:
        raise PublishError(f"chromium could not print the PDF (exit {done.returncode}): {done.stderr[-500:]}")
    _check_pdf(pdf_file)


def _check_pdf(pdf_file: Path) -> None:
    """What chromium wrote is a whole PDF (header, trailer, and pdfinfo reads it), or PublishError: a full disk
    leaves a truncated file and chromium may still exit 0."""
    data = pdf_file.read_bytes()
    whole = data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    if whole and shutil.which("pdfinfo"):
        whole = subprocess.run(["pdfinfo", str(pdf_file)], capture_output=True, timeout=60).returncode == 0
    if not whole:
        raise PublishError(
            f"chromium wrote an incomplete PDF ({len(data)} bytes; is the disk full?); no handout was written"
        )


def run_section(page: Page, out: Path) -> Path:
    """Run a section to ``out``: .ipynb (executed notebook) or .html (standalone page)."""
    suffix = out.suffix.lower()
    if suffix not in (".ipynb", ".html"):
        raise PublishError(f"output {out} must end in .ipynb (executed notebook) or .html (standalone page)")
    notebook = execute(page.notebook, page.parameters, medium=section_medium(out))
    return write_section(page, notebook, out)


def section_medium(out: Path) -> str:
    """The medium a section is run for: the site's for an executed notebook, a standalone page's for HTML."""
    return "web" if out.suffix.lower() == ".ipynb" else "page"


def write_section(page: Page, notebook: nbformat.NotebookNode, out: Path) -> Path:
    """An executed section to ``out`` (.ipynb or .html), whole or not at all."""
    suffix = out.suffix.lower()
    with atomic_path(out) as tmp:
        if suffix == ".ipynb":
            nbformat.write(notebook, str(tmp))
        else:
            tmp.write_text(to_html(notebook, subtitle=page.describe_parameters()), encoding="utf-8")
    return out


#: A printed list or table longer than this is cut to its first ``KEEP`` items, with a line pointing to the web page.
LONG_LIST, KEEP_ITEMS = 7, 5
LONG_TABLE, KEEP_ROWS = 9, 6
#: Characters of text a printed section keeps (about half an A4 page at 10 pt); the rest of a longer section
#: is left to the web page. Charts and questions are always kept.
SECTION_TEXT = 2200
#: Lines left under each question of a student's handout for the answer.
ANSWER_LINES = 4


def handout_words() -> dict:
    import yaml

    return yaml.safe_load((TEMPLATES_DIR / "handouts" / "words.yml").read_text(encoding="utf-8"))


def _replace_web_words(soup, words: dict) -> None:
    for node in soup.find_all(string=True):
        text = str(node)
        new = text
        for web, paper in words["web_only"].items():
            new = new.replace(web, paper)
        if new != text:
            node.replace_with(new)


def _note(soup, text: str, tag: str = "p"):
    note = soup.new_tag(tag, attrs={"class": "caravan-online"})
    note.string = text
    return note


def for_paper(body: str, *, teacher: bool, words: dict) -> str:
    """A page's HTML made for paper: no chart data tables, long lists and tables cut short with a pointer
    to the web page, other expandable boxes named but left to the web page, room under each question
    (or, in a teacher's copy, its solution), and no instruction that only works on a screen."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    for data in soup.select("details.caravan-chart-data"):
        data.decompose()
    for solution in soup.select("details.caravan-solution"):
        if teacher:
            solution["open"] = ""
            continue
        answer = soup.new_tag("div", attrs={"class": "caravan-answer"})
        answer.string = words["answer_label"]
        for _ in range(ANSWER_LINES):
            answer.append(soup.new_tag("span", attrs={"class": "caravan-answer-line"}))
        solution.replace_with(answer)
    for box in soup.find_all("details"):
        if "caravan-solution" in (box.get("class") or []):
            continue
        summary = box.find("summary")
        title = summary.get_text(" ", strip=True) if summary else ""
        box.replace_with(_note(soup, words["on_the_web"].format(title=title)))
    for listing in soup.find_all(["ul", "ol"]):
        if listing.find_parent(["ul", "ol"]) is not None:
            continue
        items = listing.find_all("li", recursive=False)
        if len(items) > LONG_LIST:
            for item in items[KEEP_ITEMS:]:
                item.decompose()
            listing.insert_after(_note(soup, words["more_items"].format(n=len(items) - KEEP_ITEMS)))
    for table in soup.find_all("table"):
        rows = [row for body in table.find_all("tbody") for row in body.find_all("tr", recursive=False)]
        if len(rows) > LONG_TABLE:
            for row in rows[KEEP_ROWS:]:
                row.decompose()
            table.insert_after(_note(soup, words["more_rows"].format(n=len(rows) - KEEP_ROWS)))
    _shorten_sections(soup, words)
    _replace_web_words(soup, words)
    return str(soup)


def _shorten_sections(soup, words: dict) -> None:
    """Cut each long section (from one h2 to the next) after ``SECTION_TEXT`` characters of text, keeping
    its charts; a section with questions is kept whole."""
    blocks = [node for node in soup.contents if getattr(node, "name", None)]
    sections: list[list] = [[]]
    for node in blocks:
        if node.name in ("h1", "h2"):
            sections.append([])
        sections[-1].append(node)
    for section in sections:
        if any(node.select(".caravan-answer") or node.select("details.caravan-solution") for node in section):
            continue
        used, cut = 0, 0
        for node in section:
            if node.name in ("h1", "h2", "h3") or node.name == "figure" or node.select("figure"):
                continue
            if used > SECTION_TEXT:
                node.decompose()
                cut += 1
                continue
            used += len(node.get_text(" ", strip=True))
        if cut:
            last = [node for node in section if not node.decomposed][-1]
            last.insert_after(_note(soup, words["more_section"]))


def _css_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def paper_page(sections: list[tuple[nbformat.NotebookNode, str]], *, title: str, book: str, teacher: bool) -> str:
    """One printable HTML page of one or more executed sections, each with its web address: the book's
    title at the top of every sheet, the section's address and the page number at the bottom, a name and
    date line at the start."""
    words = handout_words()
    parts = [Markup(for_paper("\n".join(_body(notebook)), teacher=teacher, words=words)) for notebook, _ in sections]
    return render_template(
        "handouts/handout.html.j2",
        title=Markup(html.escape(title)),
        css=Markup(_css()),
        book=Markup(_css_text(book)),
        addresses=[Markup(_css_text(address)) for _, address in sections],
        sections=parts,
        teacher=teacher,
    )


def page_address(page: Page) -> str:
    """The web address of a section's page: the book's ``html.baseurl`` (in _config.yml) and its path."""
    from caravan_book.build.book import read_config

    base = str((read_config().get("html") or {}).get("baseurl") or "").rstrip("/")
    path = f"book/generated/{page.page}.html"
    return f"{base}/{path}" if base else path


def handout(page: Page | list[Page], pdf: Path, *, teacher: bool = False, title: str | None = None) -> Path:
    """A print-ready PDF of one section, or of several (a custom book): prose, static charts, questions with
    room to answer; no code. A teacher's copy (``teacher``) holds the solutions instead of the answer lines."""
    from caravan_book.build.book import read_config

    if pdf.suffix.lower() != ".pdf":
        raise PublishError(f"handout output {pdf} must end in .pdf")
    pages = page if isinstance(page, list) else [page]
    executed = [(execute(p.notebook, p.parameters, medium="page"), page_address(p)) for p in pages]
    book = str(read_config().get("title") or "")
    name = title or title_of(executed[0][0])
    with tempfile.TemporaryDirectory() as work:
        page_file = Path(work) / "handout.html"
        page_file.write_text(paper_page(executed, title=name, book=book, teacher=teacher), encoding="utf-8")
        with atomic_path(pdf) as tmp:
            print_pdf(page_file, tmp)
    return pdf
