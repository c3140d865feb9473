"""What a notebook calls first: validate its parameters, set up charts, state the parameters."""

from __future__ import annotations

import html

from IPython.display import Markdown, display

from caravan_book.data import selection as params
from caravan_book.data.selection import Selection
from caravan_book.story import figures as render


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
    """One sentence for the methods page: how were this build's excerpts verified?"""
    from caravan_book import settings
    from caravan_book.data.ledger import LEDGER_FILE, Verified

    verified = Verified.from_json(settings.build_context())
    if verified is None:
        return (
            "This page was made outside the book's build, so this copy does not say whether the excerpts were verified."
        )
    if verified.how == "articles":
        return (
            f"For this build, every excerpt in the data ({verified.excerpts} excerpts) was compared with its "
            f"article ({verified.articles} articles) and found in it word for word; the build stops before "
            "publishing if one is not."
        )
    if verified.how == "articles and ledger":
        return (
            f"For this build, every excerpt in the data ({verified.excerpts} excerpts) was verified: those of the "
            f"{verified.articles - verified.from_ledger} articles at hand were compared with them and found in them "
            f"word for word, those of the other {verified.from_ledger} against the excerpt ledger "
            f"(`data/{LEDGER_FILE}`), which records each excerpt found word for word in its article the last time "
            "the articles were checked; the build stops before publishing if an excerpt is not verified."
        )
    return (
        f"For this build, the source articles were not at hand, so every excerpt in the data ({verified.excerpts} "
        f"excerpts) was verified against the excerpt ledger (`data/{LEDGER_FILE}`): the ledger records each "
        f"excerpt that was found word for word in its article ({verified.articles} articles, each with the "
        "fingerprint of its text) the last time the articles were checked, and the build stops before "
        "publishing if an excerpt is new or changed since."
    )
