"""The words the package reads in articles and allows in the data, written once in ``vocabulary.yml`` (next
to this module): number words, scales, months, weekdays, the qualifiers of a number, and the values each
vocabulary column of the data allows. ``text.numbers``, ``text.dates``, ``data.schemas``, ``story`` and
``intake`` read them from here. (Own lists, not a library's: babel and dateparser know month names per locale
but not which words an English news article puts before a count.)
"""

from __future__ import annotations

from pathlib import Path

import yaml

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yml")
_WORDS = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))

#: Number words below a hundred that articles spell out, with their values.
NUMBER_WORDS: dict[str, int] = _WORDS["number_words"]
#: Words that multiply the number before them.
SCALE_WORDS: dict[str, int] = _WORDS["scale_words"]
MONTHS: tuple[str, ...] = tuple(_WORDS["months"])
#: Monday first, as ``date.weekday()`` counts.
WEEKDAYS: tuple[str, ...] = tuple(_WORDS["weekdays"])
#: The qualifiers a figure may carry in the data (figures.csv's ``qualifier``).
QUALIFIERS: tuple[str, ...] = tuple(_WORDS["qualifiers"])
#: Words an article writes before a number, and the data's qualifier each one means.
QUALIFIER_WORDS: dict[str, str] = _WORDS["qualifier_words"]
#: Words a page finds before a figure's number in the article's phrase, longest first.
PRINTED_QUALIFIERS: tuple[str, ...] = tuple(_WORDS["printed_qualifiers"])


def allowed(name: str):
    """The values a vocabulary column of the data allows (``vocabulary.yml``): a tuple, or a mapping of each
    value to its description or heading, in the file's order."""
    values = _WORDS[name]
    return dict(values) if isinstance(values, dict) else tuple(values)
