"""The book's wording lives in Jinja2 templates under ``book/templates/``; this is the one environment that fills
them in, for the pages, the teacher's guide and the handouts.

Python computes the values and chooses the case; the template says the words. Every value a template prints is
Markdown-escaped data text (:func:`caravan_book.story.escape.md`) unless the code marked it safe with
``markupsafe.Markup`` (a link or a role the book itself made). The environment is sandboxed and data is only ever
a value, never a template: a ``{{ … }}`` inside a data cell is printed as text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
import jinja2.meta
import jinja2.sandbox
from markupsafe import Markup

from caravan_book.data.files import record_use
from caravan_book.settings import BOOK_DIR
from caravan_book.story.escape import md

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


#: A rendered template is logged to the build's usage log as this prefix and its name (``data.files.record_use``).
USAGE_PREFIX = "template:"


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
    record_use(USAGE_PREFIX + name)
    return text_environment().get_template(name).render(**values)


def render(name: str, **values: object) -> str:
    """The template ``book/templates/NAME`` filled in with ``values`` (MyST Markdown). The name is logged at each
    call, so the page cache reruns the pages that rendered it when it changes."""
    record_use(USAGE_PREFIX + name)
    return environment().get_template(name).render(**values)


def template_closure(names: list[str]) -> list[Path]:
    """The files of templates ``names`` and of every template they include, import or extend (read statically,
    as the log names only the template a page rendered); a name no longer found is left out (its page's key
    changes, and it runs again and fails there, naming it)."""
    env = environment()
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        path = TEMPLATES_DIR / name
        if name in seen or not path.is_file():
            continue
        seen.add(name)
        source = path.read_text(encoding="utf-8")
        todo += [ref for ref in jinja2.meta.find_referenced_templates(env.parse(source)) if ref]
    return sorted(TEMPLATES_DIR / name for name in seen)
