"""What a notebook calls first: validate its parameters, set up charts, state the parameters."""

from __future__ import annotations

import html

from IPython.display import Markdown, display

from caravan_book import params, render
from caravan_book.params import Selection


def show(markdown: str) -> None:
    display(Markdown(markdown))


def _state(line: str) -> None:
    display(Markdown(f'<p class="caravan-params">{line}</p>'))


def start(incident, sources="all", as_of=None) -> Selection:
    """Validate a section's parameters (clear error, no traceback), enable offline charts, state them."""
    selection = params.select(incident, sources, as_of)
    render.enable()
    _state("This page tells: " + html.escape(selection.for_readers()))
    return selection


def start_pair(left, right) -> tuple[Selection, Selection]:
    pair = params.select_pair(left, right)
    render.enable()
    _state(f"This page compares: {html.escape(pair[0].title())} and {html.escape(pair[1].title())} · all articles")
    return pair


def start_plain() -> None:
    render.enable()


def excerpt_check() -> str:
    """One sentence for the methods page: were this build's excerpts compared with the articles?"""
    import os

    from caravan_book.pages import CONTEXT_ENV

    context = os.environ.get(CONTEXT_ENV, "")
    if context.startswith("excerpts checked"):
        count = context.removeprefix("excerpts checked against ").removesuffix(" articles")
        return (
            f"For this build, every excerpt in the data was compared with its article ({count} articles) and "
            "found in it word for word; the build stops before publishing if one is not."
        )
    if context == "excerpts not checked":
        return (
            "For this build, the source articles were not available, so the excerpts were **not** compared with "
            "them; the data's other checks ran."
        )
    return "This page was made outside the book's build, so this copy does not say whether the excerpts were checked."
