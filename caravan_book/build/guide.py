"""The teacher's guide page: for each section its goals, reading time (counted from the executed page), key
terms and whether it ends with exercises. The guide speaks to a teacher using the website (printing a handout
from the page); the command line and the notebooks are in the README. The fixed prose is the template
``book/templates/teachers-guide.md.j2``; this module only gathers the values.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
from markupsafe import Markup

from caravan_book import atomic
from caravan_book.build import sections
from caravan_book.build.filememo import FileMemo
from caravan_book.story import templates
from caravan_book.story.escape import md

TEACHERS_GUIDE = "teachers-guide"
TEMPLATE = "teachers-guide.md.j2"

_EXERCISE = re.compile(r"^\s*[`:]{3,}\{exercise\}", re.M)
_COLLAPSED = re.compile(r"^:::\{dropdown\}.*?^:::$", re.M | re.S)


_READ: FileMemo[Any] = FileMemo()


def _read(path: Path) -> Any:
    """The executed page, read again only when its file changed (the preview renders the guide after every
    edit, and reading all the pages was most of that)."""
    return _READ.get(path, lambda p: nbformat.read(p, as_version=4))


def has_exercises(path: Path) -> bool:
    """Whether the executed page holds an exercise (sphinx-exercise's directive in its Markdown)."""
    notebook = _read(path)
    texts = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    texts += [o.get("data", {}).get("text/markdown", "") for cell in notebook.cells for o in cell.get("outputs", [])]
    return any(_EXERCISE.search(text) for text in texts)


def words_in(path: Path) -> int:
    """Words a reader reads on the page: prose and text outputs, not sections left closed."""
    notebook = _read(path)
    words = 0
    for cell in notebook.cells:
        if "remove-cell" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "markdown":
            words += len(cell.source.split())
        for output in cell.get("outputs", []):
            words += len(_COLLAPSED.sub("", output.get("data", {}).get("text/markdown", "")).split())
    return words


def render(book: sections.Sections, pages: list[sections.Page], out_dir: Path, config: dict) -> str:
    """Write ``out_dir/teachers-guide.md`` (only if it changed) and return its text."""
    from caravan_book.story.display import reading_minutes  # pandas: not imported before the build's kernels start

    rows = []
    for page in pages:
        info = book.notebooks[page.notebook]
        terms = page.key_terms or tuple(info.key_terms)
        rows.append(
            {
                "page": Markup(page.page),
                "title": sections.page_title(book, page),
                "goals": info.goals,
                "minutes": reading_minutes(words_in(out_dir / f"{page.page}.ipynb")),
                "terms": Markup(", ".join(f"{{term}}`{md(term)}`" for term in terms)),
                "exercises": has_exercises(out_dir / f"{page.page}.ipynb"),
            }
        )
    text = templates.render(TEMPLATE, rows=rows)
    atomic.write_if_changed(out_dir / f"{TEACHERS_GUIDE}.md", text)
    return text
