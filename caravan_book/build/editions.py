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

import hashlib
import shutil
from pathlib import Path

import yaml

from caravan_book import atomic
from caravan_book.build import config, pagecache, sections
from caravan_book.build.book import Edition, read_config
from caravan_book.build.guide import TEACHERS_GUIDE
from caravan_book.errors import ConfigError, ParameterError
from caravan_book.settings import BOOK_DIR, REPO_ROOT
from caravan_book.text.slugs import slug

#: The editions' names (extra pages, default title, the student edition's suffix), from the templates folder.
WORDS = yaml.safe_load((BOOK_DIR / "templates" / "editions" / "words.yml").read_text(encoding="utf-8"))
EXTRA_PAGES: dict[str, str] = WORDS["extra_pages"]


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
    book = sections.load()
    known = book.notebook_names()
    # a custom page that is also a page of the published book keeps that page's key terms (sections.yml)
    published_terms = {
        (
            page.notebook,
            tuple(sorted(sections.validate(page.notebook, page.parameters).items(), key=str)),
        ): page.key_terms
        for page in book.pages
        if page.key_terms
    }
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
        terms = published_terms.get((entry.notebook, tuple(sorted(values.items(), key=str))), ())
        pages.append(sections.Page(name, entry.notebook, values, terms))
    return pages


def _index_page(
    title: str, book: sections.Sections, pages: list[sections.Page], extras: list[str], student: bool
) -> str:
    from markupsafe import Markup

    from caravan_book.story.templates import render

    links = [(sections.page_title(book, page), Markup(f"generated/{page.page}.ipynb")) for page in pages]
    links += [
        (EXTRA_PAGES[extra], Markup("glossary.md" if extra == "glossary" else "generated/methods.ipynb"))
        for extra in extras
    ]
    return render(
        "editions/index.md.j2", title=title, links=links, student=student, guide=Markup(f"generated/{TEACHERS_GUIDE}")
    )


def work_folder(out: Path) -> Path:
    """Where a student edition's build does its work (sources, executed notebooks, staging site, lock):
    outside the folder the teacher named, which holds the finished site only, so that nothing in it (a zip
    of the folder, say) holds a solution. One folder per output folder, under the project's ``_build``."""
    digest = hashlib.sha256(str(out.resolve()).encode("utf-8")).hexdigest()[:12]
    return REPO_ROOT / "_build" / "editions-work" / f"{slug(out.name) or 'edition'}-{digest}"


def source_folder(out: Path, *, student: bool) -> Path:
    """The book source folder of an edition built into ``out``: ``out/source``, a student edition's outside
    ``out`` (``work_folder``)."""
    return (work_folder(out) if student else out) / "source"


def has_run_before(out: Path, *, student: bool) -> bool:
    """Whether a build into ``out`` ran pages before (their cache is there), so that some may be current."""
    return (source_folder(out, student=student) / "book" / "generated" / pagecache.CACHE_NAME).is_file()


def prepare(pages: list[sections.Page], out: Path, *, title: str, extras: list[str], student: bool) -> Edition:
    """Write a book source folder (``source_folder``) and return the edition to build."""
    book = sections.load()
    work = work_folder(out) if student else None
    root = source_folder(out, student=student)
    if student:
        for leftover in (out / "source", out / ".stage", out / "failed", out / ".build.lock"):
            # what an earlier version of the build left in the folder: every solution was in it
            if leftover.is_dir():
                shutil.rmtree(leftover)
            elif leftover.exists():
                leftover.unlink()
    book_dir = root / "book"
    (book_dir / "generated").mkdir(parents=True, exist_ok=True)
    atomic.copy_tree(BOOK_DIR / "_static", book_dir / "_static")
    atomic.copy_tree(BOOK_DIR / "templates", book_dir / "templates")
    atomic.copy_file(BOOK_DIR / "glossary.md", book_dir / "glossary.md", keep_times=True)
    if "methods" in extras and not any(p.notebook == "methods" for p in pages):
        pages = [*pages, sections.Page("methods", "methods", {})]
    settings = read_config(REPO_ROOT)
    settings["title"] = title  # plain text without < > " (config.CustomBookFile): the themes print it unescaped
    sphinx_config = settings["sphinx"]["config"]
    sphinx_config["hide_solutions"] = student
    if student:
        # the executed notebooks hold the solutions' outputs: no download button, no copy in _sources
        settings.setdefault("html", {})["use_download_button"] = False
        # Jupyter Book 1.0 does not pass html.use_download_button on to the theme: say it to the theme itself
        sphinx_config.setdefault("html_theme_options", {})["use_download_button"] = False
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
    return Edition(
        root,
        book_dir / "generated",
        out / "html",
        pages,
        book,
        with_guide=not student,
        work=work,
        medium="student" if student else "web",
    )


def custom(path: Path, out: Path, *, student: bool) -> Edition:
    spec = read_custom(path)
    pages = custom_pages(spec, path)
    title = spec.title or WORDS["custom_title"]
    extras = list(spec.include or ["glossary"])
    return prepare(
        pages, out, title=title + (WORDS["student_suffix"] if student else ""), extras=extras, student=student
    )


def student_edition(out: Path) -> Edition:
    """The whole published book without solutions."""
    pages = sections.load().pages
    return prepare(
        [p for p in pages if p.notebook != "methods"],
        out,
        title=read_config(REPO_ROOT)["title"] + WORDS["student_suffix"],
        extras=["glossary", "methods"],
        student=True,
    )
