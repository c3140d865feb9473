"""Which quotations are shown inside their article's sentence: a rule about text, used by queries and display."""

from __future__ import annotations

import re

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


#: A phrase in quotation marks inside reported words: he 'guesses', the migrants' actions “dangerous" (an
#: opening mark after a space or at the start, a closing mark not followed by a letter, so an apostrophe in
#: "caravan's" or "isn't" is not taken for one).
_QUOTED_PHRASE = re.compile(r"(?:^|(?<=\s))[“‘\"']\w[^“”\"]*?[”’\"'](?!\w)")


def holds_speakers_words(row) -> bool:
    """A statement whose sentence holds words in the speaker's own words: a direct quotation, or reported
    words with a quoted phrase inside them (review 8, m4)."""
    quote = row["quote"]
    if not isinstance(quote, str):
        return False
    return row.get("quote_kind") == "direct" or bool(_QUOTED_PHRASE.search(quote))
