"""What a notebook calls first: validate its parameters, set up charts, state the parameters."""

from __future__ import annotations

from IPython.display import Markdown, display
from markupsafe import Markup

from caravan_book.data import selection as params
from caravan_book.data.selection import Selection
from caravan_book.story import figures as charts_setup
from caravan_book.story.common import parameters_sentence
from caravan_book.story.templates import render


def show(markdown: str) -> None:
    display(Markdown(markdown))


def _state(line: str) -> None:
    if line:
        display(Markdown(f'<p class="caravan-params">{line}</p>'))


def start(incident, sources="all", as_of=None, state: bool = True) -> Selection:
    """Validate a section's parameters (clear error, no traceback), enable offline charts, state them (a page that
    ends with :func:`caravan_book.story.common.colophon` states them there instead: ``state=False``)."""
    selection = params.select(incident, sources, as_of)
    charts_setup.enable()
    if state:
        _state(parameters_sentence(selection))
    return selection


def end(selection: Selection) -> None:
    """The last cell of a page without a colophon: its parameters, for a page made with other parameters."""
    _state(parameters_sentence(selection))


def start_pair(left, right) -> tuple[Selection, Selection]:
    pair = params.select_pair(left, right)
    charts_setup.enable()
    return pair  # both incidents, all their articles: the page's title says it all


def start_plain() -> None:
    charts_setup.enable()


def excerpt_check() -> str:
    """One sentence for the methods page: how were this build's excerpts verified?"""
    from caravan_book import settings
    from caravan_book.data.ledger import LEDGER_FILE, Verified

    verified = Verified.from_json(settings.build_context())
    verified = verified.of_published() if verified else None  # the published book counts its own articles
    return render(
        "common/excerpt-check.md.j2",
        how=verified.how if verified else None,
        excerpts=verified.excerpts if verified else 0,
        articles=verified.articles if verified else 0,
        from_ledger=verified.from_ledger if verified else 0,
        ledger=Markup(f"`data/{LEDGER_FILE}`"),
    ).strip()
