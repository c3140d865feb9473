"""What a notebook calls first: validate its parameters, set up charts, state the parameters."""

from __future__ import annotations

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
    _state("This page was made with: " + selection.describe().replace("<", "&lt;"))
    return selection


def start_pair(left, right) -> tuple[Selection, Selection]:
    pair = params.select_pair(left, right)
    render.enable()
    _state(f"This page was made with: left = {pair[0].incident} · right = {pair[1].incident}")
    return pair


def start_plain() -> None:
    render.enable()
