"""Books other than the published one: a teacher's custom book from a YAML file, and student
editions (solutions left out). Each gets its own source folder and output folder, so it never
touches the published book.

A custom book file looks like::

    title: Caravans, for period 3
    pages:
      - notebook: narrative
        parameters: {incident: 2021-tapachula}
      - notebook: comparison
    include: [glossary, methods]      # optional extra pages
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from caravan_book import sections
from caravan_book.build import TEACHERS_GUIDE, Edition, read_config, write_if_changed
from caravan_book.errors import ParameterError
from caravan_book.paths import BOOK_DIR, REPO_ROOT

EXTRA_PAGES = ("glossary", "methods")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read_custom(path: Path) -> dict:
    """Read and check a custom book file; ParameterError (exit 2) names what is wrong."""
    if not path.is_file():
        raise ParameterError(f"custom book file {path} does not exist")
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ParameterError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("pages"), list) or not spec["pages"]:
        raise ParameterError(f"{path} must have a non-empty 'pages' list of {{notebook, parameters}} entries")
    unknown_keys = set(spec) - {"title", "pages", "include"}
    if unknown_keys:
        raise ParameterError(f"{path}: unknown key(s) {', '.join(sorted(unknown_keys))}; allowed: title, pages, include")
    include = spec.get("include") or []
    bad = [i for i in include if i not in EXTRA_PAGES]
    if bad:
        raise ParameterError(f"{path}: cannot include {', '.join(bad)}; choose from: {', '.join(EXTRA_PAGES)}")
    return spec


def custom_pages(spec: dict, source: Path) -> list[sections.Page]:
    pages: list[sections.Page] = []
    seen: set[str] = set()
    known = sections.load().notebook_names()
    for number, entry in enumerate(spec["pages"], 1):
        if not isinstance(entry, dict) or "notebook" not in entry:
            raise ParameterError(f"{source}: page {number} needs a 'notebook' (one of: {', '.join(known)})")
        notebook = entry["notebook"]
        if notebook not in known:
            raise ParameterError(f"{source}: page {number}: unknown section {notebook!r}; choose one of: {', '.join(known)}")
        given = entry.get("parameters") or {}
        try:
            values = sections.validate(notebook, given)
        except ParameterError as error:
            raise ParameterError(f"{source}: page {number} ({notebook}): {error}") from None
        name = _slug("-".join([notebook, *map(str, values.values())])) or notebook
        while name in seen:
            name += "-x"
        seen.add(name)
        pages.append(sections.Page(name, notebook, values))
    return pages


def _index_page(title: str, pages: list[sections.Page], extras: list[str], student: bool) -> str:
    meta = sections.load().notebooks
    lines = [f"# {title}", "", "This edition of the caravan explainer book holds these sections:", ""]
    for page in pages:
        lines.append(f"- {{doc}}`{meta[page.notebook]['title']} ({page.describe_parameters()}) <generated/{page.page}>`")
    for extra in extras:
        lines.append(f"- {{doc}}`{'Glossary' if extra == 'glossary' else 'Sources and methods'} <{'glossary' if extra == 'glossary' else 'generated/methods'}>`")
    if not student:
        lines.append(f"- {{doc}}`Teacher's guide <generated/{TEACHERS_GUIDE}>`")
    lines += ["", "Every number and quotation comes from the project's data files, each with its source."]
    if student:
        lines += ["", "This is the student edition: the exercises are here, their solutions are not."]
    return "\n".join(lines) + "\n"


def prepare(pages: list[sections.Page], out: Path, *, title: str, extras: list[str], student: bool) -> Edition:
    """Write a book source folder under ``out/source`` and return the edition to build."""
    root = out / "source"
    book = root / "book"
    (book / "generated").mkdir(parents=True, exist_ok=True)
    static = book / "_static"
    shutil.copytree(BOOK_DIR / "_static", static, dirs_exist_ok=True)
    shutil.copy2(BOOK_DIR / "glossary.md", book / "glossary.md")
    if "methods" in extras and not any(p.notebook == "methods" for p in pages):
        pages = pages + [sections.Page("methods", "methods", {})]
    config = read_config(REPO_ROOT)
    config["title"] = title
    config["sphinx"]["config"]["hide_solutions"] = student
    write_if_changed(root / "_config.yml", yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    chapters = [{"file": f"book/generated/{p.page}"} for p in pages]
    chapters.append({"file": "book/glossary"})
    if not student:
        chapters.append({"file": f"book/generated/{TEACHERS_GUIDE}"})
    toc = {"format": "jb-book", "root": "book/index", "chapters": chapters}
    write_if_changed(root / "_toc.yml", yaml.safe_dump(toc, sort_keys=False))
    write_if_changed(book / "index.md", _index_page(title, [p for p in pages if p.notebook != "methods"], extras, student))
    return Edition(root, book / "generated", out / "html", pages)


def custom(path: Path, out: Path, *, student: bool) -> Edition:
    spec = read_custom(path)
    pages = custom_pages(spec, path)
    title = spec.get("title") or "Caravans at the border: a custom edition"
    extras = list(spec.get("include") or ["glossary"])
    return prepare(pages, out, title=title + (" (student edition)" if student else ""), extras=extras, student=student)


def student_edition(out: Path) -> Edition:
    """The whole published book without solutions."""
    pages = sections.load().pages
    return prepare(
        [p for p in pages if p.notebook != "methods"], out,
        title=read_config(REPO_ROOT)["title"] + " (student edition)", extras=["glossary", "methods"], student=True,
    )
