"""The book's wording lives in Jinja2 templates under ``book/templates/``; this is the one environment that fills
them in, for the pages, the teacher's guide and the handouts.

Python computes the values and chooses the case; the template says the words. Every value a template prints is
Markdown-escaped data text (:func:`caravan_book.story.display.md`) unless the code marked it safe with
``markupsafe.Markup`` (a link or a role the book itself made). The environment is sandboxed and data is only ever
a value, never a template: a ``{{ … }}`` inside a data cell is printed as text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
import jinja2.sandbox
from markupsafe import Markup

from caravan_book.paths import BOOK_DIR
from caravan_book.story.display import md

TEMPLATES_DIR = BOOK_DIR / "templates"


def _finalize(value: object) -> object:
    """Every value is Markdown-escaped text unless the code marked it safe."""
    return value if isinstance(value, Markup) else md(value)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = lambda value: Markup(md(value))
    return env


@cache
def text_environment() -> jinja2.Environment:
    """The same sandbox for plain text (a chart's title, caption and text alternative): values are printed as
    they are, because the figure escapes the whole text for HTML where it is shown."""
    return jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_text(name: str, **values: object) -> str:
    """The template ``book/templates/NAME`` filled in as plain text (never Markdown; escaped later for HTML)."""
    return text_environment().get_template(name).render(**values)


def render(name: str, **values: object) -> str:
    """The template ``book/templates/NAME`` filled in with ``values`` (MyST Markdown)."""
    return environment().get_template(name).render(**values)


def template_files() -> list[Path]:
    """Every template file, for the page cache's key (an edited sentence reruns the pages)."""
    return sorted(p for p in TEMPLATES_DIR.rglob("*") if p.is_file())
