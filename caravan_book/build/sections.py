"""The book's sections: the notebooks, their parameters (read by papermill), and the pages made of them.

``sections.yml`` is the one source: the pages to run, their order and parts, and so the table of contents,
which :func:`toc` derives and the build writes to ``_toc.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from caravan_book import settings
from caravan_book.build import config
from caravan_book.errors import ConfigError, ParameterError, ReportedError
from caravan_book.settings import NOTEBOOKS_DIR, SECTIONS_FILE

TOC_HEADER = (
    "# Table of contents, written by `caravan-book build` from sections.yml (the one source of the book's\n"
    "# pages and their order). Do not edit: change sections.yml.\n"
)


@dataclass(frozen=True)
class Page:
    page: str
    notebook: str
    parameters: dict = field(default_factory=dict, hash=False, compare=True)
    #: key terms for the teacher's guide, when this page's differ from its notebook's
    key_terms: tuple[str, ...] = ()

    @property
    def source(self) -> Path:
        return NOTEBOOKS_DIR / f"{self.notebook}.ipynb"

    def describe_parameters(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.parameters.items()) or "no parameters"


@dataclass(frozen=True)
class Sections:
    notebooks: dict[str, config.NotebookInfo]
    pages: list[Page]
    spec: config.SectionsFile

    def notebook_names(self) -> list[str]:
        return list(self.notebooks)


def load(path: Path = SECTIONS_FILE) -> Sections:
    """Read and check ``sections.yml`` (ConfigError, exit 2, with file and key if it is wrong)."""
    if path == SECTIONS_FILE and not path.is_file() and not settings.root_is_set():
        raise ConfigError(
            f"sections.yml: not found in {Path.cwd()} nor in {path.parent}; run caravan-book in a checkout of the "
            "project, or set CARAVAN_BOOK_ROOT to one"
        )
    spec = config.read_yaml(path, config.SectionsFile)
    pages = []
    seen: set[str] = set()
    for part in spec.parts:
        for entry in part.pages:
            if not isinstance(entry, config.NotebookPage):
                continue
            if entry.notebook not in spec.notebooks:
                known = ", ".join(spec.notebooks)
                raise ConfigError(
                    f"{path}: page {entry.page}: notebook {entry.notebook!r} is not under notebooks: (known: {known})"
                )
            if entry.page in seen:
                raise ConfigError(f"{path}: page {entry.page} is listed twice")
            seen.add(entry.page)
            pages.append(Page(entry.page, entry.notebook, dict(entry.parameters), tuple(entry.key_terms)))
    return Sections(notebooks=dict(spec.notebooks), pages=pages, spec=spec)


def page_title(book: Sections, page: Page) -> str:
    """A page's title in a sidebar that has no parts: the section and what it is about, in words
    (the incident's title and the articles' labels from the data, not their ids)."""
    from caravan_book.data import tables

    incidents = tables.load("incidents").set_index("incident")["title"]
    labels = tables.load("sources").set_index("source_id")["label"]
    about = []
    for name, value in page.parameters.items():
        if name in ("incident", "left", "right") and value in incidents:
            about.append(str(incidents[value]))
        elif name == "sources" and str(value).strip().lower() != "all":
            about.append(
                "as told by " + ", ".join(str(labels.get(s.strip(), s.strip())) for s in str(value).split(","))
            )
        elif name == "as_of" and value not in (None, "latest"):
            about.append(f"as known on {value}")
    if page.notebook == "comparison" and len(about) == 2:
        second = about[1][0].lower() + about[1][1:] if about[1].startswith("The ") else about[1]
        about = [f"{about[0]} and {second}"]
    title = book.notebooks[page.notebook].title
    return f"{title}: {'; '.join(about)}" if about else title


def toc(book: Sections, generated: str = "book/generated") -> dict:
    """The Jupyter Book table of contents of ``book``: its parts, notebook pages under ``generated``."""
    parts = []
    for part in book.spec.parts:
        chapters = [
            {"file": f"{generated}/{entry.page}" if isinstance(entry, config.NotebookPage) else entry.file}
            for entry in part.pages
        ]
        parts.append({"caption": part.caption, "chapters": chapters})
    return {"format": "jb-book", "root": book.spec.root, "parts": parts}


def toc_text(book: Sections) -> str:
    import yaml

    return TOC_HEADER + yaml.safe_dump(toc(book), sort_keys=False, allow_unicode=True)


@cache
def _inspect(notebook: Path, mtime: float) -> dict:
    import papermill

    return papermill.inspect_notebook(str(notebook))


def parameters_of(notebook: str) -> dict:
    """The notebook's parameters as papermill reads them: name -> {inferred_type_name, default, help}."""
    path = NOTEBOOKS_DIR / f"{notebook}.ipynb"
    if not path.is_file():
        names = ", ".join(sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb")))
        raise ParameterError(f"unknown section {notebook!r}; choose one of: {names}")
    return _inspect(path, path.stat().st_mtime)


def type_name(declared: dict) -> str:
    """The parameter's type: papermill's inference, or the type of its default value."""
    inferred = declared.get("inferred_type_name")
    if inferred and inferred != "None":
        return inferred
    try:
        default = _default(declared)
    except ReportedError:
        return "any"
    return "str (or None)" if default is None else type(default).__name__


def allowed_values(name: str) -> str:
    """The allowed values of a parameter, from the data."""
    from caravan_book.data import files  # the csv module, not pandas: ``list`` stays light

    if name in ("incident", "left", "right"):
        return ", ".join(files.column("incidents", "incident"))
    if name == "sources":
        return "all, or a comma-separated list of: " + ", ".join(files.column("sources", "source_id"))
    if name == "as_of":
        return "latest, or a date YYYY-MM-DD"
    return "any"


def _coerce(name: str, value, declared: dict):
    """Text from the command line to the declared parameter's type (papermill passes it as is)."""
    if isinstance(value, str) and declared.get("inferred_type_name") in ("int", "float"):
        try:
            return int(value) if declared["inferred_type_name"] == "int" else float(value)
        except ValueError:
            raise ParameterError(
                f"parameter {name} must be a {declared['inferred_type_name']}, not {value!r}"
            ) from None
    return value


def validate(notebook: str, given: dict) -> dict:
    """Check a section's parameters before running it; return them (with defaults filled in)."""
    declared = parameters_of(notebook)
    unknown = [name for name in given if name not in declared]
    if unknown:
        choices = ", ".join(declared) or "none"
        raise ParameterError(f"section {notebook!r} has no parameter {', '.join(unknown)}; its parameters: {choices}")
    from caravan_book.data import selection as params

    values = {name: _coerce(name, value, declared[name]) for name, value in given.items()}
    # text values are used as checked: " 2021-tapachula " names the incident 2021-tapachula
    values = {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}
    names = set(declared)
    if {"incident", "sources", "as_of"} <= names:
        merged = {n: values.get(n, _default(declared[n])) for n in ("incident", "sources", "as_of")}
        params.select(**merged)
    elif {"left", "right"} <= names:
        params.select_pair(
            values.get("left", _default(declared["left"])), values.get("right", _default(declared["right"]))
        )
    return values


def page_for(section: str, given: dict) -> Page:
    """The page ``caravan-book run`` makes of a section and its typed parameters, checked (ParameterError)."""
    known = load().notebook_names()
    if section not in known:
        raise ParameterError(f"unknown section {section!r}; choose one of: {', '.join(known)}")
    from caravan_book.build.warm_run import page_slug

    values = validate(section, given)
    return Page(page_slug(section, values), section, values)


def _default(declared: dict):
    import ast

    try:
        return ast.literal_eval(declared["default"])
    except (ValueError, SyntaxError):
        raise ReportedError(f"cannot read the default {declared['default']!r}") from None
