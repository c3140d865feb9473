"""Which quotations are shown inside their article's sentence: a rule about text, used by queries and display."""

from __future__ import annotations

#: A direct quotation shorter than this many words is shown inside the article's sentence, so a
#: fragment such as “seek to prosecute” keeps the clause that gives it its meaning.
SHORT_QUOTE_WORDS = 8


def is_fragment(quote: str) -> bool:
    """A quotation that starts in lower case is part of the article's sentence, not a sentence of its own
    (“a whole hell of a lot of time to get down”), however long it is."""
    first = next((c for c in quote if c.isalpha()), "")
    return first.islower()


def in_context(row) -> bool:
    """Reported speech, short quotations and fragments are shown as the article's whole sentence."""
    quote = str(row["quote"])
    return row.get("quote_kind") == "reported" or len(quote.split()) < SHORT_QUOTE_WORDS or is_fragment(quote)
