"""The teacher's guide page: for each section its goals, reading time (counted from the executed page),
key terms, notebook and handout command. The fixed prose is the template ``book/templates/teachers-guide.md.j2``;
this module only gathers the values.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from markupsafe import Markup

from caravan_book import atomic
from caravan_book.build import sections
from caravan_book.story import templates
from caravan_book.story.display import md, reading_minutes

TEACHERS_GUIDE = "teachers-guide"
TEMPLATE = "teachers-guide.md.j2"
#: The placeholder address the project started with; no link is made to it.
PLACEHOLDER_REPOSITORY = "https://github.com/caravan-book/caravan-book"

_COLLAPSED = re.compile(r"^:::\{dropdown\}.*?^:::$", re.M | re.S)


def words_in(path: Path) -> int:
    """Words a reader reads on the page: prose and text outputs, not sections left closed."""
    notebook = nbformat.read(path, as_version=4)
    words = 0
    for cell in notebook.cells:
        if "remove-cell" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "markdown":
            words += len(cell.source.split())
        for output in cell.get("outputs", []):
            words += len(_COLLAPSED.sub("", output.get("data", {}).get("text/markdown", "")).split())
    return words


def repository(config: dict) -> tuple[str, str] | None:
    """The project's public GitHub repository (owner/name, branch) from _config.yml, or None while unset."""
    repo = config.get("repository") or {}
    url = str(repo.get("url") or "").rstrip("/")
    if "github.com/" not in url or url == PLACEHOLDER_REPOSITORY:
        return None
    return url.split("github.com/", 1)[1], str(repo.get("branch") or "main")


def online_links(config: dict) -> str:
    """Binder and Colab links to the source notebooks folder in the repository (files that exist there)."""
    found = repository(config)
    if found is None:
        return ""
    slug, branch = found
    launch = config.get("launch_buttons") or {}
    links = []
    if launch.get("binderhub_url"):
        links.append(f"[Binder]({launch['binderhub_url'].rstrip('/')}/v2/gh/{slug}/{branch}?labpath=notebooks)")
    if launch.get("colab_url"):
        links.append(f"[Colab]({launch['colab_url'].rstrip('/')}/github/{slug}/blob/{branch}/notebooks)")
    return " · ".join(links)


def render(book: sections.Sections, pages: list[sections.Page], out_dir: Path, config: dict) -> str:
    """Write ``out_dir/teachers-guide.md`` (only if it changed) and return its text."""
    rows = []
    for page in pages:
        info = book.notebooks[page.notebook]
        terms = page.key_terms or tuple(info.key_terms)
        rows.append(
            {
                "page": Markup(page.page),
                "notebook": page.notebook,
                "title": sections.page_title(book, page),
                "options": "".join(f" -p {k} {v}" for k, v in page.parameters.items()),
                "goals": info.goals,
                "minutes": reading_minutes(words_in(out_dir / f"{page.page}.ipynb")),
                "terms": Markup(", ".join(f"{{term}}`{md(term)}`" for term in terms)),
                "notebook_cell": Markup(f"{{download}}`Download the executed notebook <{page.page}.ipynb>`"),
            }
        )
    text = templates.render(TEMPLATE, rows=rows, online=Markup(online_links(config)))
    atomic.write_if_changed(out_dir / f"{TEACHERS_GUIDE}.md", text)
    return text
