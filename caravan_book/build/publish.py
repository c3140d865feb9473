"""One section outside the book: an executed notebook, a standalone HTML page, or a PDF handout.

Every output is written to a temporary file beside its target and renamed into place only
when complete, so a failure never leaves a partial file behind.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
from markdown_it import MarkdownIt

from caravan_book import settings
from caravan_book.atomic import atomic_path
from caravan_book.build.execution import failure_message, run_notebook
from caravan_book.build.sections import Page
from caravan_book.errors import PublishError
from caravan_book.settings import NOTEBOOKS_DIR, STATIC_DIR

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
    if "text/html" in data:
        return data["text/html"]
    if "text/markdown" in data:
        return _MARKDOWN.render(data["text/markdown"])
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


def to_html(notebook: nbformat.NotebookNode, *, subtitle: str) -> str:
    """A self-contained page of the notebook's prose and outputs, without code.

    Charts are inline SVG (drawn when the notebook ran), so the page needs no script at all.
    The print rules (``@page`` margins here, breaks in ``caravan.css``) keep a handout's charts on
    the page with their captions and start no page with a lone heading.
    """
    body = []
    for cell in notebook.cells:
        tags = set(cell.metadata.get("tags", []))
        if "remove-cell" in tags:
            continue
        if cell.cell_type == "markdown":
            body.append(_MARKDOWN.render(cell.source))
        elif cell.cell_type == "code":
            body.extend(
                _output_html(o)
                for o in cell.get("outputs", [])
                if o.get("output_type") in ("display_data", "execute_result")
            )
    css = "\n".join((STATIC_DIR / name).read_text(encoding="utf-8") for name in ("standalone.css", "caravan.css"))
    title = html.escape(title_of(notebook))
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}: {html.escape(subtitle)}</title>\n"
        f"<style>\n{css}\n</style>\n</head>\n<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


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


def run_section(page: Page, out: Path) -> Path:
    """Run a section to ``out``: .ipynb (executed notebook) or .html (standalone page)."""
    suffix = out.suffix.lower()
    if suffix not in (".ipynb", ".html"):
        raise PublishError(f"output {out} must end in .ipynb (executed notebook) or .html (standalone page)")
    notebook = execute(page.notebook, page.parameters, medium="web" if suffix == ".ipynb" else "page")
    with atomic_path(out) as tmp:
        if suffix == ".ipynb":
            nbformat.write(notebook, str(tmp))
        else:
            tmp.write_text(to_html(notebook, subtitle=page.describe_parameters()), encoding="utf-8")
    return out


def handout(page: Page, pdf: Path) -> Path:
    """A print-ready PDF of one section: prose, static charts, questions; no code, no solutions."""
    if pdf.suffix.lower() != ".pdf":
        raise PublishError(f"handout output {pdf} must end in .pdf")
    notebook = execute(page.notebook, page.parameters, medium="print")
    with tempfile.TemporaryDirectory() as work:
        page_file = Path(work) / "handout.html"
        page_file.write_text(to_html(notebook, subtitle=page.describe_parameters()), encoding="utf-8")
        with atomic_path(pdf) as tmp:
            print_pdf(page_file, tmp)
    return pdf
