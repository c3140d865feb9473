"""Read a number the way a news article writes it: ``5,800``, ``1.7 million``, ``Forty two``."""

from __future__ import annotations

import re

from babel.numbers import NumberFormatError, parse_decimal

from caravan_book.text.vocabulary import NUMBER_WORDS as _UNITS
from caravan_book.text.vocabulary import SCALE_WORDS as _SCALES

#: The shape of printed digits ("5,800", "$1.7", "40%"); babel reads their value, strictly (grouping by threes).
_DIGITS = re.compile(r"^\$?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")


def _words(tokens: list[str]) -> float | None:
    total, current = 0, 0
    for token in tokens:
        if token in _UNITS:
            current += _UNITS[token]
        elif token == "hundred":
            current = max(current, 1) * 100
        elif token in _SCALES:
            total += max(current, 1) * _SCALES[token]
            current = 0
        elif token != "and":
            return None
    return float(total + current)


def parse_number_text(text: str) -> float | None:
    """The value of a number as printed, or None if the text is not a number.

    >>> parse_number_text("1.7 million"), parse_number_text("Forty two"), parse_number_text("192,000")
    (1700000.0, 42.0, 192000.0)
    >>> parse_number_text("192,00") is None
    True
    """
    tokens = text.strip().lower().replace("-", " ").split()
    if not tokens:
        return None
    head, scale = tokens[0], 1
    if len(tokens) == 2 and tokens[1] in _SCALES:
        scale = _SCALES[tokens[1]]
    elif len(tokens) > 1 or not _DIGITS.match(head):
        return _words(tokens)
    if not _DIGITS.match(head):
        return _words(tokens)
    return float(parse_decimal(head.strip("$%"), locale="en_US", strict=True)) * scale


def digit_suggestions(printed: str) -> list[str]:
    """What digits printed with a misplaced separator may have meant, as babel's strict reading suggests
    (``"192,00"``: ``19,200`` or ``192``); empty when the digits are well formed."""
    try:
        parse_decimal(printed.strip().strip("$%"), locale="en_US", strict=True)
    except NumberFormatError as error:
        return list(error.suggestions or [])
    return []
