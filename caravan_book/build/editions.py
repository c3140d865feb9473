"""Books other than the published one: a teacher's custom book from a YAML file, and student editions
(no solutions anywhere: not on the pages, not in downloads, not in ``_sources``, not in the search index,
no teacher's guide). Each gets its own source folder and output folder, so it never touches the published
book.

A custom book file looks like::

    title: Caravans, for period 3
    pages:
      - notebook: narrative
        parameters: {incident: 2021-tapachula}
      - notebook: comparison
    include: [glossary, methods]      # optional extra pages
"""

from __future__ import annotations

from pathlib import Path

import yaml

from caravan_book import atomic
from caravan_book.build import config, sections
from caravan_book.build.book import Edition, read_config
from caravan_book.build.guide import TEACHERS_GUIDE
from caravan_book.errors import ConfigError, ParameterError
from caravan_book.settings import BOOK_DIR, REPO_ROOT
from caravan_book.text.slugs import slug

EXTRA_PAGES = {"glossary": "Glossary", "methods": "Sources and methods"}


def read_custom(path: Path) -> config.CustomBookFile:
    """Read and check a custom book file; ConfigError (exit 2) names the file, the key and what is allowed."""
    spec = config.read_yaml(path, config.CustomBookFile)
    bad = [name for name in spec.include if name not in EXTRA_PAGES]
    if bad:
        raise ConfigError(f"{path}: include: cannot include {', '.join(bad)}; choose from: {', '.join(EXTRA_PAGES)}")
    return spec


def custom_pages(spec: config.CustomBookFile, source: Path) -> list[sections.Page]:
    pages: list[sections.Page] = []
    seen: set[str] = set()
    known = sections.load().notebook_names()
    for number, entry in enumerate(spec.pages, 1):
        if entry.notebook not in known:
            raise ParameterError(
                f"{source}: page {number}: unknown section {entry.notebook!r}; choose one of: {', '.join(known)}"
            )
        try:
            values = sections.validate(entry.notebook, entry.parameters)
        except ParameterError as error:
            raise ParameterError(f"{source}: page {number} ({entry.notebook}): {error}") from None
        name = slug("-".join([entry.notebook, *map(str, values.values())])) or entry.notebook
        while name in seen:
            name += "-x"
        seen.add(name)
        pages.append(sections.Page(name, entry.notebook, values))
    return pages


def _index_page(
    title: str, book: sections.Sections, pages: list[sections.Page], extras: list[str], student: bool
) -> str:
    lines = [f"# {title}", "", "This edition of the caravan explainer book holds these sections:", ""]
    for page in pages:
        lines.append(f"- {{doc}}`{sections.page_title(book, page)} <generated/{page.page}>`")
    for extra in extras:
        target = "glossary" if extra == "glossary" else "generated/methods"
        lines.append(f"- {{doc}}`{EXTRA_PAGES[extra]} <{target}>`")
    if not student:
        lines.append(f"- {{doc}}`Teacher's guide <generated/{TEACHERS_GUIDE}>`")
    lines += ["", "Every number and quotation comes from the project's data files, each with its source."]
    if student:
        lines += ["", "This is the student edition: the exercises are here, their solutions are not."]
    return "\n".join(lines) + "\n"


def prepare(pages: list[sections.Page], out: Path, *, title: str, extras: list[str], student: bool) -> Edition:
    """Write a book source folder under ``out/source`` and return the edition to build."""
    book = sections.load()
    root = out / "source"
    book_dir = root / "book"
    (book_dir / "generated").mkdir(parents=True, exist_ok=True)
    atomic.copy_tree(BOOK_DIR / "_static", book_dir / "_static")
    atomic.copy_tree(BOOK_DIR / "templates", book_dir / "templates")
    atomic.copy_file(BOOK_DIR / "glossary.md", book_dir / "glossary.md", keep_times=True)
    if "methods" in extras and not any(p.notebook == "methods" for p in pages):
        pages = [*pages, sections.Page("methods", "methods", {})]
    settings = read_config(REPO_ROOT)
    settings["title"] = title
    sphinx_config = settings["sphinx"]["config"]
    sphinx_config["hide_solutions"] = student
    if student:
        # the executed notebooks hold the solutions' outputs: no download button, no copy in _sources
        settings.setdefault("html", {})["use_download_button"] = False
        sphinx_config["html_copy_source"] = False
    atomic.write_if_changed(root / "_config.yml", yaml.safe_dump(settings, sort_keys=False, allow_unicode=True))
    chapters = [{"file": f"book/generated/{p.page}", "title": sections.page_title(book, p)} for p in pages]
    chapters.append({"file": "book/glossary"})
    if not student:
        chapters.append({"file": f"book/generated/{TEACHERS_GUIDE}"})
    toc = {"format": "jb-book", "root": "book/index", "chapters": chapters}
    atomic.write_if_changed(root / "_toc.yml", yaml.safe_dump(toc, sort_keys=False, allow_unicode=True))
    shown = [p for p in pages if p.notebook != "methods"]
    atomic.write_if_changed(book_dir / "index.md", _index_page(title, book, shown, extras, student))
    return Edition(root, book_dir / "generated", out / "html", pages, book, with_guide=not student)


def custom(path: Path, out: Path, *, student: bool) -> Edition:
    spec = read_custom(path)
    pages = custom_pages(spec, path)
    title = spec.title or "Caravans at the border: a custom edition"
    extras = list(spec.include or ["glossary"])
    return prepare(pages, out, title=title + (" (student edition)" if student else ""), extras=extras, student=student)


def student_edition(out: Path) -> Edition:
    """The whole published book without solutions."""
    pages = sections.load().pages
    return prepare(
        [p for p in pages if p.notebook != "methods"],
        out,
        title=read_config(REPO_ROOT)["title"] + " (student edition)",
        extras=["glossary", "methods"],
        student=True,
    )
